// The [sweep] table: grid, zip, random and seeds expand into the expected points, with values
// that keep their TOML type and units, stable ids, and errors that name file:line:column.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "io/experiment.hpp"
#include "io/sweep_spec.hpp"
#include "test_support.hpp"

using namespace gliasim;

namespace {

// A tiny valid experiment; sweeps are appended to it.
const std::string kBase = R"(
[simulation]
duration = "10 ms"
seed = 5

[populations.n]
model = "lif_cond_exp"
size = 2

[projections.nn]
source = "n"
target = "n"
rule = "all_to_all"
weight = "1 nS"
delay = "1 ms"
receptor = "excitatory"
)";

SweepSpec sweep_of(const std::string& sweep_text) {
    return parse_sweep(kBase + sweep_text, "s.toml");
}

std::map<std::string, std::string> values_of(const SweepPoint& p) {
    std::map<std::string, std::string> m;
    for (const auto& par : p.parameters) m[par.key] = par.value;
    return m;
}

// The InputError a malformed sweep raises (fails the test if none is raised).
InputError error_of(const std::string& sweep_text) {
    try {
        sweep_of(sweep_text);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("no error for: " << sweep_text);
    return InputError("", 0, 0, "", "");
}

// kBase has 16 lines (the first is empty), so the sweep's first line is line 17.
constexpr std::uint32_t kFirstSweepLine = 17;

} // namespace

TEST_CASE("sweep grid: the cartesian product, last key fastest, values keep units") {
    const SweepSpec s = sweep_of(R"([sweep.grid]
"projections.nn.weight" = ["1 nS", "2 nS"]
"projections.nn.delay" = ["1 ms", "2 ms", "3 ms"]
)");
    REQUIRE(s.keys.size() == 2);
    CHECK(s.keys[0].key == "projections.nn.weight"); // file order, not name order
    CHECK(s.keys[0].line == kFirstSweepLine + 1);
    REQUIRE(s.points.size() == 6);
    const std::vector<std::pair<std::string, std::string>> want = {
        {"'1 nS'", "'1 ms'"}, {"'1 nS'", "'2 ms'"}, {"'1 nS'", "'3 ms'"},
        {"'2 nS'", "'1 ms'"}, {"'2 nS'", "'2 ms'"}, {"'2 nS'", "'3 ms'"}};
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(s.points[i].index == i);
        CHECK(s.points[i].parameters[0].value == want[i].first);
        CHECK(s.points[i].parameters[1].value == want[i].second);
    }
    // Each value knows where it is written: "2 ms" is the second value on the second key line.
    CHECK(s.points[4].parameters[1].line == kFirstSweepLine + 2);
    CHECK(s.points[4].parameters[1].column == 35);
    CHECK(s.points[4].overrides() ==
          std::vector<std::string>{"projections.nn.weight='2 nS'", "projections.nn.delay='2 ms'"});
}

TEST_CASE("sweep values keep their TOML type: integers, floats, booleans, lists") {
    const SweepSpec s = sweep_of(R"([sweep.grid]
"populations.n.size" = [2, 3]
"projections.nn.p" = [0.5]
"projections.nn.allow_autapses" = [false]
"recorders.r.ids" = [[0, 1]]
"projections.nn.U" = [0.05, 1.0, 1e-7]
)");
    REQUIRE(s.points.size() == 6);
    const auto v = values_of(s.points[3]);
    CHECK(v.at("populations.n.size") == "3");
    CHECK(v.at("projections.nn.p") == "0.5");
    CHECK(v.at("projections.nn.allow_autapses") == "false");
    CHECK(v.at("recorders.r.ids") == "[ 0, 1 ]");
    // Floats in their shortest exact form, and still floats.
    CHECK(v.at("projections.nn.U") == "0.05");
    CHECK(values_of(s.points[4]).at("projections.nn.U") == "1.0");
    CHECK(values_of(s.points[5]).at("projections.nn.U") == "1e-07");
}

TEST_CASE("sweep zip: lists in lock-step, unequal lengths are an error at the shorter list") {
    const SweepSpec s = sweep_of(R"([sweep.zip]
"projections.nn.weight" = ["1 nS", "2 nS", "3 nS"]
"projections.nn.delay" = ["1 ms", "2 ms", "3 ms"]
)");
    REQUIRE(s.points.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto v = values_of(s.points[i]);
        CHECK(v.at("projections.nn.weight") == fmt::format("'{} nS'", i + 1));
        CHECK(v.at("projections.nn.delay") == fmt::format("'{} ms'", i + 1));
    }
    const InputError e = error_of(R"([sweep.zip]
"projections.nn.weight" = ["1 nS", "2 nS", "3 nS"]
"projections.nn.delay" = ["1 ms", "2 ms"]
)");
    CHECK(e.file() == "s.toml");
    CHECK(e.line() == kFirstSweepLine + 2);
    CHECK(e.column() == 26);
    CHECK(e.key() == "sweep.zip.projections.nn.delay");
    CHECK_THAT(e.message(), Catch::Contains("2 values here, 3 in 'projections.nn.weight'"));
}

TEST_CASE("sweep seeds: a count gives 1..N, a list gives those seeds, seeds vary fastest") {
    const SweepSpec n = sweep_of("[sweep]\nseeds = 3\n");
    REQUIRE(n.points.size() == 3);
    for (std::size_t i = 0; i < 3; ++i)
        CHECK(n.points[i].parameters ==
              std::vector<SweepParameter>{{"simulation.seed", std::to_string(i + 1)}});
    const SweepSpec g = sweep_of(R"([sweep]
seeds = [7, 11]
[sweep.grid]
"projections.nn.weight" = ["1 nS", "2 nS", "4 nS"]
)");
    REQUIRE(g.points.size() == 6);
    CHECK(values_of(g.points[0]).at("simulation.seed") == "7");
    CHECK(values_of(g.points[1]).at("simulation.seed") == "11");
    CHECK(values_of(g.points[1]).at("projections.nn.weight") == "'1 nS'");
    CHECK(values_of(g.points[2]).at("projections.nn.weight") == "'2 nS'");
    CHECK(values_of(g.points[5]).at("projections.nn.weight") == "'4 nS'");
}

TEST_CASE("sweep random: n samples inside the range, same seed same samples") {
    const std::string text = R"([sweep.random]
n = 2000
seed = 42
"projections.nn.weight" = { min = "1 nS", max = "100 nS", distribution = "log_uniform" }
"projections.nn.p" = { min = 0.2, max = 0.6 }
"populations.n.size" = { min = 2, max = 5 }
)";
    const SweepSpec s = sweep_of(text);
    REQUIRE(s.points.size() == 2000);
    const std::regex quantity(R"re('([0-9.e+-]+) nS')re");
    int below_10 = 0;
    double sum_p = 0;
    std::map<std::string, int> sizes;
    for (const auto& p : s.points) {
        const auto v = values_of(p);
        std::smatch m;
        REQUIRE(std::regex_match(v.at("projections.nn.weight"), m, quantity));
        const double w = std::stod(m[1]);
        CHECK(w >= 1.0);
        CHECK(w <= 100.0);
        below_10 += w < 10.0;
        const double pr = std::stod(v.at("projections.nn.p"));
        CHECK(pr >= 0.2);
        CHECK(pr < 0.6);
        sum_p += pr;
        ++sizes[v.at("populations.n.size")];
    }
    // log-uniform over [1, 100]: half the mass below 10. Binomial sd = sqrt(2000/4) = 22.
    CHECK(std::abs(below_10 - 1000) < 110);
    // uniform over [0.2, 0.6]: mean 0.4, sd of the mean 0.4/sqrt(12*2000) = 0.0026.
    CHECK(std::abs(sum_p / 2000 - 0.4) < 0.013);
    // integers 2..5 inclusive, each about 500 times (sd 19).
    CHECK(sizes.size() == 4);
    for (const auto& [size, count] : sizes) {
        CHECK(std::abs(count - 500) < 100);
        CHECK((size == "2" || size == "3" || size == "4" || size == "5"));
    }
    // A fixed seed reproduces the samples; another seed does not.
    const SweepSpec again = sweep_of(text);
    CHECK(again.points[17].parameters == s.points[17].parameters);
    std::string other = text;
    other.replace(other.find("seed = 42"), 9, "seed = 43");
    CHECK(sweep_of(other).points[17].parameters != s.points[17].parameters);
}

TEST_CASE("sweep random floats stay TOML floats") {
    const SweepSpec s = sweep_of(R"([sweep.random]
n = 50
"projections.nn.p" = { min = 1.0, max = 3.0 }
)");
    for (const auto& p : s.points) {
        const std::string v = p.parameters[0].value;
        CHECK(v.find_first_of(".e") != std::string::npos);
    }
}

TEST_CASE("sweep point ids: zero-padded index and a hash of the parameters, stable") {
    const std::string text = R"([sweep.grid]
"projections.nn.weight" = ["1 nS", "2 nS"]
)";
    const SweepSpec a = sweep_of(text);
    const SweepSpec b = sweep_of(text);
    const std::regex id_form("[0-9]{4}-[0-9a-f]{8}");
    std::set<std::string> hashes;
    for (std::size_t i = 0; i < a.points.size(); ++i) {
        CHECK(std::regex_match(a.points[i].id, id_form));
        CHECK(a.points[i].id == b.points[i].id);
        CHECK(a.points[i].id.starts_with(fmt::format("{:04}-", i)));
        hashes.insert(a.points[i].id.substr(5));
    }
    CHECK(hashes.size() == 2);
    // FNV-1a 64 of "k=v\n", folded to 32 bits: computed by hand with Python for "a=1\n".
    CHECK(parameter_hash({{"a", "1"}}) == "29c1a476");
}

TEST_CASE("a sweep point's values resolve through the experiment parser like --set") {
    const SweepSpec s = sweep_of(R"([sweep.grid]
"projections.nn.weight" = ["3 nS", "250 pS"]
)");
    const Experiment e0 =
        parse_experiment(s.text, "s.toml", s.points[0].overrides(), gliasim::test::registry());
    const Experiment e1 =
        parse_experiment(s.text, "s.toml", s.points[1].overrides(), gliasim::test::registry());
    CHECK(e0.network.projections[0].weight.a == Approx(3.0));
    CHECK(e1.network.projections[0].weight.a == Approx(0.25));
    // The resolved experiment is one run: no [sweep] left in it.
    CHECK(e0.resolved_toml.find("sweep") == std::string::npos);
}

TEST_CASE("malformed sweeps name file, line, column and key") {
    struct Case {
        std::string text, key, message;
        std::uint32_t line;
    };
    const std::vector<Case> cases = {
        {"[sweep]\nbogus = 1\n", "sweep.bogus", "unknown key", kFirstSweepLine + 1},
        {"[sweep.grid]\n'projections.nn.weight' = []\n", "sweep.grid.projections.nn.weight",
         "non-empty list", kFirstSweepLine + 1},
        {"[sweep.grid]\n'projections.nn.weight' = '1 nS'\n", "sweep.grid.projections.nn.weight",
         "non-empty list", kFirstSweepLine + 1},
        {"[sweep.grid]\n'a.b' = [1]\n[sweep.zip]\n'a.b' = [2]\n", "sweep.zip.a.b",
         "already swept by sweep.grid.a.b", kFirstSweepLine + 3},
        {"[sweep]\nseeds = 2\n[sweep.grid]\n'simulation.seed' = [1]\n", "sweep.seeds",
         "already swept", kFirstSweepLine + 1},
        {"[sweep]\nseeds = 0\n", "sweep.seeds", "count >= 1", kFirstSweepLine + 1},
        {"[sweep]\nseeds = [1, -2]\n", "sweep.seeds", "non-negative", kFirstSweepLine + 1},
        {"[sweep.random]\nn = 3\n'x.y' = { min = '1 nS', max = '2 mV' }\n", "sweep.random.x.y.max",
         "same unit", kFirstSweepLine + 2},
        {"[sweep.random]\nn = 3\n'x.y' = { min = 2.0, max = 1.0 }\n", "sweep.random.x.y.max",
         "greater than min", kFirstSweepLine + 2},
        {"[sweep.random]\nn = 3\n'x.y' = { min = 0.0, max = 1.0, distribution = 'log_uniform' "
         "}\n",
         "sweep.random.x.y.min", "min > 0", kFirstSweepLine + 2},
        {"[sweep.random]\n'x.y' = { min = 0.0, max = 1.0 }\n", "sweep.random.n",
         "number of samples", kFirstSweepLine},
        {"[sweep.random]\nn = 3\n'x.y' = { min = 0.0, max = 1.0, shape = 2 }\n",
         "sweep.random.x.y.shape", "unknown key", kFirstSweepLine + 2},
        {"[sweep]\n", "sweep", "nothing to sweep", kFirstSweepLine},
        {"[sweep.grid]\n'a..b' = [1]\n", "sweep.grid.a..b", "key path", kFirstSweepLine + 1},
        {"[sweep.slurm]\ncpus_per_task = 0\n", "sweep.slurm.cpus_per_task", ">= 1",
         kFirstSweepLine + 1},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const InputError e = error_of(c.text);
        CHECK(e.file() == "s.toml");
        CHECK(e.key() == c.key);
        CHECK(e.line() == c.line);
        CHECK(e.column() > 0);
        CHECK_THAT(e.message(), Catch::Contains(c.message));
    }
    const InputError none = [] {
        try {
            parse_sweep(kBase, "s.toml");
        } catch (const InputError& e) {
            return e;
        }
        return InputError("", 0, 0, "", "");
    }();
    CHECK_THAT(none.message(), Catch::Contains("no [sweep] table"));
}

TEST_CASE("sweep slurm resources are read from [sweep.slurm]") {
    const SweepSpec s = sweep_of(R"([sweep]
seeds = 1
[sweep.slurm]
time = "00:10:00"
mem = "2G"
cpus_per_task = 2
partition = "debug"
)");
    CHECK(s.slurm.time == "00:10:00");
    CHECK(s.slurm.mem == "2G");
    CHECK(s.slurm.cpus_per_task == 2);
    CHECK(s.slurm.partition == "debug");
}
