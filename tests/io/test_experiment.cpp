// Experiment files in, NetworkSpec out: units, defaults, order, overrides, the resolved
// (re-runnable) text, receptor and recorder defaults, and every shipped experiment.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "io/experiment.hpp"
#include "models/builtin.hpp"
#include "models/spike_times.hpp"
#include "spec_compare.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::check_same_spec_by_name;
using gliasim::test::check_same_spec_in_order;
using gliasim::test::pop_index;
using gliasim::test::projection;
using gliasim::test::read_text;
using gliasim::test::registry;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::filesystem::path experiments_dir() {
    return std::filesystem::path(GLIASIM_SOURCE_DIR) / "experiments";
}

std::vector<std::filesystem::path> shipped_experiments() {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(experiments_dir()))
        if (e.is_regular_file() && e.path().extension() == ".toml" &&
            e.path().parent_path().filename() != "parts") // fragments for extends
            out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

Experiment parse(const std::string& text, const std::vector<std::string>& overrides = {},
                 const std::string& source = "test.toml") {
    return parse_experiment(text, source, overrides, registry());
}

double param(const NetworkSpec& s, const std::string& pop, const std::string& name) {
    const PopulationSpec& ps = s.populations[pop_index(s, pop)];
    const auto i = ps.model->param_index(name);
    REQUIRE(i.has_value());
    return ps.params[*i];
}

#include "models/spike_times.hpp"
const char* kSmall = R"(
[simulation]
duration = "1 s"

[populations.zeta]
model = "lif_curr_exp"
size = 10
tau_m = 20
C_m = "0.2 nF"
V_th = "-0.05 V"

[populations.alpha]
model = "poisson_source"
size = 4
rate = "2 kHz"

[populations.mid]
model = "lif_cond_exp"
size = 6

[projections.x]
source = "alpha"
target = "mid"
rule = "all_to_all"
weight = "6 nS"

[projections.b_inh]
source = "zeta"
target = "zeta"
rule = "fixed_indegree"
indegree = 3
weight = "-90 pA"
delay = 1.5

[projections.a_exc]
source = "alpha"
target = "zeta"
rule = "bernoulli"
p = 0.5
weight = "0.0162 nA"

[stimuli.drive]
model = "poisson_generator"
target = "zeta"
rate = "1.5 kHz"
weight = "-2 pA"

[stimuli.bias]
model = "dc_source"
target = "mid"
ids = [5, 1]
amplitude = "0.05 nA"
start = "0.1 s"
stop = "200 ms"

[recorders.all_spikes]
kind = "spikes"

[recorders.zeta_state]
kind = "state"
population = "zeta"

[recorders.mid_sample]
kind = "state"
population = "mid"
variables = ["g_in", "V_m"]
sample = 3
interval = "0.5 ms"
)";

} // namespace

TEST_CASE("units resolve to the internal units", "[experiment]") {
    const Experiment ex = parse(kSmall);
    const NetworkSpec& s = ex.network;
    CHECK(s.duration == 1000.0);                                     // "1 s"
    CHECK(param(s, "zeta", "tau_m") == 20.0);                        // bare number: ms
    CHECK(param(s, "zeta", "C_m") == Approx(200.0).epsilon(1e-12));  // "0.2 nF"
    CHECK(param(s, "zeta", "V_th") == Approx(-50.0).epsilon(1e-12)); // "-0.05 V"
    CHECK(param(s, "alpha", "rate") == 2000.0);                      // "2 kHz"
    const ProjectionSpec& x = projection(s, "x");
    CHECK(x.weight.is_constant());
    CHECK(x.weight.a == 6.0); // "6 nS"
    CHECK(x.weight.dim == Dim::conductance);
    const ProjectionSpec& a = projection(s, "a_exc");
    CHECK(a.weight.a == Approx(16.2).epsilon(1e-12)); // "0.0162 nA" onto a current-based model
    CHECK(a.weight.dim == Dim::current);
    CHECK(projection(s, "b_inh").delay.a == 1.5); // bare number: ms
    REQUIRE(s.stimuli.size() == 2);
    CHECK(s.stimuli[0].params[0] == 1500.0); // "1.5 kHz"
    CHECK(s.stimuli[0].weight == -2.0);
    CHECK(s.stimuli[1].params[0] == Approx(50.0).epsilon(1e-12)); // "0.05 nA"
    CHECK(s.stimuli[1].start == Approx(100.0).epsilon(1e-12));    // "0.1 s"
    CHECK(s.stimuli[1].stop == 200.0);
    CHECK(s.stimuli[1].ids == std::vector<index_t>{1, 5}); // sorted
    REQUIRE(s.state_recorders.size() == 2);
    CHECK(s.state_recorders[1].interval == 0.5);

    // Bare numbers for duration and dt are milliseconds too.
    const Experiment bare = parse(R"(
[simulation]
duration = 250
dt = 0.05
[populations.p]
model = "lif_curr_exp"
size = 1
)");
    CHECK(bare.network.duration == 250.0);
    CHECK(bare.network.dt == 0.05);
}

TEST_CASE("defaults: dt, seed, threads, flush, model parameters, delays", "[experiment]") {
    const Experiment ex = parse(kSmall);
    const NetworkSpec& s = ex.network;
    CHECK(s.dt == 0.1);
    CHECK(s.seed == 1);
    CHECK(s.threads == 1);
    CHECK(s.flush_interval == 1000.0);
    CHECK(ex.output_file == "test.h5"); // <stem>.h5

    // Every parameter not given takes the model's default; given ones do not.
    for (const auto& ps : s.populations) {
        INFO(ps.name);
        REQUIRE(ps.params.size() == ps.model->params.size());
        for (std::size_t i = 0; i < ps.params.size(); ++i) {
            const std::string& n = ps.model->params[i].name;
            if ((ps.name == "zeta" && (n == "tau_m" || n == "C_m" || n == "V_th")) ||
                (ps.name == "alpha" && n == "rate"))
                continue;
            INFO(n);
            CHECK(ps.params[i] == ps.model->params[i].default_value);
        }
    }
    // Spot checks against the documented defaults (docs/models.md).
    CHECK(param(s, "zeta", "E_L") == -70.0);
    CHECK(param(s, "zeta", "tau_syn_ex") == 2.0);
    CHECK(param(s, "mid", "g_L") == 16.6667);
    CHECK(param(s, "mid", "tau_syn_ex") == 0.2);
    CHECK(param(s, "mid", "E_in") == -85.0);

    // Delay defaults to dt; synapse to static; connection flags to NEST's.
    const ProjectionSpec& x = projection(s, "x");
    CHECK(x.delay.is_constant());
    CHECK(x.delay.a == 0.1);
    CHECK(x.synapse == "static");
    CHECK(x.rule.allow_autapses);
    CHECK(x.rule.allow_multapses);
    CHECK(projection(s, "a_exc").delay.a == 0.1);
    // Stimulus times default to the whole run.
    CHECK(s.stimuli[0].start == 0.0);
    CHECK(s.stimuli[0].stop < 0.0);
    CHECK(s.stimuli[0].ids.empty());
    // State recorder interval defaults to 1 ms.
    CHECK(s.state_recorders[0].interval == 1.0);

    // The dt default follows a changed dt into the delay default.
    const Experiment ex2 = parse(kSmall, {"simulation.dt=0.25"});
    CHECK(ex2.network.dt == 0.25);
    CHECK(projection(ex2.network, "x").delay.a == 0.25);
}

TEST_CASE("populations, projections and stimuli keep file order", "[experiment]") {
    const NetworkSpec s = parse(kSmall).network;
    REQUIRE(s.populations.size() == 3);
    CHECK(s.populations[0].name == "zeta");
    CHECK(s.populations[1].name == "alpha");
    CHECK(s.populations[2].name == "mid");
    REQUIRE(s.projections.size() == 3);
    CHECK(s.projections[0].name == "x");
    CHECK(s.projections[1].name == "b_inh");
    CHECK(s.projections[2].name == "a_exc");
    // Indices refer to file positions.
    CHECK(s.projections[0].source == 1);
    CHECK(s.projections[0].target == 2);
    CHECK(s.projections[1].source == 0);
    CHECK(s.projections[2].target == 0);
    REQUIRE(s.stimuli.size() == 2);
    CHECK(s.stimuli[0].name == "drive");
    CHECK(s.stimuli[0].target == 0);
    CHECK(s.stimuli[1].name == "bias");
    CHECK(s.stimuli[1].target == 2);
    REQUIRE(s.state_recorders.size() == 2);
    CHECK(s.state_recorders[0].name == "zeta_state");
    CHECK(s.state_recorders[1].name == "mid_sample");
}

TEST_CASE("overrides (--set) change the spec", "[experiment]") {
    const std::string coba = read_text(experiments_dir() / "coba.toml");
    const NetworkSpec base = parse(coba).network;
    CHECK(base.duration == 1000.0);
    CHECK(base.populations[0].size == 3200);

    SECTION("unquoted duration with a unit") {
        const NetworkSpec s = parse(coba, {"simulation.duration=10 s"}).network;
        CHECK(s.duration == 10000.0);
    }
    SECTION("quoted duration") {
        const NetworkSpec s = parse(coba, {"simulation.duration=\"10 s\""}).network;
        CHECK(s.duration == 10000.0);
    }
    SECTION("no space between number and unit") {
        const NetworkSpec s = parse(coba, {"simulation.duration=250ms"}).network;
        CHECK(s.duration == 250.0);
    }
    SECTION("population size (an integer)") {
        const Experiment ex = parse(coba, {"populations.exc.size=10"});
        CHECK(ex.network.populations[pop_index(ex.network, "exc")].size == 10);
        CHECK(ex.network.populations[pop_index(ex.network, "inh")].size == 800);
        // The resolved text holds the override.
        const Experiment again = parse(ex.resolved_toml);
        CHECK(again.network.populations[pop_index(again.network, "exc")].size == 10);
    }
    SECTION("a weight distribution as an inline table (current-based target)") {
        const std::string cuba = read_text(experiments_dir() / "cuba.toml");
        const NetworkSpec s =
            parse(cuba, {"projections.exc_exc.weight={distribution=\"normal\", mean=\"1 nA\", "
                         "std=\"0.1 nA\"}"})
                .network;
        const ProjectionSpec& p = projection(s, "exc_exc");
        CHECK(p.weight.kind == ValueSpec::Kind::normal);
        CHECK(p.weight.a == 1000.0);
        CHECK(p.weight.b == 100.0);
        CHECK(p.weight.dim == Dim::current);
        CHECK(p.receptor == 0); // given explicitly in the file
        CHECK(projection(s, "exc_inh").weight.is_constant());
        CHECK(projection(s, "exc_inh").weight.a == 16.2);
    }
    SECTION("a weight distribution as an inline table (conductance-based target)") {
        // Conductance weights must be bounded below by 0 (docs/experiment-files.md), so the
        // untruncated normal is refused and the truncated one accepted.
        CHECK_THROWS_AS(
            parse(coba, {"projections.exc_exc.weight={distribution=\"normal\", mean=\"1 nS\", "
                         "std=\"0.1 nS\"}"}),
            InputError);
        const NetworkSpec s =
            parse(coba, {"projections.exc_exc.weight={distribution=\"normal\", mean=\"1 nS\", "
                         "std=\"0.1 nS\", low=\"0 nS\"}"})
                .network;
        const ProjectionSpec& p = projection(s, "exc_exc");
        CHECK(p.weight.kind == ValueSpec::Kind::normal);
        CHECK(p.weight.a == 1.0);
        CHECK(p.weight.b == 0.1);
        CHECK(p.weight.low == 0.0);
        CHECK(p.weight.dim == Dim::conductance);
        // Other projections untouched.
        CHECK(projection(s, "exc_inh").weight.is_constant());
        CHECK(projection(s, "exc_inh").weight.a == 6.0);
    }
    SECTION("a key absent from the file, and several overrides at once") {
        const NetworkSpec s =
            parse(coba, {"simulation.seed=7", "output.flush_interval=\"10 ms\"",
                         "populations.inh.tau_syn_in=\"5 ms\"", "simulation.threads=3"})
                .network;
        CHECK(s.seed == 7);
        CHECK(s.flush_interval == 10.0);
        CHECK(param(s, "inh", "tau_syn_in") == 5.0);
        CHECK(param(s, "exc", "tau_syn_in") == 10.0);
        CHECK(s.threads == 3);
    }
    SECTION("the last of two overrides of one key wins") {
        const NetworkSpec s =
            parse(coba, {"simulation.duration=\"10 s\"", "simulation.duration=\"20 ms\""}).network;
        CHECK(s.duration == 20.0);
    }
}

TEST_CASE("the resolved experiment re-parses to the same spec (matched by name)", "[experiment]") {
    std::vector<std::pair<std::string, std::string>> cases;
    cases.emplace_back("small", kSmall);
    for (const auto& p : shipped_experiments()) cases.emplace_back(p.string(), read_text(p));
    for (const auto& [name, text] : cases) {
        INFO(name);
        const Experiment a =
            parse(text, {"simulation.seed=123", "simulation.duration=\"50 ms\""}, name);
        const Experiment b = parse(a.resolved_toml);
        check_same_spec_by_name(a.network, b.network);
        CHECK(b.network.seed == 123);
        CHECK(b.network.duration == 50.0);
        // Re-resolving is a fixed point.
        CHECK(parse(b.resolved_toml).resolved_toml == b.resolved_toml);
    }
}

// Populations and projections are keyed into the random streams by position, so a re-run of
// the stored experiment reproduces a result only if the resolved text keeps the file's order.
TEST_CASE("the resolved experiment keeps population and projection order", "[experiment]") {
    std::vector<std::pair<std::string, std::string>> cases;
    cases.emplace_back("small", kSmall);
    for (const auto& p : shipped_experiments()) cases.emplace_back(p.string(), read_text(p));
    for (const auto& [name, text] : cases) {
        INFO(name);
        const Experiment a = parse(text, {}, name);
        const Experiment b = parse(a.resolved_toml);
        auto names = [](const auto& items) {
            std::vector<std::string> n;
            for (const auto& i : items) n.push_back(i.name);
            return n;
        };
        const bool same_order = names(a.network.populations) == names(b.network.populations) &&
                                names(a.network.projections) == names(b.network.projections) &&
                                names(a.network.stimuli) == names(b.network.stimuli);
        CHECK(names(a.network.populations) == names(b.network.populations));
        CHECK(names(a.network.projections) == names(b.network.projections));
        CHECK(names(a.network.stimuli) == names(b.network.stimuli));
        if (same_order) check_same_spec_in_order(a.network, b.network);
    }
}

TEST_CASE("receptor defaults by the weight's sign on lif_curr_exp", "[experiment]") {
    const std::string text = R"(
[simulation]
duration = "10 ms"
[populations.src]
model = "poisson_source"
size = 2
[populations.n]
model = "lif_curr_exp"
size = 2
[populations.c]
model = "lif_cond_exp"
size = 2
[projections.pos]
source = "src"
target = "n"
rule = "one_to_one"
weight = "10 pA"
[projections.neg]
source = "src"
target = "n"
rule = "one_to_one"
weight = "-10 pA"
[projections.negdist]
source = "src"
target = "n"
rule = "one_to_one"
weight = { distribution = "normal", mean = "-5 pA", std = "10 pA" }
[projections.explicit]
source = "src"
target = "n"
rule = "one_to_one"
weight = "-10 pA"
receptor = "excitatory"
[projections.cond]
source = "src"
target = "c"
rule = "one_to_one"
weight = "1 nS"
[projections.cond_inh]
source = "src"
target = "c"
rule = "one_to_one"
weight = "1 nS"
receptor = "inhibitory"
[stimuli.pg_neg]
model = "poisson_generator"
target = "n"
rate = "100 Hz"
weight = "-3 pA"
[stimuli.pg_pos]
model = "poisson_generator"
target = "n"
rate = "100 Hz"
weight = "3 pA"
)";
    const Experiment ex = parse(text);
    const NetworkSpec& s = ex.network;
    CHECK(projection(s, "pos").receptor == 0);
    CHECK(projection(s, "neg").receptor == 1);
    CHECK(projection(s, "negdist").receptor == 1);
    CHECK(projection(s, "explicit").receptor == 0);
    CHECK(projection(s, "cond").receptor == 0);
    CHECK(projection(s, "cond_inh").receptor == 1);
    REQUIRE(s.stimuli.size() == 2);
    CHECK(s.stimuli[0].receptor == 1);
    CHECK(s.stimuli[1].receptor == 0);
    // The chosen receptor is written into the resolved experiment and survives a re-parse.
    const NetworkSpec r = parse(ex.resolved_toml).network;
    CHECK(projection(r, "neg").receptor == 1);
    CHECK(projection(r, "explicit").receptor == 0);
}

TEST_CASE("recorder defaults: all populations, all variables, all ids, sample spreads ids",
          "[experiment]") {
    const NetworkSpec s = parse(kSmall).network;
    REQUIRE(s.spike_recorders.size() == 1);
    CHECK(s.spike_recorders[0].populations == std::vector<std::uint32_t>{0, 1, 2});

    const StateRecorderSpec& z = s.state_recorders[0];
    CHECK(z.population == 0);
    CHECK(z.variables == std::vector<std::size_t>{0, 1, 2, 3}); // V_m, I_syn_ex, I_syn_in, I_SIC
    std::vector<index_t> all(10);
    for (index_t i = 0; i < 10; ++i) all[i] = i;
    CHECK(z.ids == all);

    const StateRecorderSpec& m = s.state_recorders[1];
    CHECK(m.population == 2);
    // Listed order: g_in (index 2), V_m (index 0).
    CHECK(m.variables == std::vector<std::size_t>{2, 0});
    // 3 of 6, evenly spread.
    CHECK(m.ids == std::vector<index_t>{0, 2, 4});

    auto sampled = [&](int size, int n) {
        const std::string text =
            "[simulation]\nduration = 10\n[populations.p]\nmodel = "
            "\"lif_curr_exp\"\nsize = " +
            std::to_string(size) +
            "\n[recorders.r]\nkind = \"state\"\npopulation = \"p\"\nsample = " + std::to_string(n) +
            "\n";
        return parse(text).network.state_recorders.at(0).ids;
    };
    CHECK(sampled(100, 10) == std::vector<index_t>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90});
    CHECK(sampled(10, 3) == std::vector<index_t>{0, 3, 6});
    CHECK(sampled(7, 1) == std::vector<index_t>{0});
    CHECK(sampled(5, 5) == std::vector<index_t>{0, 1, 2, 3, 4});
    // Many samples: sorted, unique, exactly N, gaps differ by at most one.
    const auto ids = sampled(1000, 37);
    REQUIRE(ids.size() == 37);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
    CHECK(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    index_t gmin = 1000, gmax = 0;
    for (std::size_t i = 1; i < ids.size(); ++i) {
        gmin = std::min<index_t>(gmin, ids[i] - ids[i - 1]);
        gmax = std::max<index_t>(gmax, ids[i] - ids[i - 1]);
    }
    CHECK(gmin >= 27);
    CHECK(gmax <= 28);
    CHECK(ids.back() >= 1000 - 28);
}

TEST_CASE("every shipped experiment parses", "[experiment]") {
    const auto files = shipped_experiments();
    REQUIRE(files.size() >= 4);
    for (const auto& f : files) {
        INFO(f.string());
        Experiment ex;
        REQUIRE_NOTHROW(ex = load_experiment(f.string(), {}, registry()));
        CHECK(ex.source == f.string());
        CHECK(!ex.network.populations.empty());
        CHECK(ex.network.duration > 0);
        CHECK(!ex.resolved_toml.empty());
        CHECK(ex.estimated_bytes > 0);
        // The README's promise: the duration override works on every file.
        Experiment shortened;
        REQUIRE_NOTHROW(
            shortened = load_experiment(f.string(), {"simulation.duration=\"10 s\""}, registry()));
        CHECK(shortened.network.duration == 10000.0);
    }
    // Facts stated in the files' own comments.
    const NetworkSpec coba =
        load_experiment((experiments_dir() / "coba.toml").string(), {}, registry()).network;
    REQUIRE(coba.populations.size() == 2);
    CHECK(coba.populations[0].size == 3200);
    CHECK(coba.populations[1].size == 800);
    CHECK(coba.projections.size() == 4);
    const NetworkSpec brunel =
        load_experiment((experiments_dir() / "brunel.toml").string(), {}, registry()).network;
    CHECK(brunel.populations[0].size == 10000);
    CHECK(projection(brunel, "inh_exc").receptor == 1); // negative weight, no receptor key
    CHECK(brunel.stimuli.at(0).params[0] == 20000.0);
}

TEST_CASE("extends: a file inherits another's tables and replaces keys one by one",
          "[experiment]") {
    const auto dir = experiments_dir() / "tasks";
    const Experiment base =
        load_experiment((dir / "associative_recall.toml").string(), {}, registry());
    const Experiment off =
        load_experiment((dir / "associative_recall_noastro.toml").string(), {}, registry());
    const ProjectionSpec &a = projection(base.network, "memory"),
                         &b = projection(off.network, "memory");
    auto synapse_param = [](const ProjectionSpec& p, const char* name) {
        return p.synapse_params[*p.synapse_model->param_index(name)];
    };
    CHECK(b.weight.a == 300.0); // replaced
    CHECK(a.weight.a == 600.0);
    CHECK(synapse_param(b, "rho") == synapse_param(a, "rho")); // inherited within the table
    CHECK(synapse_param(b, "normaliser") != synapse_param(a, "normaliser"));
    // [task] inherited whole: the same stream of keys and values.
    const auto stream = [](const Experiment& ex) {
        return tasks::make_stream(*tasks::task_of(ex), ex.network).items->sequence;
    };
    CHECK(stream(off) == stream(base));
    CHECK(off.output_file != base.output_file);
    CHECK(off.resolved_toml.find("extends") == std::string::npos); // stands alone
    check_same_spec_by_name(parse(off.resolved_toml).network, off.network);

    // Errors in the base file name the base file, at its line.
    const auto tmp = std::filesystem::temp_directory_path() /
                     ("gliasim_extends_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(tmp / "sub");
    std::ofstream(tmp / "base.toml") << "[simulation]\nduration = \"1 s\"\ndt = \"7 parsecs\"\n";
    std::ofstream(tmp / "sub" / "child.toml") << "extends = \"../base.toml\"\n";
    try {
        load_experiment((tmp / "sub" / "child.toml").string(), {}, registry());
        FAIL("no error");
    } catch (const InputError& e) {
        const std::string what = e.what();
        CHECK(what.find("base.toml:3:") != std::string::npos);
        CHECK(what.find("simulation.dt") != std::string::npos);
    }
    // ... and errors in a key the extending file wrote name that file and line.
    std::ofstream(tmp / "ok.toml") << "[simulation]\nduration = \"1 s\"\n";
    std::ofstream(tmp / "sub" / "bad.toml")
        << "extends = \"../ok.toml\"\n[simulation]\n\nduration = \"2 apples\"\n";
    CHECK_THROWS_WITH(load_experiment((tmp / "sub" / "bad.toml").string(), {}, registry()),
                      Catch::Contains("bad.toml:4:") && Catch::Contains("simulation.duration"));
    std::ofstream(tmp / "loop.toml") << "extends = \"loop.toml\"\n";
    CHECK_THROWS_WITH(load_experiment((tmp / "loop.toml").string(), {}, registry()),
                      Catch::Contains("extends cycle"));
    std::filesystem::remove_all(tmp);
}
