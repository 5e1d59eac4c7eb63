// Malformed experiment files (tests/bad_input/<section>/) and malformed --set overrides: every one
// must be refused with an InputError (never another exception, never a crash) that names the file,
// the line and column and the key path given in the file's first line:
//   # expect: LINE:COLUMN KEY_PATH          (KEY_PATH is '-' for errors without a key)
//   # message: TEXT                         (optional, repeatable: what() must contain TEXT)
// Files that cannot carry such a line (an empty file, pure binary garbage) get their
// expectations from kSpecialFiles below.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "models/builtin.hpp"
#include "tasks/experiment_file.hpp"

using namespace gliasim;
namespace fs = std::filesystem;

namespace {

const ModelRegistry& registry() {
    static const ModelRegistry r = models::builtin_registry();
    return r;
}

struct Expectation {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string key; // empty: the error has no key
    std::vector<std::string> messages;
};

// Files without an expect line, by their path under the bad-input folder.
const std::map<std::string, Expectation> kSpecialFiles = {
    {"syntax/empty_file.toml", {1, 1, "simulation", {"missing [simulation]"}}},
    {"syntax/binary_garbage.bin", {1, 1, "", {"utf-8"}}},
};

// One folder per section of the experiment file (tests/README.md).
std::vector<fs::path> bad_input_files() {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(GLIASIM_BAD_INPUT_DIR))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    return files;
}

// "section/name.toml": how the tests and kSpecialFiles name a file.
std::string section_path(const fs::path& p) {
    return p.lexically_relative(GLIASIM_BAD_INPUT_DIR).generic_string();
}

// The expectation of one file: its header lines, or its kSpecialFiles entry.
std::optional<Expectation> expectation(const fs::path& p) {
    if (const auto it = kSpecialFiles.find(section_path(p)); it != kSpecialFiles.end())
        return it->second;
    std::ifstream in(p, std::ios::binary);
    std::string first;
    if (!std::getline(in, first)) return std::nullopt;
    static const std::regex expect_re(R"(^# expect: ([0-9]+):([0-9]+) (\S+)\s*$)");
    std::smatch m;
    if (!std::regex_match(first, m, expect_re)) return std::nullopt;
    Expectation e;
    e.line = static_cast<std::uint32_t>(std::stoul(m[1].str()));
    e.column = static_cast<std::uint32_t>(std::stoul(m[2].str()));
    e.key = m[3].str() == "-" ? std::string() : m[3].str();
    const std::string prefix = "# message: ";
    for (std::string line; std::getline(in, line) && line.starts_with(prefix);)
        e.messages.push_back(line.substr(prefix.size()));
    return e;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// What loading a file did: the InputError's fields, or a description of anything else.
struct Outcome {
    std::optional<InputError> error;
    std::string other; // not empty: loading succeeded or threw something other than InputError
};

Outcome load(const fs::path& p) {
    try {
        load_experiment(p.string(), {}, registry());
        return {std::nullopt, "loaded without an error"};
    } catch (const InputError& e) {
        return {e, ""};
    } catch (const std::exception& e) {
        return {std::nullopt,
                std::string("threw a std::exception that is not an InputError: ") + e.what()};
    } catch (...) {
        return {std::nullopt, "threw something that is not a std::exception"};
    }
}

std::string where(const Expectation& e) {
    return std::to_string(e.line) + ":" + std::to_string(e.column);
}

// Everything but the position: the error kind, file, key and messages.
void check_basic(const fs::path& p, const Expectation& want, const Outcome& got) {
    INFO("file: " << section_path(p));
    if (!got.error) {
        FAIL_CHECK(got.other);
        return;
    }
    const InputError& e = *got.error;
    INFO("what(): " << e.what());
    CHECK(e.file() == p.string());
    CHECK(e.key() == want.key);
    CHECK_THAT(e.what(), Catch::Contains(p.string()));
    CHECK(e.line() > 0);
    CHECK(e.column() > 0);
    for (const auto& m : want.messages) CHECK_THAT(lower(e.what()), Catch::Contains(lower(m)));
}

// Line, column and the rendered "file:line:col: error: key: " prefix.
void check_location(const fs::path& p, const Expectation& want, const Outcome& got) {
    INFO("file: " << section_path(p));
    if (!got.error) {
        FAIL_CHECK(got.other);
        return;
    }
    const InputError& e = *got.error;
    INFO("what(): " << e.what());
    CHECK(e.line() == want.line);
    CHECK(e.column() == want.column);
    const std::string prefix = p.string() + ":" + where(want) +
                               ": error: " + (want.key.empty() ? std::string() : want.key + ": ");
    CHECK_THAT(e.what(), Catch::StartsWith(prefix));
}

// A minimal valid experiment for the override tests.
constexpr const char* kValid = R"(
[simulation]
duration = "100 ms"
dt = "0.1 ms"

[populations.exc]
model = "lif_curr_exp"
size = 10

[projections.ee]
source = "exc"
target = "exc"
rule = "bernoulli"
p = 0.1
weight = "10 pA"
delay = "1 ms"

[recorders.spikes]
kind = "spikes"
)";

// Parses kValid with overrides; returns the InputError (FAIL_CHECK on anything else).
std::optional<InputError> override_error(const std::vector<std::string>& overrides) {
    try {
        parse_experiment(kValid, "valid.toml", overrides, registry());
        FAIL_CHECK("accepted without an error");
    } catch (const InputError& e) {
        return e;
    } catch (const std::exception& e) {
        FAIL_CHECK("threw a std::exception that is not an InputError: " << e.what());
    } catch (...) {
        FAIL_CHECK("threw something that is not a std::exception");
    }
    return std::nullopt;
}

struct OverrideCase {
    std::string set;
    std::string file; // expected file(): "--set ..."
    std::string key;
    std::string message; // what() must contain this
};

void check_override(const OverrideCase& c) {
    INFO("--set " << c.set);
    const auto e = override_error({c.set});
    if (!e) return;
    INFO("what(): " << e->what());
    CHECK_THAT(e->file(), Catch::StartsWith("--set"));
    CHECK(e->file() == c.file);
    CHECK(e->line() == 0);
    CHECK(e->column() == 0);
    CHECK(e->key() == c.key);
    CHECK_THAT(e->what(), Catch::StartsWith(c.file + ": error: "));
    CHECK_THAT(e->what(), Catch::Contains(c.message));
}

} // namespace

TEST_CASE("bad_input: the folder holds enough well-formed test files", "[bad_input]") {
    const auto files = bad_input_files();
    CHECK(files.size() >= 25);
    for (const auto& p : files) {
        INFO("file: " << section_path(p));
        // section/name: one folder deep, and a name that says what is wrong (no number).
        CHECK(std::regex_match(section_path(p), std::regex(R"([a-z_]+/[A-Za-z]\w*\.(toml|bin))")));
        CHECK(expectation(p).has_value()); // a well-formed expect line, or a kSpecialFiles entry
    }
    // The lists in this file name files that exist.
    std::vector<std::string> listed;
    for (const auto& [name, e] : kSpecialFiles) listed.push_back(name);
    for (const auto& name : listed) {
        INFO("listed file: " << name);
        CHECK(fs::is_regular_file(fs::path(GLIASIM_BAD_INPUT_DIR) / name));
    }
    // The special files are what their names say: an empty file and pure binary garbage.
    CHECK(fs::file_size(fs::path(GLIASIM_BAD_INPUT_DIR) / "syntax/empty_file.toml") == 0);
    CHECK(fs::file_size(fs::path(GLIASIM_BAD_INPUT_DIR) / "syntax/binary_garbage.bin") > 0);
}

TEST_CASE("bad_input: every file is refused with an InputError at the expected place",
          "[bad_input]") {
    for (const auto& p : bad_input_files()) {
        const auto want = expectation(p);
        if (!want) continue; // reported by the test above
        const Outcome got = load(p);
        check_basic(p, *want, got);
        check_location(p, *want, got);
    }
}

TEST_CASE("bad_input: a missing file is an InputError without a location", "[bad_input]") {
    const std::string path = std::string(GLIASIM_BAD_INPUT_DIR) + "/does_not_exist.toml";
    try {
        load_experiment(path, {}, registry());
        FAIL("loaded a file that does not exist");
    } catch (const InputError& e) {
        CHECK(e.file() == path);
        CHECK(e.line() == 0);
        CHECK_THAT(e.what(), Catch::StartsWith(path + ": error: "));
    }
}

TEST_CASE("bad_input: --set override errors name the override", "[bad_input]") {
    // The base experiment is valid, so every error below comes from the override.
    REQUIRE_NOTHROW(parse_experiment(kValid, "valid.toml", {}, registry()));

    const std::vector<OverrideCase> cases = {
        // malformed overrides
        {"nonsense", "--set nonsense", "", "expected key.path=value"},
        {"=5", "--set =5", "", "expected key.path=value"},
        {"simulation..duration=1 s", "--set simulation..duration=1 s", "simulation..duration",
         "empty key"},
        {"simulation.duration.value=1", "--set simulation.duration.value=1",
         "simulation.duration.value", "not a table"},
        // well-formed overrides with bad values
        {"simulation.duration=5 mV", "--set simulation.duration", "simulation.duration",
         "got a voltage"},
        {"simulation.duration=\"5 mV\"", "--set simulation.duration", "simulation.duration",
         "got a voltage"},
        {"simulation.duration=20 msec", "--set simulation.duration", "simulation.duration",
         "unknown unit \"msec\""},
        {"simulation.dt=0", "--set simulation.dt", "simulation.dt", "dt must be in"},
        {"simulation.threads=-1", "--set simulation.threads", "simulation.threads", "thread count"},
        {"populations.exc.size=0", "--set populations.exc.size", "populations.exc.size",
         "positive population size"},
        {"populations.exc.size=1e12", "--set populations.exc.size", "populations.exc.size",
         "2147483647"},
        {"populations.exc.model=lif_cond_exq", "--set populations.exc.model",
         "populations.exc.model", "did you mean 'lif_cond_exp'?"},
        {"populations.exc.C_m=-250 pF", "--set populations.exc.C_m", "populations.exc.C_m",
         "out of range"},
        {"projections.ee.p=1.5", "--set projections.ee.p", "projections.ee.p",
         "probability must be in [0, 1]"},
        {"projections.ee.weight={distribution=\"gaussian\", mean=\"1 pA\", std=\"1 pA\"}",
         "--set projections.ee.weight", "projections.ee.weight.distribution",
         "unknown distribution 'gaussian'"},
        {"projections.ee.delay=0.01 ms", "--set projections.ee.delay", "projections.ee.delay",
         "at least dt"},
        // replacing a whole table: the error inside it still names the override
        {"simulation={}", "--set simulation", "simulation.duration", "missing required key"},
        {"populations.exc=5", "--set populations.exc", "populations.exc", "expected a table"},
    };
    for (const auto& c : cases) check_override(c);

    SECTION("the override wins over a valid file on disk") {
        const std::string path = std::string(GLIASIM_SOURCE_DIR) + "/experiments/quickstart.toml";
        REQUIRE(fs::is_regular_file(path));
        try {
            load_experiment(path, {"simulation.duration=5 mV"}, registry());
            FAIL("accepted --set simulation.duration=5 mV");
        } catch (const InputError& e) {
            CHECK_THAT(e.file(), Catch::StartsWith("--set"));
            CHECK(e.key() == "simulation.duration");
        }
    }
}

TEST_CASE("bad_input: --set errors outside the overridden key still name the override",
          "[bad_input]") {
    // A misspelled override creates a new (unknown) key, and --set can create a whole new
    // population: errors in what it created must name the override, not "file:1:1".
    check_override({"simulaton.duration=5 ms", "--set simulaton.duration", "simulaton",
                    "did you mean 'simulation'?"});
    check_override({"populations.extra.model=lif_curr_exp", "--set populations.extra.model",
                    "populations.extra.size", "missing required key"});
}
