// SPDX-License-Identifier: MIT
// The run session (session/run_session.hpp) driving whole runs: the same spikes as the
// Simulation driven directly, refusals typed with gliasim run's exit status and line, and a run
// interrupted, checkpointed and resumed through the session ends with the output of an
// uninterrupted run.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <omp.h>
#include <unistd.h>

#include "io/sonata_reader.hpp"
#include "session/exit_status.hpp"
#include "session/run_session.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;
using session::OutputMode;
using session::RunRequest;
using session::RunSession;

namespace fs = std::filesystem;

namespace {

const std::string kShortCoba = "simulation.duration=\"60 ms\"";

std::string experiment_path(const std::string& name) {
    return (fs::path(GLIASIM_SOURCE_DIR) / "experiments" / name).string();
}

// A fresh folder under the system's temporary one, removed at the end of the test.
struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() /
               (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()))) {
        fs::create_directories(path);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string operator/(const std::string& file) const { return (path / file).string(); }
};

RunRequest coba_request(OutputMode mode) {
    RunRequest r;
    r.file = experiment_path("coba.toml");
    r.overrides = {kShortCoba};
    r.output_mode = mode;
    return r;
}

// prepare, build and execute, each required to succeed.
session::RunReport run_through(RunSession& s, const std::atomic<bool>* interrupt = nullptr) {
    auto refused = s.prepare();
    INFO((refused ? refused->message : std::string()));
    REQUIRE(!refused);
    refused = s.build();
    INFO((refused ? refused->message : std::string()));
    REQUIRE(!refused);
    return s.execute({}, interrupt);
}

void check_same_spikes(const std::string& a, const std::string& b) {
    const SonataFile fa(a), fb(b);
    REQUIRE(fa.spike_populations() == fb.spike_populations());
    for (const auto& pop : fa.spike_populations()) {
        INFO(pop);
        const SpikeData sa = fa.spikes(pop), sb = fb.spikes(pop);
        CHECK(!sa.timestamps.empty());
        CHECK(sa.timestamps == sb.timestamps);
        CHECK(sa.node_ids == sb.node_ids);
    }
}

} // namespace

TEST_CASE("run session: a run kept in memory records what the Simulation driven directly "
          "records",
          "[session]") {
    RunSession s(coba_request(OutputMode::memory));
    const auto report = run_through(s);
    CHECK(report.exit_status() == session::kExitOk);
    CHECK(report.stats.end == RunEnd::completed);

    const Result direct = run(spec_of(read_text("coba.toml"), {kShortCoba}));
    CHECK(report.stats.spikes == direct.stats.spikes);
    CHECK(report.stats.synaptic_events == direct.stats.synaptic_events);
    const MemoryBackend& mb = s.recorded();
    REQUIRE(mb.spikes.size() == direct.mb.spikes.size());
    std::size_t spikes = 0;
    for (std::size_t p = 0; p < mb.spikes.size(); ++p) {
        CHECK(mb.spikes[p].times == direct.mb.spikes[p].times);
        CHECK(mb.spikes[p].ids == direct.mb.spikes[p].ids);
        spikes += mb.spikes[p].times.size();
    }
    CHECK(spikes > 0); // a silent network would prove nothing
    // The metadata: built once, from the experiment and the run.
    CHECK(report.meta.completed);
    CHECK(report.meta.duration == 60.0);
    CHECK(report.meta.threads == 1);
    CHECK(report.meta.experiment_toml == s.experiment().resolved_toml);
}

TEST_CASE("run session: a run to a file writes <output>.partial and renames it once complete",
          "[session]") {
    const TempFolder dir("gliasim-session-file");
    RunRequest r = coba_request(OutputMode::file);
    r.output = dir / "coba.h5";
    RunSession s(r);
    const auto report = run_through(s);
    CHECK(report.exit_status() == session::kExitOk);
    CHECK(s.files().partial == dir / "coba.h5.partial");
    CHECK(fs::exists(dir / "coba.h5"));
    CHECK(!fs::exists(dir / "coba.h5.partial"));
    CHECK(!fs::exists(dir / "coba.h5.ckpt"));
    const SonataFile f(dir / "coba.h5");
    CHECK(f.metadata_value("completed") == "1");
    std::uint64_t spikes = 0;
    for (const auto& pop : f.spike_populations()) spikes += f.spikes(pop).timestamps.size();
    std::uint64_t counted = 0;
    for (const auto n : report.stats.spikes) counted += n;
    CHECK(spikes == counted);
}

TEST_CASE("run session: refusals carry gliasim run's exit status and line, and write nothing",
          "[session]") {
    const TempFolder dir("gliasim-session-refusal");
    SECTION("no experiment file and no checkpoint") {
        RunSession s(RunRequest{});
        const auto refused = s.prepare();
        REQUIRE(refused);
        CHECK(refused->exit_status == session::kExitUsage);
        CHECK(refused->message == "error: no experiment file given (gliasim run FILE, or "
                                  "gliasim run --resume CHECKPOINT)");
    }
    SECTION("a checkpoint interval that is not a positive time") {
        RunRequest r = coba_request(OutputMode::file);
        r.checkpoint_every = "-5 s";
        RunSession s(r);
        const auto refused = s.prepare();
        REQUIRE(refused);
        CHECK(refused->exit_status == session::kExitUsage);
        CHECK(refused->message ==
              "error: --checkpoint-every '-5 s': expected a positive time such as \"10 s\"");
    }
    SECTION("an experiment file that does not exist") {
        RunRequest r;
        r.file = dir / "missing.toml";
        RunSession s(r);
        const auto refused = s.prepare();
        REQUIRE(refused);
        CHECK(refused->exit_status == session::kExitUsage);
        CHECK(refused->message.rfind(dir / "missing.toml", 0) == 0);
        CHECK(refused->message == refused->cause);
    }
    SECTION("an existing output without overwrite") {
        std::ofstream(dir / "out.h5") << "not mine";
        RunRequest r = coba_request(OutputMode::file);
        r.output = dir / "out.h5";
        RunSession s(r);
        const auto refused = s.prepare();
        REQUIRE(refused);
        CHECK(refused->exit_status == session::kExitUsage);
        CHECK(refused->message ==
              dir / "out.h5" + ": error: the output file exists; pass --overwrite to replace it");
        CHECK(!fs::exists(dir / "out.h5.partial"));
    }
    SECTION("a checkpoint that cannot be read") {
        RunRequest r;
        r.resume = dir / "none.ckpt";
        RunSession s(r);
        const auto refused = s.prepare();
        REQUIRE(refused);
        CHECK(refused->exit_status == session::kExitUsage);
        CHECK(refused->message.rfind("error: cannot resume: ", 0) == 0);
    }
}

TEST_CASE("run session: a run interrupted and resumed ends with the uninterrupted run's output",
          "[session]") {
    const TempFolder dir("gliasim-session-resume");
    RunRequest whole = coba_request(OutputMode::file);
    whole.output = dir / "whole.h5";
    RunSession uninterrupted(whole);
    REQUIRE(run_through(uninterrupted).exit_status() == session::kExitOk);

    RunRequest first = coba_request(OutputMode::file);
    first.output = dir / "split.h5";
    {
        // A signal before the first slice: the run stops at its end and writes a checkpoint.
        const std::atomic<bool> interrupt{true};
        RunSession s(first);
        const auto report = run_through(s, &interrupt);
        CHECK(report.exit_status() == session::kExitInterrupted);
        CHECK(report.stats.end == RunEnd::interrupted);
        CHECK(report.stopped_ms > 0);
        CHECK(report.stopped_ms < 60.0);
        CHECK(report.checkpoints.count == 1);
        CHECK(report.checkpoints.path == dir / "split.h5.ckpt");
        CHECK(report.checkpoint_error.empty());
        CHECK(!fs::exists(dir / "split.h5"));
        CHECK(fs::exists(dir / "split.h5.partial"));
    }
    RunRequest resume;
    resume.resume = dir / "split.h5.ckpt";
    RunSession s(resume);
    const auto report = run_through(s);
    CHECK(report.exit_status() == session::kExitOk);
    CHECK(s.simulation().start_step() > 0);
    CHECK(s.files().output == dir / "split.h5");
    // The checkpoint resumed from was the run's own: gone with the completed run.
    CHECK(!fs::exists(dir / "split.h5.ckpt"));
    CHECK(!fs::exists(dir / "split.h5.partial"));
    check_same_spikes(dir / "whole.h5", dir / "split.h5");
}

TEST_CASE("run session: a task run kept in memory scores the whole stream, as compare needs",
          "[session]") {
    RunRequest r;
    r.file = experiment_path("tasks/memory_capacity.toml");
    r.overrides = {"task.washout=20", "task.train=100",    "task.validation=20",
                   "task.test=20",    "task.max_delay=10", "simulation.duration=\"10 ms\""};
    r.output_mode = OutputMode::memory;
    r.whole_task_stream = true;
    RunSession s(r);
    const auto report = run_through(s);
    REQUIRE(report.task);
    CHECK(!report.task_not_scored);

    // The same experiment wired here, the item states read from spikes the simulation kept
    // (tasks::read_states) instead of streamed into the readout as the run goes.
    Experiment ex =
        load_experiment(experiment_path("tasks/memory_capacity.toml"), r.overrides, registry());
    if (ex.network.threads == 0) ex.network.threads = omp_get_num_procs();
    TaskSpec& task = *tasks::task_of(ex);
    ex.network.duration = tasks::stream_ms(task);
    const tasks::TaskStream stream = tasks::make_stream(task, ex.network);
    tasks::attach_stream(ex.network, task, stream);
    Simulation sim(ex.network);
    for (auto p : task.readout) sim.keep_spikes(p);
    MemoryBackend mb;
    const RunStats stats = sim.run(mb);
    const tasks::TaskResult direct =
        tasks::score(task, stream, tasks::read_states(sim, task, tasks::task_items(task)));
    CHECK(report.stats.spikes == stats.spikes);
    // The score's figures first, then the run's throughput.
    REQUIRE(report.task->scalars.size() == direct.scalars.size() + 3);
    for (std::size_t i = 0; i < direct.scalars.size(); ++i) {
        const auto& [name, value] = direct.scalars[i];
        INFO(name);
        CHECK(report.task->scalars[i].first == name);
        CHECK(report.task->scalars[i].second == value);
    }
    CHECK(report.task->curves == direct.curves);
}
