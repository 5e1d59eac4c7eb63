// SPDX-License-Identifier: MIT
// The experiment-file features of reservoir learning (NALSM) over a run, through
// parse_experiment and whole runs: weight recorders against the network's own weights, and the
// branching-factor analysis of a hand-countable chain. Positions and the distance rule:
// test_placement.cpp; per-sample resets: test_resets.cpp.

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

} // namespace

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
