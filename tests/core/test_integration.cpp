// Whole runs in-process: firing rates of the COBA benchmark, determinism over thread counts,
// recorders and flushes, the synaptic event count and re-running a resolved experiment.
// Stimulus timing, synaptic delays and Poisson input are in test_stimulus_timing.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "models/builtin.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::read_text;
using gliasim::test::registry;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

Experiment shipped(const std::string& name, const std::vector<std::string>& overrides = {}) {
    return parse_experiment(read_text(name), name, overrides, registry());
}

Result run_threads(NetworkSpec spec, int threads) {
    spec.threads = threads;
    return run(spec);
}

void require_identical(const MemoryBackend& a, const MemoryBackend& b) {
    REQUIRE(a.spikes.size() == b.spikes.size());
    for (std::size_t p = 0; p < a.spikes.size(); ++p) {
        INFO("population " << a.layout.populations[p].name);
        REQUIRE(a.spikes[p].times.size() == b.spikes[p].times.size());
        CHECK(a.spikes[p].times == b.spikes[p].times);
        CHECK(a.spikes[p].ids == b.spikes[p].ids);
    }
    REQUIRE(a.reports.size() == b.reports.size());
    for (std::size_t r = 0; r < a.reports.size(); ++r) {
        INFO("report " << a.layout.reports[r].population << "/" << a.layout.reports[r].variable);
        REQUIRE(a.reports[r].size() == b.reports[r].size());
        // Bitwise: the same float in every cell.
        std::size_t differ = 0;
        for (std::size_t i = 0; i < a.reports[r].size(); ++i)
            differ += std::memcmp(&a.reports[r][i], &b.reports[r][i], sizeof(float)) != 0;
        CHECK(differ == 0);
    }
}

std::size_t total_spikes(const MemoryBackend& mb) {
    std::size_t n = 0;
    for (const auto& s : mb.spikes) n += s.times.size();
    return n;
}

} // namespace

TEST_CASE("COBA benchmark fires at about 19 Hz", "[integration]") {
    // Brian 2: ~19 Hz; gliasim measured 17.4-21.1 Hz over seeds 1-5.
    for (const int seed : {1, 2, 3, 4, 5}) {
        INFO("seed " << seed);
        const NetworkSpec spec =
            shipped("coba.toml", {"simulation.seed=" + std::to_string(seed)}).network;
        REQUIRE(spec.duration == 1000.0);
        const Result r = run(spec);
        const std::size_t exc = pop_index(spec, "exc"), inh = pop_index(spec, "inh");
        const double seconds = spec.duration * 1e-3;
        const double rate_exc = r.mb.spikes[exc].times.size() / 3200.0 / seconds;
        const double rate_inh = r.mb.spikes[inh].times.size() / 800.0 / seconds;
        INFO("exc " << rate_exc << " Hz, inh " << rate_inh << " Hz");
        CHECK(rate_exc >= 15.0);
        CHECK(rate_exc <= 25.0);
        CHECK(rate_inh >= 15.0);
        CHECK(rate_inh <= 25.0);
        // Inhibitory and excitatory neurons share parameters and input statistics.
        CHECK(std::abs(rate_inh - rate_exc) < 3.0);
        // RunStats counts what the recorder saw.
        CHECK(r.stats.spikes[exc] == r.mb.spikes[exc].times.size());
        CHECK(r.stats.spikes[inh] == r.mb.spikes[inh].times.size());
        CHECK(r.stats.steps == 10000);
        // Activity is spread over the population, not a few runaway cells.
        std::vector<int> per(3200, 0);
        for (auto id : r.mb.spikes[exc].ids) ++per.at(id);
        CHECK(std::count(per.begin(), per.end(), 0) < 3200 / 4);
        // Spikes are in time order with times on the step grid, inside the run.
        const auto& t = r.mb.spikes[exc].times;
        CHECK(std::is_sorted(t.begin(), t.end()));
        CHECK(t.front() >= 0.1);
        CHECK(t.back() <= 1000.0 + 1e-9);
    }
}

TEST_CASE("results are identical for 1, 2 and 4 threads, the seed matters", "[integration]") {
    for (const char* file : {"quickstart.toml", "coba.toml"}) {
        INFO(file);
        const NetworkSpec spec = shipped(file, {"simulation.duration=\"300 ms\""}).network;
        const Result one = run_threads(spec, 1);
        REQUIRE(total_spikes(one.mb) > 1000);
        REQUIRE(!one.mb.reports.empty());
        for (const int t : {2, 4}) {
            INFO(t << " threads");
            const Result many = run_threads(spec, t);
            require_identical(one.mb, many.mb);
            CHECK(one.stats.synaptic_events == many.stats.synaptic_events);
            CHECK(one.stats.spikes == many.stats.spikes);
        }
        NetworkSpec other = spec;
        other.seed = spec.seed + 1;
        const Result diff = run(other);
        std::size_t p = pop_index(spec, "exc");
        CHECK(diff.mb.spikes[p].times != one.mb.spikes[p].times);
        // ...but the same seed again gives the same result (no hidden state between runs).
        require_identical(one.mb, run(spec).mb);
    }
}

TEST_CASE("recorders: sample counts, times and flushes", "[integration]") {
    SECTION("samples = duration / interval, first sample at one interval") {
        const std::string text = R"(
[simulation]
duration = "50 ms"
[populations.n]
model = "lif_cond_exp"
size = 20
[recorders.a]
kind = "state"
population = "n"
variables = ["V_m", "g_ex"]
ids = [3, 17, 4]
interval = "0.5 ms"
[recorders.b]
kind = "state"
population = "n"
sample = 5
[recorders.c]
kind = "state"
population = "n"
variables = ["g_in"]
interval = "0.1 ms"
)";
        const Result r = run(spec_of(text));
        const auto& L = r.mb.layout;
        CHECK(L.dt == 0.1);
        CHECK(L.duration == Approx(50.0).margin(1e-12));
        REQUIRE(L.reports.size() == 2 + 4 + 1); // b: every state variable of lif_cond_exp
        struct Want {
            const char* var;
            double interval;
            std::uint64_t samples;
            std::vector<index_t> ids;
            const char* units;
        };
        const std::vector<Want> want = {{"V_m", 0.5, 100, {3, 4, 17}, "mV"},
                                        {"g_ex", 0.5, 100, {3, 4, 17}, "nS"},
                                        {"V_m", 1.0, 50, {0, 4, 8, 12, 16}, "mV"},
                                        {"g_ex", 1.0, 50, {0, 4, 8, 12, 16}, "nS"},
                                        {"g_in", 1.0, 50, {0, 4, 8, 12, 16}, "nS"},
                                        {"I_SIC", 1.0, 50, {0, 4, 8, 12, 16}, "pA"},
                                        {"g_in", 0.1, 500, {}, "nS"}};
        for (std::size_t i = 0; i < want.size(); ++i) {
            INFO("report " << i);
            const auto& rl = L.reports[i];
            CHECK(rl.population == "n");
            CHECK(rl.variable == want[i].var);
            CHECK(rl.units == want[i].units);
            CHECK(rl.start == Approx(want[i].interval).margin(1e-12));
            CHECK(rl.step == Approx(want[i].interval).margin(1e-12));
            CHECK(rl.samples == want[i].samples);
            // The writer's mapping/time is [start, start + samples * step, step]:
            // [interval, duration + interval, interval].
            CHECK(rl.start + rl.samples * rl.step == Approx(50.0 + want[i].interval).margin(1e-9));
            if (!want[i].ids.empty()) CHECK(rl.ids == want[i].ids);
            const std::size_t cols = want[i].ids.empty() ? 20 : want[i].ids.size();
            CHECK(rl.ids.size() == cols);
            CHECK(r.mb.reports[i].size() == want[i].samples * cols);
        }
    }

    SECTION("a flush interval shorter than the run gives the same data as one flush") {
        for (const char* flush : {"10 ms", "2.3 ms", "0.1 ms"}) {
            INFO("flush interval " << flush);
            const std::vector<std::string> base = {"simulation.duration=\"300 ms\"",
                                                   "recorders.membrane.interval=\"0.7 ms\""};
            auto with_flush = base;
            with_flush.push_back(std::string("output.flush_interval=\"") + flush + "\"");
            const NetworkSpec once = shipped("quickstart.toml", base).network;
            const NetworkSpec often = shipped("quickstart.toml", with_flush).network;
            REQUIRE(once.flush_interval == 1000.0);
            REQUIRE(often.flush_interval < 11.0);
            const Result a = run(once);
            const Result b = run(often);
            CHECK(a.mb.flushes == 1);
            CHECK(b.mb.flushes >= 29);
            REQUIRE(b.mb.layout.reports.size() == 3);
            CHECK(b.mb.layout.reports[0].samples == 428); // floor(300 / 0.7)
            CHECK(b.mb.reports[0].size() == 428 * 10);
            require_identical(a.mb, b.mb);
            // ... and with threads, too.
            NetworkSpec often2 = often;
            often2.threads = 2;
            require_identical(a.mb, run(often2).mb);
        }
    }
}

TEST_CASE("synaptic events = sum over spikes of the sender's out-degree", "[integration]") {
    for (const char* file : {"quickstart.toml", "coba.toml"}) {
        INFO(file);
        const NetworkSpec spec = shipped(file, {"simulation.duration=\"200 ms\""}).network;
        for (const int threads : {1, 2}) {
            INFO(threads << " threads");
            NetworkSpec s = spec;
            s.threads = threads;
            Simulation sim(s);
            // Every population's spikes must be recorded for this count.
            std::vector<bool> recorded(s.populations.size(), false);
            for (const auto& sr : s.spike_recorders)
                for (auto p : sr.populations) recorded[p] = true;
            for (std::size_t p = 0; p < s.populations.size(); ++p) REQUIRE(recorded[p]);

            std::vector<std::vector<std::uint64_t>> out(s.populations.size());
            for (std::size_t p = 0; p < s.populations.size(); ++p)
                out[p].assign(s.populations[p].size, 0);
            std::uint64_t synapses = 0;
            const auto& projections = sim.network().projections();
            REQUIRE(projections.size() == s.projections.size());
            for (std::size_t k = 0; k < projections.size(); ++k) {
                const auto edges = projections[k].edges();
                CHECK(edges.size() == projections[k].size());
                for (const auto& e : edges) ++out[s.projections[k].source].at(e.source);
                synapses += edges.size();
            }
            CHECK(synapses == sim.network().synapses());

            MemoryBackend mb;
            const RunStats stats = sim.run(mb);
            std::uint64_t expected = 0;
            for (std::size_t p = 0; p < s.populations.size(); ++p) {
                CHECK(stats.spikes[p] == mb.spikes[p].ids.size());
                for (auto id : mb.spikes[p].ids) expected += out[p].at(id);
            }
            CHECK(expected > 100000);
            CHECK(stats.synaptic_events == expected);
        }
    }
}

TEST_CASE("re-running the resolved experiment of COBA reproduces the result", "[integration]") {
    const Experiment ex = shipped("coba.toml", {"simulation.duration=\"200 ms\""});
    const Experiment again = parse_experiment(ex.resolved_toml, "resolved", {}, registry());
    const Result a = run(ex.network);
    const Result b = run(again.network);
    REQUIRE(total_spikes(a.mb) > 1000);
    require_identical(a.mb, b.mb);
}

// The resolved experiment is stored in every result file so that "any result can be re-run
// exactly" (docs/experiment-files.md). Populations and projections are keyed into the random
// streams by position, so this needs the resolved text to keep the file's order.
TEST_CASE("re-running the resolved experiment of the quickstart reproduces the result",
          "[integration]") {
    const Experiment ex = shipped("quickstart.toml", {"simulation.duration=\"200 ms\""});
    const Experiment again = parse_experiment(ex.resolved_toml, "resolved", {}, registry());
    const Result a = run(ex.network);
    const Result b = run(again.network);
    for (std::size_t p = 0; p < ex.network.populations.size(); ++p) {
        const std::string& name = ex.network.populations[p].name;
        INFO("population " << name);
        const std::size_t q = pop_index(again.network, name);
        INFO("original " << a.mb.spikes[p].times.size() << " spikes, re-run "
                         << b.mb.spikes[q].times.size());
        const bool same = a.mb.spikes[p].times == b.mb.spikes[q].times &&
                          a.mb.spikes[p].ids == b.mb.spikes[q].ids;
        CHECK(same);
    }
}
