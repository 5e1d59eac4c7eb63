// SPDX-License-Identifier: MIT
// The experiment-file features of reservoir learning (NALSM), through parse_experiment and whole
// runs: grid positions shared by populations, the distance rule against its probability law,
// per-sample resets of neurons and astrocytes (against closed forms), weight recorders against
// the network's own weights, and the branching-factor analysis of a hand-countable chain.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/branching_factor.hpp"
#include "core/projection.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::projection_index;
using gliasim::test::registry;
using gliasim::test::report_index;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

std::size_t weight_report_index(const MemoryBackend& mb, const std::string& projection,
                                bool histogram) {
    for (std::size_t i = 0; i < mb.layout.weight_reports.size(); ++i)
        if (mb.layout.weight_reports[i].projection == projection &&
            mb.layout.weight_reports[i].histogram == histogram)
            return i;
    FAIL("no weight report of " << projection);
    return 0;
}

// Sites of a population as integer (x, y, z) triples; fails on a non-integral coordinate.
std::vector<std::array<long, 3>> sites_of(const PopulationSpec& p) {
    REQUIRE(p.positions.size() == 3 * static_cast<std::size_t>(p.size));
    std::vector<std::array<long, 3>> out;
    for (std::size_t i = 0; i < p.size; ++i) {
        std::array<long, 3> s{};
        for (std::size_t c = 0; c < 3; ++c) {
            const float x = p.positions[3 * i + c];
            REQUIRE(std::floor(x) == x);
            s[c] = static_cast<long>(x);
        }
        out.push_back(s);
    }
    return out;
}

// Edges as sorted (source, target, weight, delay) tuples: independent of the partition.
std::vector<std::tuple<index_t, index_t, float, std::uint16_t>> sorted_edges(const Projection& p) {
    std::vector<std::tuple<index_t, index_t, float, std::uint16_t>> out;
    for (const auto& e : p.edges()) out.emplace_back(e.source, e.target, e.weight, e.delay);
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// positions

TEST_CASE("positions: populations sharing a space take disjoint integral sites of its grid",
          "[learning_io]") {
    const std::string text = R"(
[simulation]
duration = "1 ms"
seed = 7
[populations.E]
model = "nalsm_lif"
size = 80
positions = { grid = [6, 5, 4], space = "liquid" }
[populations.I]
model = "nalsm_lif"
size = 30
positions = { grid = [6, 5, 4], space = "liquid" }
[populations.other]
model = "nalsm_lif"
size = 10
)";
    const NetworkSpec s = spec_of(text);
    const auto& E = s.populations[pop_index(s, "E")];
    const auto& I = s.populations[pop_index(s, "I")];
    CHECK(s.populations[pop_index(s, "other")].positions.empty());
    const auto e = sites_of(E), i = sites_of(I);
    std::set<std::array<long, 3>> all;
    for (const auto* v : {&e, &i})
        for (const auto& site : *v) {
            INFO("site " << site[0] << ", " << site[1] << ", " << site[2]);
            CHECK(site[0] >= 0);
            CHECK(site[0] < 6);
            CHECK(site[1] >= 0);
            CHECK(site[1] < 5);
            CHECK(site[2] >= 0);
            CHECK(site[2] < 4);
            all.insert(site);
        }
    // 110 entities on 120 sites: no two share one, within or across the populations.
    CHECK(all.size() == 80 + 30);
    // The placement uses the whole grid, not one corner of it: every z layer is used.
    std::set<long> zs;
    for (const auto& site : all) zs.insert(site[2]);
    CHECK(zs.size() == 4);

    SECTION("the same seed places the same way, another seed differently") {
        const NetworkSpec again = spec_of(text);
        CHECK(again.populations[pop_index(again, "E")].positions == E.positions);
        CHECK(again.populations[pop_index(again, "I")].positions == I.positions);
        const NetworkSpec other = spec_of(text, {"simulation.seed=8"});
        CHECK(other.populations[pop_index(other, "E")].positions != E.positions);
        CHECK(other.populations[pop_index(other, "I")].positions != I.positions);
        // ... still disjoint.
        std::set<std::array<long, 3>> o;
        for (const auto& site : sites_of(other.populations[pop_index(other, "E")])) o.insert(site);
        for (const auto& site : sites_of(other.populations[pop_index(other, "I")])) o.insert(site);
        CHECK(o.size() == 110);
    }
}

TEST_CASE("positions: a population alone on a grid of its size occupies every site once",
          "[learning_io]") {
    const NetworkSpec s = spec_of(R"(
[simulation]
duration = "1 ms"
[populations.cube]
model = "nalsm_lif"
size = 24
positions = { grid = [4, 3, 2] }
[populations.plane]
model = "nalsm_lif"
size = 15
positions = { grid = [5, 3] }
)");
    {
        const auto sites = sites_of(s.populations[pop_index(s, "cube")]);
        std::set<std::array<long, 3>> got(sites.begin(), sites.end()), want;
        for (long z = 0; z < 2; ++z)
            for (long y = 0; y < 3; ++y)
                for (long x = 0; x < 4; ++x) want.insert({x, y, z});
        CHECK(sites.size() == 24);
        CHECK(got == want);
        // In a random order, not a sorted one (1 of 24! orders).
        std::vector<std::array<long, 3>> in_order(want.begin(), want.end());
        CHECK(sites != in_order);
    }
    {
        // Two numbers: a plane at z = 0. Each population without a space has its own grid.
        const auto sites = sites_of(s.populations[pop_index(s, "plane")]);
        std::set<std::array<long, 3>> got(sites.begin(), sites.end()), want;
        for (long y = 0; y < 3; ++y)
            for (long x = 0; x < 5; ++x) want.insert({x, y, 0});
        CHECK(got == want);
    }
}

// ---------------------------------------------------------------------------------------------
// distance rule

namespace {

const char* kDistance = R"(
[simulation]
duration = "1 ms"
dt = "1 ms"
seed = 3
[populations.L]
model = "nalsm_lif"
size = 1728
positions = { grid = [12, 12, 12] }
[projections.LL]
source = "L"
target = "L"
rule = "distance"
C = 0.3
lambda = 2.5
allow_autapses = false
weight = 1.0
delay = "1 ms"
)";

} // namespace

TEST_CASE("distance rule: the connection probability at distance d is C exp(-(d/lambda)^2)",
          "[learning_io]") {
    const double C = 0.3, lambda = 2.5;
    const NetworkSpec spec = spec_of(kDistance);
    const auto& pos = spec.populations[0].positions;
    REQUIRE(pos.size() == 3 * 1728);
    auto d2 = [&](index_t a, index_t b) {
        double s = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            const double x = static_cast<double>(pos[3 * a + c]) - pos[3 * b + c];
            s += x * x;
        }
        return static_cast<long>(std::lround(s));
    };
    // Pairs and drawn connections per squared distance (an integer on the grid): each class
    // has one exact probability, so each count is binomial.
    std::map<long, std::uint64_t> pairs, drawn;
    for (index_t a = 0; a < 1728; ++a)
        for (index_t b = 0; b < 1728; ++b)
            if (a != b) ++pairs[d2(a, b)];
    const Simulation sim(spec);
    const auto edges = sim.network().projections()[0].edges();
    std::set<std::pair<index_t, index_t>> seen;
    std::size_t autapses = 0, repeated = 0;
    for (const auto& e : edges) {
        if (e.source == e.target) ++autapses;
        if (!seen.insert({e.source, e.target}).second) ++repeated;
        ++drawn[d2(e.source, e.target)];
    }
    CHECK(autapses == 0);
    CHECK(repeated == 0);
    double expected_total = 0, var_total = 0;
    std::size_t classes_checked = 0;
    for (const auto& [k, n] : pairs) {
        const double p = C * std::exp(-static_cast<double>(k) / (lambda * lambda));
        const double mean = static_cast<double>(n) * p, sd = std::sqrt(mean * (1 - p));
        const double got = static_cast<double>(drawn.count(k) ? drawn.at(k) : 0);
        expected_total += mean;
        var_total += mean * (1 - p);
        INFO("d^2 = " << k << ": " << n << " pairs, p = " << p << ", expected " << mean << " +- "
                      << sd << ", drawn " << got);
        CHECK(std::abs(got - mean) <= 5 * sd + 1);
        if (mean > 20) ++classes_checked;
    }
    // Connections at distances that have no pair cannot exist.
    for (const auto& [k, m] : drawn) CHECK(pairs.count(k) == 1);
    CHECK(classes_checked >= 10); // the law is tested over a range of distances, not one point
    // Coarser bins of width 0.5 in d, and the total.
    std::map<long, std::pair<double, double>> bins; // bin -> (expected, variance)
    std::map<long, double> bin_drawn;
    for (const auto& [k, n] : pairs) {
        const double p = C * std::exp(-static_cast<double>(k) / (lambda * lambda));
        const long b = static_cast<long>(std::sqrt(static_cast<double>(k)) / 0.5);
        bins[b].first += static_cast<double>(n) * p;
        bins[b].second += static_cast<double>(n) * p * (1 - p);
        bin_drawn[b] += static_cast<double>(drawn.count(k) ? drawn.at(k) : 0);
    }
    for (const auto& [b, ev] : bins) {
        INFO("d in [" << 0.5 * b << ", " << 0.5 * (b + 1) << "): expected " << ev.first
                      << ", drawn " << bin_drawn[b]);
        CHECK(std::abs(bin_drawn[b] - ev.first) <= 5 * std::sqrt(ev.second) + 1);
    }
    INFO("expected " << expected_total << " connections in all");
    CHECK(std::abs(static_cast<double>(edges.size()) - expected_total) <= 5 * std::sqrt(var_total));
    CHECK(edges.size() > 10000);
}

TEST_CASE("distance rule: autapses, when allowed, occur with probability C", "[learning_io]") {
    const NetworkSpec spec = spec_of(kDistance, {"projections.LL.allow_autapses=true"});
    const Simulation sim(spec);
    std::size_t autapses = 0;
    for (const auto& e : sim.network().projections()[0].edges())
        if (e.source == e.target) ++autapses;
    const double mean = 1728 * 0.3, sd = std::sqrt(1728 * 0.3 * 0.7);
    CHECK(std::abs(static_cast<double>(autapses) - mean) <= 5 * sd);
}

TEST_CASE("distance rule: the graph is the same for 1 and 3 threads", "[learning_io]") {
    NetworkSpec spec = spec_of(kDistance);
    spec.threads = 1;
    const auto one = sorted_edges(Simulation(spec).network().projections()[0]);
    spec.threads = 3;
    const Simulation three(spec);
    REQUIRE(three.network().projections()[0].parts() == 3);
    const auto other = sorted_edges(three.network().projections()[0]);
    CHECK(one.size() > 10000);
    CHECK(other == one);
    // ... and another seed gives another graph.
    NetworkSpec reseeded = spec_of(kDistance, {"simulation.seed=4"});
    CHECK(sorted_edges(Simulation(reseeded).network().projections()[0]) != one);
}

// ---------------------------------------------------------------------------------------------
// per-sample resets

// Resets drop what is pending for the population: input sent before a reset never arrives
// after it, and recorders see a consistent state with any number of threads.

TEST_CASE("resets: nalsm_lif neurons restart from their initial v, currents and refractoriness",
          "[learning_io]") {
    // dt = delay = 1 ms; a source spike at T ms reaches L in step T (row T, t = T + 1 ms).
    //   15 ms, fast receptor, weight 5: i_fast jumps to 5 in step 15 and decays, v charges.
    //   19 ms, direct, weight 100: L fires in step 19, refractory for steps 20 and 21.
    //   reset at 20 ms (before step 20): v, i_fast and refractory back to 0; no input is
    //   pending (nothing was sent in step 19), so row 20 is the initial state, unchanged.
    //   21 ms, direct, weight 100: L fires in step 21 only because the reset ended its
    //   refractoriness (without the reset it would still be refractory).
    const std::string text = R"(
[simulation]
duration = "30 ms"
dt = "1 ms"
[populations.F]
model = "spike_source_array"
size = 1
spike_times = ["15 ms"]
[populations.S]
model = "spike_source_array"
size = 1
spike_times = ["19 ms", "21 ms"]
[populations.L]
model = "nalsm_lif"
size = 1
reset = { every = "20 ms" }
[projections.fast]
source = "F"
target = "L"
rule = "all_to_all"
weight = 5.0
receptor = "fast"
delay = "1 ms"
[projections.direct]
source = "S"
target = "L"
rule = "all_to_all"
weight = 100.0
receptor = "direct"
delay = "1 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v", "i_fast", "refractory"]
interval = "1 ms"
[recorders.spikes]
kind = "spikes"
populations = ["L"]
)";
    for (const bool with_reset : {true, false}) {
        INFO((with_reset ? "with the reset" : "without the reset"));
        std::vector<std::string> set;
        if (!with_reset) set.push_back("populations.L.reset=[]");
        const NetworkSpec spec = spec_of(text, set);
        const Result r = run(spec);
        const auto& v = r.mb.reports[report_index(r.mb, "L", "v")];
        const auto& i = r.mb.reports[report_index(r.mb, "L", "i_fast")];
        const auto& ref = r.mb.reports[report_index(r.mb, "L", "refractory")];
        REQUIRE(v.size() == 30);
        const double leak = 1.0 - 1.0 / 64.0, decay = std::exp(-1.0);
        CHECK(v[14] == 0.0f);
        CHECK(i[15] == 5.0f);
        CHECK(v[15] == 5.0f);
        CHECK(i[16] == Approx(5 * decay).epsilon(1e-6));
        CHECK(v[16] == Approx(5 * leak + 5 * decay).epsilon(1e-6));
        CHECK(ref[19] == 2.0f); // fired in step 19
        CHECK(v[19] == 0.0f);
        const auto& times = r.mb.spikes[pop_index(spec, "L")].times;
        if (with_reset) {
            CHECK(v[20] == 0.0f);
            CHECK(i[20] == 0.0f);
            CHECK(ref[20] == 0.0f);
            CHECK(times == std::vector<double>{20.0, 22.0});
        } else {
            CHECK(i[20] == Approx(5 * std::pow(decay, 5)).epsilon(1e-6));
            CHECK(ref[20] == 1.0f);
            CHECK(times == std::vector<double>{20.0});
        }
    }
}

TEST_CASE("resets: input sent in the step before a reset is dropped (poisson drive)",
          "[learning_io]") {
    // dt = delay = 1 ms: a reset at step s clears the input that spikes of step s - 1 left for
    // step s, and nothing emitted before the reset arrives later, so in the step of the reset
    // the neurons integrate nothing: v = v_reset * leak = 0, i_fast = 0, no refractoriness.
    const NetworkSpec spec = spec_of(R"(
[simulation]
duration = "200 ms"
dt = "1 ms"
seed = 5
[populations.input]
model = "poisson_source"
size = 50
rate = "100 Hz"
[populations.L]
model = "nalsm_lif"
size = 20
reset = { every = "20 ms" }
[projections.in]
source = "input"
target = "L"
rule = "all_to_all"
weight = 2.0
receptor = "fast"
delay = "1 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v", "i_fast", "refractory"]
interval = "1 ms"
[recorders.spikes]
kind = "spikes"
populations = ["L"]
)");
    const Result r = run(spec);
    const std::size_t rv = report_index(r.mb, "L", "v"), ri = report_index(r.mb, "L", "i_fast"),
                      rr = report_index(r.mb, "L", "refractory");
    const std::size_t n = 20;
    REQUIRE(r.mb.reports[rv].size() == 200 * n);
    // Row k holds the state after step k (t = k + 1 ms).
    auto at = [&](std::size_t rep, std::size_t row, std::size_t i) {
        return r.mb.reports[rep][row * n + i];
    };
    CHECK(r.stats.spikes[pop_index(spec, "L")] > 100); // the drive makes the neurons fire
    std::size_t busy_before = 0;
    for (std::size_t s = 20; s < 200; s += 20) {
        INFO("reset at step " << s);
        for (std::size_t i = 0; i < n; ++i) {
            CHECK(at(rv, s, i) == 0.0f);
            CHECK(at(ri, s, i) == 0.0f);
            CHECK(at(rr, s, i) == 0.0f);
            if (at(rv, s - 1, i) != 0.0f || at(rr, s - 1, i) != 0.0f) ++busy_before;
        }
    }
    CHECK(busy_before > 9 * n / 2); // the state right before the resets was not the initial one
    // Between resets the input does arrive: within 3 steps after each reset i_fast is back up.
    for (std::size_t s = 21; s < 200; s += 20) {
        double sum = 0;
        for (std::size_t k = s; k < s + 3; ++k)
            for (std::size_t i = 0; i < n; ++i) sum += at(ri, k, i);
        CHECK(sum > 0);
    }
}

TEST_CASE("resets: input sent before a reset does not arrive after it (delay > one step)",
          "[learning_io]") {
    // A single spike of the source at 19 ms (emitted in step 18) reaches the neuron 3 ms later,
    // in step 21, after the reset at 20 ms: as pending input it must be dropped. A control
    // spike at 14 ms arrives in step 16, before the reset, and moves v by 5.
    const NetworkSpec spec = spec_of(R"(
[simulation]
duration = "40 ms"
dt = "1 ms"
[populations.S]
model = "spike_source_array"
size = 1
spike_times = ["14 ms", "19 ms"]
[populations.L]
model = "nalsm_lif"
size = 1
reset = { every = "20 ms" }
[projections.SL]
source = "S"
target = "L"
rule = "all_to_all"
weight = 5.0
receptor = "direct"
delay = "3 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v"]
interval = "1 ms"
)");
    const Result r = run(spec);
    const auto& v = r.mb.reports[report_index(r.mb, "L", "v")];
    REQUIRE(v.size() == 40);
    CHECK(v[15] == 0.0f);
    CHECK(v[16] == 5.0f); // the control spike
    CHECK(v[19] > 0.0f);
    CHECK(v[20] == 0.0f); // reset
    CHECK(v[21] == 0.0f); // the spike sent in step 18 was pending at the reset
    CHECK(v[39] == 0.0f);
}

// Two nalsm_astrocytes (b = 0.15, tau = 100 ms) starting at A = 0.5, A recorded every step.
const char* const kAstroAlone = R"(
[simulation]
duration = "300 ms"
dt = "0.1 ms"
[populations.astro]
model = "nalsm_astrocyte"
size = 2
tau = "100 ms"
b = 0.15
initial = { A = 0.5 }
[recorders.A]
kind = "state"
population = "astro"
variables = ["A"]
interval = "0.1 ms"
)";

TEST_CASE("resets: nalsm_astrocyte relaxes as b + (A0 - b) exp(-t/tau) and restarts at A0",
          "[learning_io]") {
    const double b = 0.15, A0 = 0.5, tau = 100.0, dt = 0.1;
    const std::string base = kAstroAlone;
    auto closed = [&](double since_reset) { return b + (A0 - b) * std::exp(-since_reset / tau); };

    SECTION("without resets: the closed form, to float precision every step, to 1e-12 at the end") {
        const NetworkSpec spec = spec_of(base);
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        const auto& A = mb.reports[0];
        REQUIRE(A.size() == 3000 * 2);
        for (std::size_t k = 0; k < 3000; k += 7) {
            const double t = static_cast<double>(k + 1) * dt;
            INFO("t = " << t);
            CHECK(A[2 * k] == Approx(closed(t)).epsilon(1e-6));
            CHECK(A[2 * k + 1] == A[2 * k]);
        }
        const double end = sim.network().populations()[0]->state(0)[0];
        CHECK(std::abs(end - closed(300.0)) <= 1e-12 * closed(300.0));
    }

    SECTION("with A0 = b and no input, A stays at b exactly") {
        const NetworkSpec spec = spec_of(base, {"populations.astro.initial={}"});
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        for (float a : mb.reports[0]) CHECK(a == static_cast<float>(b));
        CHECK(sim.network().populations()[0]->state(0)[0] == b);
    }

    SECTION("resets every 20 ms until 100 ms, then every 50 ms: A restarts at A0 each time") {
        // Resets at from + k every in [from, until), never at 0: 20, 40, 60, 80, then 100,
        // 150, 200, 250 ms.
        const std::vector<double> resets = {20, 40, 60, 80, 100, 150, 200, 250};
        const NetworkSpec spec =
            spec_of(base, {R"(populations.astro.reset=[{ every = "20 ms", until = "100 ms" }, )"
                           R"({ every = "50 ms", from = "100 ms" }])"});
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        const auto& A = mb.reports[0];
        REQUIRE(A.size() == 3000 * 2);
        for (std::size_t k = 0; k < 3000; ++k) {
            const double t = static_cast<double>(k + 1) * dt;
            double last = 0;
            for (double s : resets)
                if (s < t - 1e-9) last = s;
            if (k % 5 != 0 && std::abs(t - last - dt) > 1e-9) continue; // every reset, and some
            INFO("t = " << t << ", last reset at " << last);
            CHECK(A[2 * k] == Approx(closed(t - last)).epsilon(1e-6));
        }
        // The last reset was at 250 ms; 50 ms later, in double precision.
        const double end = sim.network().populations()[0]->state(0)[0];
        CHECK(std::abs(end - closed(50.0)) <= 1e-12 * closed(50.0));
    }
}

TEST_CASE("resets: a driven nalsm_astrocyte is at b + (A0 - b) exp(-dt/tau) right after a reset",
          "[learning_io]") {
    const double b = 0.15, A0 = 0.5, tau = 100.0, dt = 0.1;
    const std::string base = kAstroAlone;

    const std::string driven = base + R"(
[populations.input]
model = "poisson_source"
size = 40
rate = "200 Hz"
[projections.in]
source = "input"
target = "astro"
rule = "all_to_all"
weight = 0.2
delay = "0.1 ms"
)";
    for (const double a0 : {A0, b}) {
        INFO("A0 = " << a0);
        std::vector<std::string> set = {"populations.astro.reset={ every = \"20 ms\" }"};
        if (a0 == b) set.push_back("populations.astro.initial={}");
        const NetworkSpec spec = spec_of(driven, set);
        const Result r = run(spec);
        const auto& A = r.mb.reports[report_index(r.mb, "astro", "A")];
        REQUIRE(A.size() == 3000 * 2);
        const float want = static_cast<float>(b + (a0 - b) * std::exp(-dt / tau));
        std::size_t moved = 0;
        for (std::size_t s = 200; s < 3000; s += 200) {
            // Row s: the state after the step of the reset at s * dt.
            INFO("reset at " << static_cast<double>(s) * dt << " ms");
            CHECK(A[2 * s] == Approx(want).epsilon(1e-7));
            CHECK(A[2 * s + 1] == Approx(want).epsilon(1e-7));
            if (std::abs(A[2 * (s - 1)] - want) > 0.01) ++moved;
        }
        CHECK(moved >= 10); // the input did move A away in each sample
    }
}

// ---------------------------------------------------------------------------------------------
// weight recorders

namespace {

const char* kPlastic = R"(
[simulation]
duration = "200 ms"
dt = "0.5 ms"
seed = 11
[populations.input]
model = "poisson_source"
size = 60
rate = "40 Hz"
[populations.L]
model = "nalsm_lif"
size = 40
v_th = 5
[projections.in_L]
source = "input"
target = "L"
rule = "bernoulli"
p = 0.5
weight = { distribution = "uniform", low = 0.2, high = 2.8 }
receptor = "fast"
delay = "1 ms"
synapse = "stdp"
w_min = 0.0
w_max = 3.0
A_plus = 0.2
A_minus = 0.2
tau_plus = "10 ms"
tau_minus = "10 ms"
[projections.LL]
source = "L"
target = "L"
rule = "bernoulli"
p = 0.2
weight = { distribution = "uniform", low = -1, high = 1 }
receptor = "slow"
delay = "1 ms"
[recorders.w]
kind = "weights"
projection = "in_L"
sample = 25
interval = "20 ms"
[recorders.h]
kind = "weight_histogram"
projection = "in_L"
bins = 6
range = [1, 2.5]
interval = "50 ms"
[recorders.h30]
kind = "weight_histogram"
projection = "LL"
bins = 4
range = [-1, 1]
interval = "30 ms"
[recorders.static]
kind = "weights"
projection = "LL"
interval = "40 ms"
)";

struct Run {
    MemoryBackend mb;
    std::vector<Projection::Edge> initial_in, final_in, initial_ll, final_ll;
};

Run run_plastic(int threads) {
    NetworkSpec spec = spec_of(kPlastic);
    spec.threads = threads;
    Run r;
    Simulation sim(spec);
    const auto in = projection_index(spec, "in_L"), ll = projection_index(spec, "LL");
    r.initial_in = sim.network().projections()[in].edges();
    r.initial_ll = sim.network().projections()[ll].edges();
    sim.run(r.mb);
    r.final_in = sim.network().projections()[in].edges();
    r.final_ll = sim.network().projections()[ll].edges();
    return r;
}

// Histogram of weights over [low, high) in `bins` bins, the top edge in the last bin.
std::vector<float> histogram(const std::vector<Projection::Edge>& edges, std::uint32_t bins,
                             double low, double high) {
    std::vector<float> h(bins, 0.0f);
    for (const auto& e : edges) {
        const double w = e.weight;
        if (w < low || w > high) continue;
        auto b = static_cast<std::size_t>((w - low) * (bins / (high - low)));
        h[std::min<std::size_t>(b, bins - 1)] += 1.0f;
    }
    return h;
}

std::size_t in_range(const std::vector<Projection::Edge>& edges, double low, double high) {
    return static_cast<std::size_t>(std::count_if(edges.begin(), edges.end(), [&](const auto& e) {
        return e.weight >= low && e.weight <= high;
    }));
}

} // namespace

TEST_CASE("weight recorders: rows, times, histograms and samples match the network's weights",
          "[learning_io]") {
    const Run r = run_plastic(1);
    const auto& L = r.mb.layout;
    REQUIRE(L.weight_reports.size() == 4);
    const std::size_t w = weight_report_index(r.mb, "in_L", false),
                      h = weight_report_index(r.mb, "in_L", true),
                      h30 = weight_report_index(r.mb, "LL", true),
                      st = weight_report_index(r.mb, "LL", false);
    const std::size_t n_in = r.initial_in.size(), n_ll = r.initial_ll.size();
    REQUIRE(n_in > 600);
    REQUIRE(n_ll > 100);
    // The weights did learn (else the checks below could not tell rows apart).
    std::size_t changed = 0;
    std::map<std::pair<index_t, index_t>, float> initial, final;
    for (const auto& e : r.initial_in) initial[{e.source, e.target}] = e.weight;
    for (const auto& e : r.final_in) final[{e.source, e.target}] = e.weight;
    REQUIRE(initial.size() == n_in); // no multapses: (source, target) names a synapse
    for (const auto& [k, v] : final) changed += v != initial.at(k);
    CHECK(changed > n_in / 2);

    SECTION("rows: at 0, interval, ..., and at the end when the interval divides the run") {
        // 200 ms: every 20 ms -> 11 rows, 50 ms -> 5, 40 ms -> 6; 30 ms -> 0..180 = 7 (no end).
        const std::vector<std::pair<std::size_t, double>> want = {
            {w, 20.0}, {h, 50.0}, {st, 40.0}, {h30, 30.0}};
        for (const auto& [i, interval] : want) {
            INFO("report " << L.weight_reports[i].projection << " every " << interval << " ms");
            const auto rows = static_cast<std::size_t>(std::floor(200.0 / interval)) + 1;
            REQUIRE(r.mb.weight_times[i].size() == rows);
            for (std::size_t k = 0; k < rows; ++k)
                CHECK(r.mb.weight_times[i][k] == Approx(interval * k).margin(1e-9));
        }
    }

    SECTION("weights: the requested sample, its ids, and the values of the network") {
        const auto& wl = L.weight_reports[w];
        REQUIRE(wl.source_ids.size() == 25);
        REQUIRE(wl.target_ids.size() == 25);
        CHECK(wl.bin_edges.empty());
        std::set<std::pair<index_t, index_t>> ids;
        for (std::size_t k = 0; k < 25; ++k) {
            ids.insert({wl.source_ids[k], wl.target_ids[k]});
            CHECK(initial.count({wl.source_ids[k], wl.target_ids[k]}) == 1);
        }
        CHECK(ids.size() == 25); // 25 distinct synapses
        const auto& rows = r.mb.weights[w];
        REQUIRE(rows.size() == 11 * 25);
        for (std::size_t k = 0; k < 25; ++k) {
            const std::pair<index_t, index_t> key{wl.source_ids[k], wl.target_ids[k]};
            CHECK(rows[k] == initial.at(key));         // t = 0
            CHECK(rows[10 * 25 + k] == final.at(key)); // t = 200 ms, the end
        }
        CHECK(std::vector<float>(rows.begin(), rows.begin() + 25) !=
              std::vector<float>(rows.end() - 25, rows.end()));
    }

    SECTION("histograms: counts of the weights in range, bin by bin") {
        const auto& hl = L.weight_reports[h];
        REQUIRE(hl.bin_edges.size() == 7);
        CHECK(hl.bin_edges.front() == 1.0);
        CHECK(hl.bin_edges.back() == 2.5);
        CHECK(hl.source_ids.empty());
        const auto& rows = r.mb.weights[h];
        REQUIRE(rows.size() == 5 * 6);
        const std::vector<float> first(rows.begin(), rows.begin() + 6),
            last(rows.end() - 6, rows.end());
        CHECK(first == histogram(r.initial_in, 6, 1.0, 2.5));
        CHECK(last == histogram(r.final_in, 6, 1.0, 2.5));
        // Each row sums to the synapses whose weight lies in the range (here fewer than all).
        auto sum = [](const std::vector<float>& v) {
            return static_cast<std::size_t>(std::accumulate(v.begin(), v.end(), 0.0));
        };
        CHECK(sum(first) == in_range(r.initial_in, 1.0, 2.5));
        CHECK(sum(last) == in_range(r.final_in, 1.0, 2.5));
        CHECK(sum(first) < n_in);
        CHECK(sum(first) > n_in / 4);
        for (std::size_t k = 0; k < 5; ++k) {
            const std::vector<float> row(rows.begin() + static_cast<long>(6 * k),
                                         rows.begin() + static_cast<long>(6 * k + 6));
            CHECK(sum(row) <= n_in);
        }
    }

    SECTION("static synapses give constant rows equal to their weights") {
        const auto& rows = r.mb.weights[st];
        REQUIRE(rows.size() == 6 * n_ll);
        for (std::size_t k = 1; k < 6; ++k)
            CHECK(std::equal(rows.begin(), rows.begin() + static_cast<long>(n_ll),
                             rows.begin() + static_cast<long>(k * n_ll)));
        const auto& sl = L.weight_reports[st];
        REQUIRE(sl.source_ids.size() == n_ll); // no sample: every synapse
        std::map<std::pair<index_t, index_t>, float> ll;
        for (const auto& e : r.initial_ll) ll[{e.source, e.target}] = e.weight;
        for (std::size_t k = 0; k < n_ll; ++k)
            CHECK(rows[k] == ll.at({sl.source_ids[k], sl.target_ids[k]}));
        const auto& hr = r.mb.weights[h30];
        REQUIRE(hr.size() == 7 * 4);
        const auto want = histogram(r.initial_ll, 4, -1.0, 1.0);
        for (std::size_t k = 0; k < 7; ++k)
            CHECK(std::vector<float>(hr.begin() + static_cast<long>(4 * k),
                                     hr.begin() + static_cast<long>(4 * k + 4)) == want);
    }
}

TEST_CASE("weight recorders: the same rows with 1 and 2 threads", "[learning_io]") {
    const Run one = run_plastic(1), two = run_plastic(2);
    REQUIRE(one.mb.layout.weight_reports.size() == two.mb.layout.weight_reports.size());
    for (std::size_t i = 0; i < one.mb.layout.weight_reports.size(); ++i) {
        INFO("report " << i);
        CHECK(one.mb.layout.weight_reports[i].source_ids ==
              two.mb.layout.weight_reports[i].source_ids);
        CHECK(one.mb.layout.weight_reports[i].target_ids ==
              two.mb.layout.weight_reports[i].target_ids);
        CHECK(one.mb.weight_times[i] == two.mb.weight_times[i]);
        CHECK(one.mb.weights[i] == two.mb.weights[i]);
    }
}

// ---------------------------------------------------------------------------------------------
// branching factor through a run

namespace {

// A chain S -> A -> B (weights far above threshold on the direct receptor, 1 ms delays): each
// spike of the source makes A fire one step later and B one step after A. In the liquid {A, B}
// A has no presynaptic neighbour (ratio descendants / max(0, 1) = 1: B's spike) and B no
// postsynaptic one (ratio 0), so every sample's mean over neurons is 0.5.
const char* kChain = R"(
[simulation]
duration = "300 ms"
dt = "1 ms"
[populations.S]
model = "spike_source_array"
size = 1
spike_times = ["40 ms", "60 ms", "140 ms", "150 ms", "160 ms", "110 ms", "190 ms", "240 ms"]
[populations.A]
model = "nalsm_lif"
size = 1
[populations.B]
model = "nalsm_lif"
size = 1
[projections.SA]
source = "S"
target = "A"
rule = "all_to_all"
weight = 100.0
receptor = "direct"
delay = "1 ms"
[projections.AB]
source = "A"
target = "B"
rule = "all_to_all"
weight = 100.0
receptor = "direct"
delay = "1 ms"
[recorders.spikes]
kind = "spikes"
[analysis]
branching_factor = { populations = ["A", "B"], sample_length = "100 ms", from = "100 ms" }
)";

// A run as `gliasim run` makes it: the liquid's spikes kept, the branching factor after.
struct BranchingRun {
    RunStats stats;
    std::optional<BranchingResult> branching;
};
BranchingRun run_branching(const NetworkSpec& spec) {
    Simulation sim(spec);
    keep_branching_spikes(sim);
    MemoryBackend mb;
    BranchingRun r;
    r.stats = sim.run(mb);
    r.branching = branching_of_run(sim, r.stats);
    return r;
}

} // namespace

TEST_CASE("branching factor: [analysis] sets the run's result, counted by hand on a chain",
          "[learning_io]") {
    const NetworkSpec spec = spec_of(kChain);
    REQUIRE(spec.branching.enabled);
    const BranchingRun r = run_branching(spec);
    // Every source spike gets through: A and B fire once per source spike.
    CHECK(r.stats.spikes[pop_index(spec, "A")] == 8);
    CHECK(r.stats.spikes[pop_index(spec, "B")] == 8);
    REQUIRE(r.branching.has_value());
    const BranchingResult& b = *r.branching;
    // Samples [100, 200) and [200, 300) ms; a reference spike needs both windows inside
    // [25, 75) of its sample, i.e. a step in [29, 71). A fires at the source time + 1 ms
    // (step = source time), B one step later. Counted: source spikes at 140, 150, 160 (sample 1;
    // 110 and 190 are too close to the sample's ends) and 240 (sample 2); 40 and 60 ms are
    // before `from`.
    CHECK(b.spikes_counted == 2 * 4);
    CHECK(b.ancestors == 4);   // B's spikes each have A's as ancestor
    CHECK(b.descendants == 4); // A's spikes each have B's as descendant
    CHECK(b.branching_factor == 0.5);
    CHECK(b.pooled == 0.5);
    REQUIRE(b.per_sample.size() == 2);
    CHECK(b.per_sample[0] == 0.5);
    CHECK(b.per_sample[1] == 0.5);
}

TEST_CASE("branching factor: no [analysis], no result, `from` beyond the run gives NaN",
          "[learning_io]") {
    {
        std::string text = kChain;
        text = text.substr(0, text.find("[analysis]"));
        const NetworkSpec spec = spec_of(text);
        CHECK_FALSE(spec.branching.enabled);
        const BranchingRun r = run_branching(spec);
        CHECK_FALSE(r.branching.has_value());
        CHECK(r.stats.spikes[pop_index(spec, "A")] == 8); // the same run otherwise
    }
    for (const char* from : {"300 ms", "400 ms"}) {
        INFO("from = " << from);
        const NetworkSpec spec =
            spec_of(kChain, {std::string("analysis.branching_factor.from=\"") + from + "\""});
        const BranchingRun r = run_branching(spec);
        REQUIRE(r.branching.has_value());
        const BranchingResult& b = *r.branching;
        CHECK(std::isnan(b.branching_factor));
        CHECK(std::isnan(b.pooled));
        CHECK(b.spikes_counted == 0);
        CHECK(b.ancestors == 0);
        CHECK(b.descendants == 0);
    }
}
