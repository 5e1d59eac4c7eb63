// SPDX-License-Identifier: MIT
// Branching factor (analysis/branching_factor.hpp): hand-computed cases for the windows, the
// clipped denominator, the exclusions, samples and the averaging order; a brute-force
// reference written the way NALSM's script loops; a closed-form expectation for independent
// spiking; and the liquid graph of a built network.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <utility>
#include <vector>

#include "analysis/branching_factor.hpp"
#include "core/network.hpp"
#include "models/builtin.hpp"

using namespace gliasim;

namespace {

using Pairs = std::vector<std::pair<index_t, index_t>>;

// Spikes as the simulator records them: a spike of step n at (n + 1) * dt.
struct Spikes {
    double dt = 1.0;
    std::vector<double> times;
    std::vector<index_t> ids;
    void add(index_t id, std::int64_t step) {
        times.push_back(static_cast<double>(step + 1) * dt);
        ids.push_back(id);
    }
};

BranchingOptions no_exclusion() {
    BranchingOptions o;
    o.exclude_start = 0;
    o.exclude_end = 0;
    return o;
}

BranchingResult bf(const LiquidGraph& g, const Spikes& s, double duration,
                   const BranchingOptions& o = {}) {
    return branching_factor(g, s.times, s.ids, duration, s.dt, o);
}

std::vector<index_t> as_vector(std::span<const index_t> s) {
    return {s.begin(), s.end()};
}

// NALSM's procedure, written as plainly as possible (dt = 1 ms, default windows): per sample,
// keep the spikes in [25, L - 25), take every spike at t in [29, L - 29) as reference, count the
// neighbours' spikes in [t - 4, t) and [t + 1, t + 5) on a dense raster, then mean per neuron,
// nan-mean over neurons, nan-mean over samples.
struct Brute {
    double bf = std::nan("");
    double pooled = std::nan("");
    std::uint64_t refs = 0;
};
Brute brute_force(index_t n, const Pairs& edges, const Spikes& s, int sample_len, int samples) {
    std::vector<std::vector<char>> conn(n, std::vector<char>(n, 0)); // conn[source][target]
    for (const auto& [a, b] : edges) conn[a][b] = 1;
    Brute out;
    double sample_sum = 0, pooled_sum = 0;
    int samples_used = 0;
    for (int k = 0; k < samples; ++k) {
        std::vector<std::vector<char>> raster(n, std::vector<char>(sample_len, 0));
        for (std::size_t x = 0; x < s.times.size(); ++x) {
            const long step = std::lround(s.times[x]) - 1 - static_cast<long>(k) * sample_len;
            if (step >= 25 && step < sample_len - 25) raster[s.ids[x]][step] = 1;
        }
        double neuron_sum = 0;
        int neurons_used = 0;
        for (index_t i = 0; i < n; ++i) {
            double sum = 0;
            int count = 0;
            for (int t = 29; t < sample_len - 29; ++t) {
                if (!raster[i][t]) continue;
                int anc = 0, desc = 0;
                for (index_t j = 0; j < n; ++j) {
                    for (int u = t - 4; u < t; ++u) anc += conn[j][i] && raster[j][u];
                    for (int u = t + 1; u < t + 5; ++u) desc += conn[i][j] && raster[j][u];
                }
                const double ratio = static_cast<double>(desc) / std::max(anc, 1);
                sum += ratio;
                pooled_sum += ratio;
                ++count;
            }
            out.refs += static_cast<std::uint64_t>(count);
            if (count > 0) {
                neuron_sum += sum / count;
                ++neurons_used;
            }
        }
        if (neurons_used > 0) {
            sample_sum += neuron_sum / neurons_used;
            ++samples_used;
        }
    }
    if (samples_used > 0) out.bf = sample_sum / samples_used;
    if (out.refs > 0) out.pooled = pooled_sum / static_cast<double>(out.refs);
    return out;
}

} // namespace

TEST_CASE("branching: liquid graph lists are sorted and unique", "[branching]") {
    const Pairs edges{{0, 1}, {0, 2}, {0, 1}, {2, 0}, {0, 1}, {1, 1}};
    const LiquidGraph g = make_liquid_graph(4, edges);
    REQUIRE(g.size() == 4);
    CHECK(as_vector(g.postsynaptic(0)) == std::vector<index_t>{1, 2});
    CHECK(as_vector(g.postsynaptic(1)) == std::vector<index_t>{1});
    CHECK(as_vector(g.postsynaptic(2)) == std::vector<index_t>{0});
    CHECK(g.postsynaptic(3).empty());
    CHECK(as_vector(g.presynaptic(0)) == std::vector<index_t>{2});
    CHECK(as_vector(g.presynaptic(1)) == std::vector<index_t>{0, 1});
    CHECK(as_vector(g.presynaptic(2)) == std::vector<index_t>{0});
    CHECK(g.presynaptic(3).empty());
    CHECK_THROWS_AS(make_liquid_graph(2, Pairs{{0, 2}}), std::invalid_argument);
}

TEST_CASE("branching: chain a -> b -> c with spikes 2 ms apart", "[branching]") {
    const LiquidGraph g = make_liquid_graph(3, Pairs{{0, 1}, {1, 2}});
    Spikes s;
    s.add(0, 20);
    s.add(1, 22);
    s.add(2, 24);
    // a: no ancestors (denominator 1), descendant b -> 1; b: a before, c after -> 1;
    // c: b before, nothing after -> 0. Neuron means 1, 1, 0.
    const auto r = bf(g, s, 100, no_exclusion());
    CHECK(r.spikes_counted == 3);
    CHECK(r.ancestors == 2);
    CHECK(r.descendants == 2);
    CHECK(r.branching_factor == Approx(2.0 / 3.0));
    CHECK(r.pooled == Approx(2.0 / 3.0));
    REQUIRE(r.per_sample.size() == 1);
    CHECK(r.per_sample[0] == Approx(2.0 / 3.0));
}

TEST_CASE("branching: two postsynaptic partners firing 2 ms later give 2", "[branching]") {
    // The partners fire at step 71, outside the reference range [29, 71) of a 100 ms run, so
    // the only reference spike is the sender's at step 69; its window [70, 74) sees both.
    const LiquidGraph g = make_liquid_graph(3, Pairs{{0, 1}, {0, 2}});
    Spikes s;
    s.add(0, 69);
    s.add(1, 71);
    s.add(2, 71);
    const auto r = bf(g, s, 100);
    CHECK(r.spikes_counted == 1);
    CHECK(r.descendants == 2);
    CHECK(r.ancestors == 0);
    CHECK(r.branching_factor == 2.0);
    CHECK(r.pooled == 2.0);
}

TEST_CASE("branching: clipped denominator and mean-of-means averaging", "[branching]") {
    // 0 -> 2, 1 -> 2, 2 -> 3.
    const LiquidGraph g = make_liquid_graph(4, Pairs{{0, 2}, {1, 2}, {2, 3}});
    Spikes s;
    s.add(0, 40); // descendant 2@43 in [41, 45), no ancestors: 1/1
    s.add(1, 41); // descendant 2@43 in [42, 46): 1/1
    s.add(2, 43); // ancestors 0@40, 1@41 in [39, 43); descendants 3@45, 3@46 in [44, 48): 2/2
    s.add(3, 45); // ancestor 2@43 in [41, 45), no descendants: 0
    s.add(3, 46); // ancestor 2@43 in [42, 46): 0
    const auto r = bf(g, s, 100);
    CHECK(r.spikes_counted == 5);
    CHECK(r.ancestors == 4);
    CHECK(r.descendants == 4);
    // Neuron means 1, 1, 1, 0 -> 0.75; pooled over the five spikes 3/5.
    CHECK(r.branching_factor == Approx(0.75));
    CHECK(r.pooled == Approx(0.6));
}

TEST_CASE("branching: window edges in whole steps", "[branching]") {
    // 2 -> 0 -> 1; reference spike of 0 at step 50 (or 500 with dt = 0.1 ms).
    const LiquidGraph g = make_liquid_graph(3, Pairs{{0, 1}, {2, 0}});
    SECTION("dt = 1 ms") {
        const int d = GENERATE(-1, 0, 1, 2, 4, 5, 6);
        INFO("offset " << d << " ms");
        Spikes desc;
        desc.add(0, 50);
        desc.add(1, 50 + d);
        CHECK(bf(g, desc, 100).descendants == (d >= 1 && d <= 4 ? 1u : 0u));
        Spikes anc;
        anc.add(0, 50);
        anc.add(2, 50 - d);
        CHECK(bf(g, anc, 100).ancestors == (d >= 1 && d <= 4 ? 1u : 0u));
    }
    SECTION("dt = 0.1 ms: times like 50.1 are not exact in binary") {
        const int d = GENERATE(-1, 0, 1, 9, 10, 11, 39, 40, 41, 49, 50, 51);
        INFO("offset " << d << " steps");
        Spikes desc;
        desc.dt = 0.1;
        desc.add(0, 500);
        desc.add(1, 500 + d);
        CHECK(bf(g, desc, 100).descendants == (d >= 10 && d < 50 ? 1u : 0u));
        Spikes anc;
        anc.dt = 0.1;
        anc.add(0, 500);
        anc.add(2, 500 - d);
        CHECK(bf(g, anc, 100).ancestors == (d >= 1 && d <= 40 ? 1u : 0u));
    }
}

TEST_CASE("branching: the first and last 25 ms are excluded", "[branching]") {
    const LiquidGraph g = make_liquid_graph(3, Pairs{{0, 1}, {2, 0}});
    SECTION("reference spikes lie in [25 + 4, L - 25 - 4)") {
        const int t = GENERATE(0, 24, 25, 28, 29, 50, 70, 71, 75, 99);
        Spikes s;
        s.add(0, t);
        const auto r = bf(g, s, 100);
        CHECK(r.spikes_counted == (t >= 29 && t < 71 ? 1u : 0u));
        if (r.spikes_counted == 0)
            CHECK(std::isnan(r.branching_factor));
        else
            CHECK(r.branching_factor == 0.0);
    }
    SECTION("windows reach to the edges of the kept interval") {
        Spikes s;
        s.add(2, 25); // ancestor of 0@29: window [25, 29)
        s.add(0, 29);
        s.add(0, 70);
        s.add(1, 74); // descendant of 0@70: window [71, 75)
        const auto r = bf(g, s, 100);
        // References: 0@29 (1 ancestor, 0 descendants), 0@70 (0 ancestors, 1 descendant).
        CHECK(r.spikes_counted == 2);
        CHECK(r.ancestors == 1);
        CHECK(r.descendants == 1);
        CHECK(r.branching_factor == Approx(0.5));
    }
    SECTION("custom exclusions") {
        BranchingOptions o;
        o.exclude_start = 10;
        o.exclude_end = 5;
        // References in [10 + 4, 100 - 5 - 5 + 1) = [14, 91).
        const int t = GENERATE(13, 14, 90, 91);
        Spikes s;
        s.add(0, t);
        CHECK(bf(g, s, 100, o).spikes_counted == (t >= 14 && t < 91 ? 1u : 0u));
    }
}

TEST_CASE("branching: samples are averaged separately and windows stay inside them",
          "[branching]") {
    const LiquidGraph g = make_liquid_graph(3, Pairs{{0, 1}, {0, 2}});
    SECTION("per-sample means, nan-mean over samples") {
        BranchingOptions o;
        o.sample_length = 100;
        Spikes s;
        s.add(0, 69); // sample 0: ratio 2 (partners at 71 are not references)
        s.add(1, 71);
        s.add(2, 71);
        s.add(0, 140); // sample 1: ratio 0
        s.add(0, 160); // ratio 1 (1@162); neuron 0's mean 0.5
        s.add(1, 162); // ancestor 0@160, no descendants: 0
        const auto r = bf(g, s, 300, o);
        REQUIRE(r.per_sample.size() == 3);
        CHECK(r.per_sample[0] == Approx(2.0));
        CHECK(r.per_sample[1] == Approx(0.25));
        CHECK(std::isnan(r.per_sample[2]));
        CHECK(r.branching_factor == Approx((2.0 + 0.25) / 2));
        CHECK(r.pooled == Approx(3.0 / 4));
        CHECK(r.spikes_counted == 4);
    }
    SECTION("no window crosses a sample boundary") {
        Spikes s;
        s.add(0, 97);  // local 97 of sample 0
        s.add(1, 101); // local 1 of sample 1
        BranchingOptions o = no_exclusion();
        const auto whole = bf(g, s, 300, o);
        CHECK(whole.spikes_counted == 2);
        CHECK(whole.branching_factor == Approx(0.5)); // 0: 1/1, 1: 0/1
        o.sample_length = 100;
        // Per sample, references lie in [4, 96): neither spike is one.
        const auto split = bf(g, s, 300, o);
        CHECK(split.spikes_counted == 0);
        CHECK(std::isnan(split.branching_factor));
        CHECK(std::isnan(split.pooled));
    }
}

TEST_CASE("branching: duplicate synapses and duplicate spike records count once", "[branching]") {
    const LiquidGraph g = make_liquid_graph(2, Pairs{{0, 1}, {0, 1}, {0, 1}});
    Spikes s;
    s.add(0, 50);
    s.add(0, 50);
    s.add(1, 52);
    const auto r = bf(g, s, 100);
    CHECK(r.spikes_counted == 2);
    CHECK(r.descendants == 1);
    CHECK(r.ancestors == 1);
    CHECK(r.branching_factor == Approx(0.5));
}

TEST_CASE("branching: bad input is rejected", "[branching]") {
    const LiquidGraph g = make_liquid_graph(2, Pairs{{0, 1}});
    Spikes s;
    s.add(0, 50);
    CHECK_NOTHROW(bf(g, s, 100));
    SECTION("id outside the liquid") {
        s.add(2, 50);
        CHECK_THROWS_AS(bf(g, s, 100), std::invalid_argument);
    }
    SECTION("time outside the run") {
        s.add(1, 100);
        CHECK_THROWS_AS(bf(g, s, 100), std::invalid_argument);
        s.times.back() = 0.0;
        CHECK_THROWS_AS(bf(g, s, 100), std::invalid_argument);
    }
    SECTION("mismatched spans") {
        s.ids.push_back(1);
        CHECK_THROWS_AS(bf(g, s, 100), std::invalid_argument);
    }
    SECTION("options not in whole steps or samples") {
        BranchingOptions o;
        o.ancestor_window = 4.5;
        CHECK_THROWS_AS(bf(g, s, 100, o), std::invalid_argument);
        o = {};
        o.sample_length = 30;
        CHECK_THROWS_AS(bf(g, s, 100, o), std::invalid_argument);
        o = {};
        o.descendant_end = 0.5;
        CHECK_THROWS_AS(bf(g, s, 100, o), std::invalid_argument);
        CHECK_THROWS_AS(branching_factor(g, s.times, s.ids, 100, 0.0), std::invalid_argument);
    }
}

TEST_CASE("branching: agrees with a brute-force NALSM-style computation", "[branching]") {
    const index_t n = 60;
    const int sample_len = 250, samples = 4;
    std::mt19937_64 rng(20240611);
    std::uniform_real_distribution<double> u(0, 1);
    // Random graph with repeated pairs and autapses.
    Pairs edges;
    for (index_t a = 0; a < n; ++a)
        for (index_t b = 0; b < n; ++b) {
            if (u(rng) < 0.08) edges.emplace_back(a, b);
            if (u(rng) < 0.02) edges.emplace_back(a, b);
        }
    const LiquidGraph g = make_liquid_graph(n, edges);
    // Per-neuron rates up to 0.15 per ms, a fifth of the neurons silent, sample 2 silent.
    std::vector<double> rate(n);
    for (auto& r : rate) r = u(rng) < 0.2 ? 0.0 : 0.15 * u(rng);
    Spikes s;
    for (int k = 0; k < samples; ++k)
        for (int t = 0; t < sample_len; ++t)
            for (index_t i = 0; i < n; ++i)
                if (k != 2 && u(rng) < rate[i]) s.add(i, k * sample_len + t);
    BranchingOptions o;
    o.sample_length = sample_len;
    const auto r = bf(g, s, sample_len * samples, o);
    const Brute b = brute_force(n, edges, s, sample_len, samples);
    REQUIRE(b.refs > 1000);
    CHECK(r.spikes_counted == b.refs);
    CHECK(r.branching_factor == Approx(b.bf).epsilon(1e-12));
    CHECK(r.pooled == Approx(b.pooled).epsilon(1e-12));
    REQUIRE(r.per_sample.size() == 4);
    CHECK(std::isnan(r.per_sample[2]));
    // The order of the records does not matter.
    std::vector<std::size_t> perm(s.times.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    Spikes shuffled;
    for (const std::size_t x : perm) {
        shuffled.times.push_back(s.times[x]);
        shuffled.ids.push_back(s.ids[x]);
    }
    const auto r2 = bf(g, shuffled, sample_len * samples, o);
    CHECK(r2.branching_factor == r.branching_factor);
    CHECK(r2.spikes_counted == r.spikes_counted);
}

TEST_CASE("branching: independent spiking matches the closed-form expectation", "[branching]") {
    // Ring graph: i -> i+1 .. i+k (mod n), so every neuron has k pre and k post partners and no
    // autapse. Each neuron spikes in each 0.5 ms step with probability q, independently. The
    // windows span 8 steps each, so descendants ~ Binomial(8k, q) and ancestors ~
    // Binomial(8k, q), independent (disjoint times) and independent of the reference spike:
    // E[ratio] = 8kq * E[1 / max(A, 1)].
    const index_t n = 400;
    const int k = 4;
    const double q = 0.03, dt = 0.5, duration = 2000;
    Pairs edges;
    for (index_t i = 0; i < n; ++i)
        for (int d = 1; d <= k; ++d) edges.emplace_back(i, (i + static_cast<index_t>(d)) % n);
    const LiquidGraph g = make_liquid_graph(n, edges);
    std::mt19937_64 rng(777);
    std::bernoulli_distribution fire(q);
    Spikes s;
    s.dt = dt;
    const auto steps = static_cast<std::int64_t>(duration / dt);
    for (std::int64_t t = 0; t < steps; ++t)
        for (index_t i = 0; i < n; ++i)
            if (fire(rng)) s.add(i, t);

    const int m = 8 * k;
    double inv = 0, pa = std::pow(1 - q, m); // P(A = 0)
    for (int a = 0; a <= m; ++a) {
        inv += pa / std::max(a, 1);
        pa *= static_cast<double>(m - a) / (a + 1) * q / (1 - q);
    }
    const double expected = m * q * inv;

    BranchingOptions o;
    o.sample_length = 500;
    const auto r = bf(g, s, duration, o);
    REQUIRE(r.spikes_counted > 40000);
    INFO("expected " << expected << ", bf " << r.branching_factor << ", pooled " << r.pooled);
    const double per_spike = static_cast<double>(r.spikes_counted);
    CHECK(static_cast<double>(r.descendants) / per_spike == Approx(m * q).epsilon(0.03));
    CHECK(static_cast<double>(r.ancestors) / per_spike == Approx(m * q).epsilon(0.03));
    CHECK(r.pooled == Approx(expected).epsilon(0.03));
    CHECK(r.branching_factor == Approx(expected).epsilon(0.03));
}

TEST_CASE("branching: the liquid graph of a built network", "[branching]") {
    const auto registry = models::builtin_registry();
    NetworkSpec spec;
    spec.threads = 2;
    spec.seed = 3;
    auto population = [&](const char* name, const char* model, index_t size) {
        PopulationSpec p;
        p.name = name;
        p.model = registry.find(model);
        p.size = size;
        p.params = p.model->default_params();
        return p;
    };
    spec.populations = {population("in", "poisson_source", 2), population("A", "lif_curr_exp", 3),
                        population("B", "lif_curr_exp", 2)};
    auto projection = [](const char* name, std::uint32_t src, std::uint32_t tgt,
                         ConnectionRule::Kind kind) {
        ProjectionSpec pj;
        pj.name = name;
        pj.source = src;
        pj.target = tgt;
        pj.rule.kind = kind;
        pj.weight = ValueSpec::constant(10.0, Dim::current);
        pj.delay = ValueSpec::constant(1.0, Dim::time);
        return pj;
    };
    using K = ConnectionRule::Kind;
    auto aa = projection("A_A", 1, 1, K::all_to_all);
    aa.rule.allow_autapses = false;
    spec.projections = {
        projection("in_A", 0, 1, K::all_to_all), projection("A_B", 1, 2, K::all_to_all),
        projection("B_A", 2, 1, K::one_to_one), aa, projection("A_B_again", 1, 2, K::one_to_one)};
    const Network net(spec);

    using V = std::vector<index_t>;
    SECTION("A then B: A is 0..2, B is 3..4") {
        const std::vector<std::uint32_t> pops{1, 2};
        const LiquidGraph g = liquid_graph(net, pops);
        REQUIRE(g.size() == 5);
        CHECK(g.population_offsets == V{0, 3, 5});
        CHECK(as_vector(g.postsynaptic(0)) == V{1, 2, 3, 4});
        CHECK(as_vector(g.postsynaptic(1)) == V{0, 2, 3, 4});
        CHECK(as_vector(g.postsynaptic(2)) == V{0, 1, 3, 4});
        CHECK(as_vector(g.postsynaptic(3)) == V{0});
        CHECK(as_vector(g.postsynaptic(4)) == V{1});
        CHECK(as_vector(g.presynaptic(0)) == V{1, 2, 3});
        CHECK(as_vector(g.presynaptic(1)) == V{0, 2, 4});
        CHECK(as_vector(g.presynaptic(2)) == V{0, 1});
        CHECK(as_vector(g.presynaptic(3)) == V{0, 1, 2});
        CHECK(as_vector(g.presynaptic(4)) == V{0, 1, 2});
    }
    SECTION("B then A: B is 0..1, A is 2..4") {
        const std::vector<std::uint32_t> pops{2, 1};
        const LiquidGraph g = liquid_graph(net, pops);
        REQUIRE(g.size() == 5);
        CHECK(g.population_offsets == V{0, 2, 5});
        CHECK(as_vector(g.postsynaptic(0)) == V{2});
        CHECK(as_vector(g.postsynaptic(1)) == V{3});
        CHECK(as_vector(g.postsynaptic(2)) == V{0, 1, 3, 4});
        CHECK(as_vector(g.presynaptic(0)) == V{2, 3, 4});
        CHECK(as_vector(g.presynaptic(2)) == V{0, 3, 4});
        CHECK(as_vector(g.presynaptic(4)) == V{2, 3});
    }
    SECTION("A alone: only A -> A") {
        const std::vector<std::uint32_t> pops{1};
        const LiquidGraph g = liquid_graph(net, pops);
        REQUIRE(g.size() == 3);
        CHECK(as_vector(g.postsynaptic(0)) == V{1, 2});
        CHECK(as_vector(g.presynaptic(2)) == V{0, 1});
    }
    SECTION("unknown or repeated populations") {
        const std::vector<std::uint32_t> twice{1, 1}, unknown{7};
        CHECK_THROWS_AS(liquid_graph(net, twice), std::invalid_argument);
        CHECK_THROWS_AS(liquid_graph(net, unknown), std::invalid_argument);
    }
}
