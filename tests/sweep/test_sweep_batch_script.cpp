// The Slurm batch script of a sweep: every value is checked against its grammar and quoted, and
// an accepted script, run by bash, runs exactly `exec GLIASIM sweep-task DIR ID` and nothing
// else, whatever the folder and binary paths hold (spaces, quotes, $(...), backquotes).
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep_batch_script.hpp"

using namespace gliasim;
using namespace gliasim::sweep;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temporary folder, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "gliasim_batch_XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempDir() { fs::remove_all(path); }
};

int run_bash(const std::string& args) {
    const int st = std::system(("bash " + args + " >/dev/null 2>&1").c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

BatchScriptRequest request() {
    BatchScriptRequest rq;
    rq.sweep_name = "brunel";
    rq.indices = {0, 1, 2, 5};
    rq.dir = "/scratch/me/brunel_sweep";
    rq.exe = "/opt/gliasim/bin/gliasim";
    rq.resources = {"00:30:00", "4G", "short", 2};
    return rq;
}

// The hostile values of the issue: a line break, $(...), a backquote, each followed by a command.
const std::vector<std::string> kInjections = {"1:00\ntouch /tmp/pwned",
                                              "4G$(touch /tmp/pwned)",
                                              "short`touch /tmp/pwned`",
                                              "x;touch /tmp/pwned",
                                              "a\rb",
                                              std::string("a\0b", 3)};

} // namespace

TEST_CASE("Slurm time, memory and partition grammars accept Slurm's forms only", "[sweep][slurm]") {
    for (const char* ok :
         {"30", "30:00", "00:30:00", "1-12", "1-12:30", "2-00:00:00", "UNLIMITED", "INFINITE"})
        CHECK(slurm_time_problem(ok).empty());
    for (const char* bad : {"", "1:2:3:4", "-1", "1-", "1--2", "1h", " 30", "30 ", "1-2-3",
                            "00:30:00\n", "$(id)", "1-12:30:00:00", "9999999999"})
        CHECK_FALSE(slurm_time_problem(bad).empty());
    for (const char* ok : {"4G", "500M", "100", "1t", "64k"})
        CHECK(slurm_memory_problem(ok).empty());
    for (const char* bad : {"", "G", "4GB", "4 G", "-4G", "4G\n", "4.5G", "1234567890123456"})
        CHECK_FALSE(slurm_memory_problem(bad).empty());
    for (const char* ok : {"short", "gpu-a100", "p1,p2", "x_y.z"})
        CHECK(slurm_partition_problem(ok).empty());
    for (const char* bad : {"", "a b", "a;b", "a\nb", "$(id)", "a'b"})
        CHECK_FALSE(slurm_partition_problem(bad).empty());
    CHECK(slurm_job_name_problem("gliasim-my sweep (v2)").empty());
    for (const char* bad : {"a\nb", "a'b", "a\"b", "a\\b", "a\tb", ""})
        CHECK_FALSE(slurm_job_name_problem(bad).empty());
    CHECK(slurm_job_name_problem(std::string(129, 'a')) != "");
    CHECK(batch_path_problem("/a b/$(x)/'q'/`y`").empty());
    CHECK_FALSE(batch_path_problem("/a\nb").empty());
}

TEST_CASE("the batch script is the expected lines", "[sweep][slurm]") {
    const std::string script = batch_script(request());
    CHECK(script == "#!/bin/bash\n"
                    "#SBATCH --job-name=gliasim-brunel\n"
                    "#SBATCH --array=0-2,5\n"
                    "#SBATCH --output=/scratch/me/brunel_sweep/logs/slurm-%A_%a.out\n"
                    "#SBATCH --time=00:30:00\n"
                    "#SBATCH --mem=4G\n"
                    "#SBATCH --cpus-per-task=2\n"
                    "#SBATCH --partition=short\n"
                    "# One array task per point: SLURM_ARRAY_TASK_ID is the point's index in "
                    "manifest.tsv.\n"
                    "exec /opt/gliasim/bin/gliasim sweep-task /scratch/me/brunel_sweep "
                    "\"$SLURM_ARRAY_TASK_ID\"\n");
}

TEST_CASE("a hostile value in any field of the batch script is refused, naming the field",
          "[sweep][slurm]") {
    for (const auto& bad : kInjections) {
        auto refused = [&](BatchScriptRequest rq, const std::string& field) {
            try {
                batch_script(rq);
                FAIL("accepted " << field << " = " << printable(bad));
            } catch (const BatchScriptError& e) {
                const std::string what = e.what();
                CHECK(what.find(field) != std::string::npos);
                CHECK(what.find('\n') == std::string::npos);
            }
        };
        auto rq = request();
        rq.resources.time = bad;
        refused(rq, "time");
        rq = request();
        rq.resources.mem = bad;
        refused(rq, "mem");
        rq = request();
        rq.resources.partition = bad;
        refused(rq, "partition");
        // Names and paths may hold $(...), ; and backquotes (they are quoted); a control
        // character is refused.
        if (bad.find_first_of(std::string("\n\r\0", 3)) != std::string::npos) {
            rq = request();
            rq.sweep_name = bad;
            refused(rq, "job name");
            rq = request();
            rq.dir = "/x/" + bad;
            refused(rq, "sweep folder");
            rq = request();
            rq.exe = "/x/" + bad;
            refused(rq, "gliasim path");
        }
    }
}

TEST_CASE("shell_quote makes any string one shell word that bash reads back exactly",
          "[sweep][slurm]") {
    TempDir tmp;
    std::mt19937 rng(16);
    std::vector<std::string> samples = {"",          "'",   "''", "a'b", "$(touch x)",
                                        "`touch x`", "a b", "\\", "\"",  "~",
                                        "{a,b}",     "*",   "!x", "-n",  "a\nb"};
    for (int i = 0; i < 40; ++i) {
        std::string s(rng() % 12, ' ');
        for (auto& c : s) c = static_cast<char>(1 + rng() % 255); // any byte but NUL
        samples.push_back(s);
    }
    std::string script;
    for (std::size_t i = 0; i < samples.size(); ++i)
        script += fmt::format("printf %s {} > {}/{}\n", shell_quote(samples[i]),
                              shell_quote(tmp.path.string()), i);
    std::ofstream(tmp.path / "quote.sh") << script;
    REQUIRE(run_bash(shell_quote((tmp.path / "quote.sh").string())) == 0);
    for (std::size_t i = 0; i < samples.size(); ++i)
        CHECK(read_all(tmp.path / std::to_string(i)) == samples[i]);
}

TEST_CASE("an accepted script, run by bash, execs gliasim sweep-task DIR ID and nothing else",
          "[sweep][slurm]") {
    TempDir tmp;
    // Folder and binary names with everything a shell treats specially but a line break; the
    // marker file must never appear, and the stand-in gliasim records its arguments.
    const fs::path odd = tmp.path / "a b'c\"$(touch MARK)`touch MARK`;touch MARK&{x,y}*";
    fs::create_directories(odd);
    const fs::path exe = odd / "gliasim $HOME";
    std::ofstream(exe) << "#!/bin/bash\nprintf '%s\\0' \"$@\" > \"$(dirname \"$0\")/args\"\n";
    fs::permissions(exe, fs::perms::owner_all);
    auto rq = request();
    rq.dir = odd.string();
    rq.exe = exe.string();
    rq.sweep_name = "x $(touch MARK) `touch MARK`";
    const std::string script = batch_script(rq);
    std::ofstream(tmp.path / "sweep.sbatch") << script;
    const std::string path = shell_quote((tmp.path / "sweep.sbatch").string());
    CHECK(run_bash("-n " + path) == 0);
    REQUIRE(run_bash("-c " + shell_quote("cd " + shell_quote(tmp.path.string()) +
                                         " && SLURM_ARRAY_TASK_ID=5 bash " + path)) == 0);
    CHECK(read_all(odd / "args") == std::string("sweep-task\0", 11) + odd.string() +
                                        std::string("\0"
                                                    "5\0",
                                                    3));
    for (const auto& e : fs::recursive_directory_iterator(tmp.path))
        CHECK(e.path().filename() != "MARK");
    CHECK_FALSE(fs::exists("MARK"));
}

TEST_CASE("array_ranges writes sbatch's --array syntax", "[sweep][slurm]") {
    CHECK(array_ranges({0}) == "0");
    CHECK(array_ranges({0, 1, 2, 4, 6, 7}) == "0-2,4,6-7");
}
