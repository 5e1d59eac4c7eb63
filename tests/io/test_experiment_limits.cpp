// SPDX-License-Identifier: MIT
// Experiment files from someone else (issue 16, class 6): names restricted to a safe set,
// extends and the main file read only when regular and small, duration >= dt, initial values
// range-checked, the memory estimate covering recorder buffers and resets, and reports that
// would overflow float32 stopping the run as a numerical fault.
#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>
#include <vector>

#include "core/resource_estimate.hpp"
#include "io/experiment.hpp"
#include "io/experiment_names.hpp"
#include "io/experiment_source.hpp"
#include "io/regular_file.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;
using Catch::Matchers::Contains;

namespace {

const std::string kSimulation = "[simulation]\nduration = \"20 ms\"\ndt = \"0.1 ms\"\n\n";

Experiment parse(const std::string& text) {
    return parse_experiment(text, "test.toml", {}, registry());
}

// The InputError's one-line text for `text`, or "" when it parses.
std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string population(const std::string& toml_key, const std::string& model = "lif_curr_exp") {
    return "[populations." + toml_key + "]\nmodel = \"" + model + "\"\nsize = 2\n";
}

// A fresh folder for files, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("gliasim_limits_" + std::to_string(::getpid()) + "_" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name, std::ios::binary) << text;
        return (path / name).string();
    }
};

std::string load_error(const std::string& file) {
    try {
        load_experiment(file, {}, registry());
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("names: only letters, digits, '_' and '-', not starting with a digit or '-'",
          "[experiment][limits]") {
    for (const std::string& ok :
         std::vector<std::string>{"exc", "E", "exc_2", "a-b", "_x", std::string(64, 'a')})
        CHECK_FALSE(unsafe_name_reason(ok));
    for (const std::string& bad : std::vector<std::string>{
             "", "/", ".", "..", "a/", "/a", "a/b", "a b", "1exc", "-x", "a.b", "a:b",
             std::string("a\0", 2), "a\nb", "\xd0\xb5xc" /* Cyrillic e */, std::string(65, 'a')})
        CHECK(unsafe_name_reason(bad));
}

TEST_CASE("unsafe names are refused at the key, with file:line:col, on one line",
          "[experiment][limits]") {
    // The population `a/b` beside `a`: its spikes would be /spikes/a/b inside a's group.
    const std::string shadow = kSimulation + population("a") + "\n" + population("\"a/b\"");
    CHECK_THAT(error_of(shadow), Contains("test.toml:9:14: error: populations.\"a/b\": ") &&
                                     Contains("must not contain '/'"));
    struct Case {
        std::string key, shown;
    };
    for (const auto& [key, shown] : std::vector<Case>{{"\"/\"", "\"/\""},
                                                      {"\".\"", "\".\""},
                                                      {"\"..\"", "\"..\""},
                                                      {"\"\"", "\"\""},
                                                      {"\"a/\"", "\"a/\""},
                                                      {"\"a\\u0000\"", "\"a\\x00\""},
                                                      {"\"a\\nb\"", "\"a\\x0Ab\""},
                                                      {"\"a b\"", "\"a b\""},
                                                      {"\"\u0435xc\"", "\"\\xD0\\xB5xc\""}}) {
        const std::string what = error_of(kSimulation + population(key));
        INFO(key << " -> " << what);
        CHECK_THAT(what, Contains("test.toml:5:14: error: populations." + shown + ": "));
        CHECK(what.find('\n') == std::string::npos);
        CHECK(what.find('\0') == std::string::npos);
    }
    // Projections, stimuli and recorders too.
    const std::string base = kSimulation + population("exc");
    CHECK_THAT(error_of(base + "[projections.\"e/e\"]\nsource = \"exc\"\ntarget = \"exc\"\n"
                               "rule = \"one_to_one\"\nweight = \"1 pA\"\n"),
               Contains("projections.\"e/e\": "));
    CHECK_THAT(error_of(base + "[recorders.\"..\"]\nkind = \"spikes\"\n"),
               Contains("recorders.\"..\": "));
    CHECK_THAT(error_of(base + "[stimuli.\"1st\"]\nmodel = \"dc_source\"\ntarget = \"exc\"\n"
                               "amplitude = \"1 pA\"\n"),
               Contains("stimuli.1st: ") && Contains("must not start with a digit"));
    // Every name in the shipped experiments is safe (the existing test parses them all).
}

TEST_CASE("an output file name with a control character is refused", "[experiment][limits]") {
    CHECK_THAT(error_of(kSimulation + "[output]\nfile = \"out\\u0000.h5\"\n\n" + population("exc")),
               Contains("test.toml:6:8: error: output.file: control character 0x00"));
}

TEST_CASE("extends and the main file: only regular files under the size cap",
          "[experiment][limits]") {
    TempDir dir;
    const std::string body = kSimulation + population("exc");
    const auto extending = [&](const std::string& target) {
        return dir.write("child.toml", "extends = \"" + target + "\"\n\n" + body);
    };
    // Character devices: /dev/zero was read without bound, /dev/urandom forever.
    CHECK_THAT(load_error(extending("/dev/zero")),
               Contains("child.toml:1:11: error: extends: '/dev/zero' is a character device"));
    CHECK_THAT(load_error(extending("/dev/urandom")), Contains("is a character device"));
    // A FIFO nobody writes to blocked the open forever.
    REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
    CHECK_THAT(load_error(extending("fifo")), Contains("is a FIFO (named pipe)"));
    std::filesystem::create_directory(dir.path / "folder");
    CHECK_THAT(load_error(extending("folder")), Contains("is a directory"));
    // One byte over the cap (a sparse file).
    {
        std::ofstream big(dir.path / "big.toml", std::ios::binary);
        big.seekp(static_cast<std::streamoff>(kMaxExperimentFileBytes));
        big.put('\n');
    }
    CHECK_THAT(load_error(extending("big.toml")), Contains("more than the 16 MiB"));
    CHECK_THAT(load_error(extending("missing.toml")), Contains("'") && Contains("cannot open"));
    // A cycle of two files is named as a cycle (not only as too many levels).
    dir.write("a.toml", "extends = \"b.toml\"\n");
    dir.write("b.toml", "extends = \"a.toml\"\n");
    CHECK_THAT(load_error((dir.path / "a.toml").string()),
               Contains("b.toml:1:11: error: extends: ") && Contains("extends cycle"));
    // The main file itself.
    CHECK_THAT(load_error("/dev/zero"),
               Contains("/dev/zero: error: the experiment file is a character device"));
    CHECK_THAT(load_error((dir.path / "fifo").string()), Contains("is a FIFO"));
    CHECK_THAT(load_error(dir.path.string()), Contains("is a directory"));
    CHECK_THAT(load_error((dir.path / "big.toml").string()), Contains("more than the 16 MiB"));
    CHECK_THAT(load_error((dir.path / "nothing.toml").string()),
               Contains("cannot open the experiment file"));
    // A regular file below the cap still works, through extends too.
    dir.write("base.toml", body);
    CHECK_NOTHROW(load_experiment(
        dir.write("ok.toml", "extends = \"base.toml\"\n[simulation]\nduration = \"5 ms\"\n"), {},
        registry()));
}

TEST_CASE("a duration shorter than dt is refused", "[experiment][limits]") {
    CHECK_THAT(
        error_of("[simulation]\nduration = \"0.05 ms\"\ndt = \"0.1 ms\"\n\n" + population("exc")),
        Contains("test.toml:2:12: error: simulation.duration: duration 0.05 ms is "
                 "shorter than one step (dt = 0.1 ms)"));
    CHECK_NOTHROW(
        parse("[simulation]\nduration = \"0.1 ms\"\ndt = \"0.1 ms\"\n\n" + population("exc")));
}

TEST_CASE("initial values are range-checked like parameters", "[experiment][limits]") {
    const auto initial = [&](const std::string& model, const std::string& line) {
        return error_of(kSimulation + population("p", model) + "initial = { " + line + " }\n");
    };
    CHECK_THAT(initial("lif_curr_exp", "V_m = \"1e300 mV\""),
               Contains("test.toml:8:19: error: populations.p.initial.V_m: 1e+300 mV is out of "
                        "range; an initial V_m of model lif_curr_exp must be in [-1000 mV, "
                        "1000 mV]"));
    CHECK_THAT(initial("lif_curr_exp", "V_m = nan"), Contains("populations.p.initial.V_m: "));
    CHECK_THAT(initial("lif_curr_exp", "V_m = -inf"), Contains("populations.p.initial.V_m: "));
    CHECK_THAT(initial("lif_curr_exp", "I_syn_ex = \"1e40 pA\""), Contains("out of range"));
    CHECK_THAT(initial("lif_cond_exp", "g_ex = \"-1 nS\""), Contains("must be in [0 nS,"));
    CHECK_THAT(initial("astrocyte_lr", "Ca_astro = \"-0.1 uM\""),
               Contains("initial.Ca_astro: -0.1 uM is out of range"));
    CHECK_THAT(initial("astrocyte_lr", "h_IP3R = 1.5"), Contains("must be in [0, 1]"));
    CHECK_THAT(initial("astrocyte_gchi", "x_A = -0.25"), Contains("must be in [0, 1]"));
    CHECK_THAT(initial("lif_curr_exp",
                       "V_m = { distribution = \"uniform\", low = \"-70 mV\", high = \"1e9 mV\" }"),
               Contains("high 1e+09 mV is out of range"));
    CHECK_THAT(
        initial("lif_curr_exp",
                "V_m = { distribution = \"normal\", mean = \"-65 mV\", std = \"1e300 mV\" }"),
        Contains("std 1e+300 mV is too large"));
    // What the shipped experiments do stays valid (COBA's normal g_in may draw below 0).
    CHECK(initial("lif_curr_exp",
                  "V_m = { distribution = \"uniform\", low = \"-70 mV\", high = \"-50 mV\" }")
              .empty());
    CHECK(initial("lif_cond_exp",
                  "g_in = { distribution = \"normal\", mean = \"200 nS\", std = \"120 nS\" }")
              .empty());
    CHECK(initial("astrocyte_lr", "h_IP3R = 0.9").empty());
}

TEST_CASE("the memory estimate covers recorder buffers and reset schedules",
          "[experiment][limits]") {
    const auto estimate = [](const std::string& text) {
        return estimate_resources(spec_of(text)).memory_bytes;
    };
    const std::string net = "[populations.exc]\nmodel = \"lif_curr_exp\"\nsize = 100000\n";
    const double plain = estimate("[simulation]\nduration = \"1 s\"\n" + net);
    // A state recorder of every entity and variable, every step, flushed each second: 10001
    // rows of 100000 floats per variable are held (plus the ids).
    const double recorded =
        estimate("[simulation]\nduration = \"1 s\"\n" + net +
                 "[recorders.v]\nkind = \"state\"\npopulation = \"exc\"\ninterval = \"0.1 ms\"\n");
    CHECK(recorded - plain >= 4.0 * 10000 * 100000 * 4);
    // A flush interval beyond the run holds at most the run.
    const double long_flush =
        estimate("[simulation]\nduration = \"10 ms\"\n[output]\n"
                 "flush_interval = \"1e5 s\"\n" +
                 net + "[recorders.v]\nkind = \"state\"\npopulation = \"exc\"\n");
    CHECK(long_flush < 1e9);
    // A reset every step for 1e8 steps: at least one 16-byte event per reset.
    const double resets =
        estimate("[simulation]\nduration = \"1e4 s\"\n" + net + "reset = { every = \"0.1 ms\" }\n");
    CHECK(resets - plain >= 16.0 * 1e8);
}

TEST_CASE("a long flush interval does not size the recorder buffers beyond the run",
          "[reliability][limits]") {
    // Before: rows for 1e9 steps of 1000 columns were allocated (bad_alloc).
    const NetworkSpec spec =
        spec_of("[simulation]\nduration = \"10 ms\"\n[output]\nflush_interval = \"1e5 s\"\n"
                "[populations.exc]\nmodel = \"lif_curr_exp\"\nsize = 1000\n"
                "[recorders.v]\nkind = \"state\"\npopulation = \"exc\"\nvariables = [\"V_m\"]\n");
    const Result r = run(spec);
    CHECK(r.stats.end == RunEnd::completed);
    CHECK(r.mb.reports.at(0).size() == 10 * 1000);
}

TEST_CASE("a recorded value beyond float32 is a numerical fault, not +-inf in the report",
          "[reliability][limits]") {
    const NetworkSpec spec =
        spec_of(kSimulation + "[populations.exc]\nmodel = \"lif_curr_exp\"\nsize = 10\n"
                              "[recorders.i]\nkind = \"state\"\npopulation = \"exc\"\n"
                              "variables = [\"I_syn_ex\"]\ninterval = \"1 ms\"\n");
    Simulation sim(spec);
    const auto var = *spec.populations[0].model->state_index("I_syn_ex");
    sim.network().populations()[0]->state(var)[3] = 1e300; // finite as a double
    MemoryBackend mb;
    const RunStats stats = sim.run(mb);
    CHECK(stats.end == RunEnd::numerical_fault);
    CHECK_THAT(stats.fault_message,
               Contains("numerical fault in population 'exc' (model lif_curr_exp): entity 3, "
                        "I_syn_ex = ") &&
                   Contains("at t = 1 ms does not fit the float32 report"));
    // Stopped at the end of the fault's slice, not after the whole run (200 steps).
    CHECK(stats.steps < 200);
}

TEST_CASE("read_regular_file: links followed or refused, the rest refused by kind and size",
          "[experiment][limits]") {
    TempDir dir;
    const std::string file = dir.write("f.txt", "hello\n");
    std::filesystem::create_symlink(file, dir.path / "link");
    const std::string link = (dir.path / "link").string();
    const auto read = [](const std::string& path, std::uint64_t max, bool follow) {
        return read_regular_file(path, max, follow);
    };
    const auto refusal = [&](const std::string& path, std::uint64_t max, bool follow) {
        auto r = read(path, max, follow);
        REQUIRE(std::holds_alternative<FileRefusal>(r));
        return std::get<FileRefusal>(r);
    };
    CHECK(std::get<RegularFile>(read(file, 6, false)).text == "hello\n");
    CHECK(std::get<RegularFile>(read(link, 6, true)).text == "hello\n");
    CHECK(refusal(link, 6, false).why == FileRefusal::Why::link);
    const FileRefusal big = refusal(file, 5, true);
    CHECK(big.why == FileRefusal::Why::too_large);
    CHECK(big.size == 6);
    const FileRefusal missing = refusal((dir.path / "none").string(), 5, false);
    CHECK(missing.why == FileRefusal::Why::cannot_open);
    CHECK(missing.error == ENOENT);
    REQUIRE(::mkfifo((dir.path / "fifo").c_str(), 0600) == 0);
    const FileRefusal fifo = refusal((dir.path / "fifo").string(), 100, false); // must not block
    CHECK(fifo.why == FileRefusal::Why::not_regular);
    CHECK(fifo.detail == "a FIFO (named pipe)");
    CHECK(refusal(dir.path.string(), 100, true).detail == "a directory");
    // /proc files say size 0: read to the end anyway, and refuse them past the limit.
    CHECK_FALSE(std::get<RegularFile>(read("/proc/self/status", 1 << 20, true)).text.empty());
    const FileRefusal grown = refusal("/proc/self/status", 10, true);
    CHECK(grown.why == FileRefusal::Why::too_large);
    CHECK(grown.size == 0);
}
