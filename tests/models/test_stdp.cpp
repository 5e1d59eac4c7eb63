// SPDX-License-Identifier: MIT
// Pair-based STDP (models/stdp.cpp): the weight change of one spike pair against the analytic
// window A exp(-|dt|/tau), pairing schemes, soft and hard bounds, the modulator, and
// determinism of whole plastic networks across thread counts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "core/network.hpp"
#include "core/projection.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "models/builtin.hpp"
#include "test_support.hpp"

using namespace gliasim;

namespace {

constexpr double kDt = 0.1;

struct Pair {
    ModelInfo info = models::stdp_info();
    ParamValues params = info.default_params();
    std::vector<double> modulator;

    void set(const char* name, double v) { params[*info.param_index(name)] = v; }

    // One synapse 0 -> 0 of weight w0; feeds the given spikes as one slice and returns the
    // weight afterwards.
    double run(double w0, const std::vector<Spike>& pre, const std::vector<Spike>& post) {
        ProjectionSetup s;
        s.name = "p";
        s.n_source = 1;
        s.n_target = 1;
        s.rule.kind = ConnectionRule::Kind::one_to_one;
        s.weight = ValueSpec::constant(w0, Dim::current);
        s.delay = ValueSpec::constant(1.0, Dim::time);
        s.dt = kDt;
        const IndexRange all{0, 1};
        Projection proj(s, std::span(&all, 1));
        TransmissionSetup ts{params, 1, kDt, false, 1, 1, modulator};
        auto tr = make_transmission(info, ts);
        tr->bind(proj, nullptr);
        InputRing ring(1, 4096, 1);
        std::vector<double> factor;
        tr->on_spikes(pre, factor);
        tr->deliver({proj, pre, post, 0, all, ring, 0, 4096});
        return proj.weights(0)[0];
    }
};

// The stored weight is a float: the expected value is the exact change rounded like it.
float expected(double w, double change, double lo = -1e300, double hi = 1e300) {
    return static_cast<float>(
        std::clamp(static_cast<double>(static_cast<float>(w)) + change, lo, hi));
}

} // namespace

TEST_CASE("STDP window: one pair changes the weight by A exp(-|dt|/tau)", "[stdp]") {
    Pair p;
    p.set("A_plus", 0.01);
    p.set("A_minus", 0.012);
    p.set("tau_plus", 16.8);
    p.set("tau_minus", 33.7);
    p.set("w_max", 10.0);
    const double w0 = 0.5;
    for (step_t k = -400; k <= 400; k += 7) {
        const step_t t_pre = 500, t_post = 500 + k;
        const double dt = static_cast<double>(k) * kDt;
        const double got = p.run(w0, {{t_pre, 0}}, {{t_post, 0}});
        const double change = k >= 0 ? 0.01 * std::exp(-static_cast<double>(k) * kDt / 16.8)
                                     : -0.012 * std::exp(-static_cast<double>(-k) * kDt / 33.7);
        INFO("dt = " << dt << " ms");
        CHECK(got == expected(w0, change));
    }
}

TEST_CASE("STDP pairing: all-to-all sums every earlier spike, nearest only the latest", "[stdp]") {
    Pair p;
    p.set("A_plus", 0.01);
    p.set("A_minus", 0.0);
    p.set("tau_plus", 20.0);
    p.set("w_max", 10.0);
    const std::vector<Spike> pre = {{100, 0}, {150, 0}};
    const std::vector<Spike> post = {{200, 0}};
    const double near = 0.01 * std::exp(-50 * kDt / 20.0);
    const double far = 0.01 * std::exp(-100 * kDt / 20.0);
    CHECK(p.run(1.0, pre, post) == expected(1.0, near + far));
    p.set("pairing", 1); // nearest
    CHECK(p.run(1.0, pre, post) == expected(1.0, near));

    // Depression: a presynaptic spike after two postsynaptic ones.
    Pair d;
    d.set("A_plus", 0.0);
    d.set("A_minus", 0.02);
    d.set("tau_minus", 10.0);
    d.set("w_max", 10.0);
    const std::vector<Spike> post2 = {{100, 0}, {130, 0}};
    const std::vector<Spike> pre2 = {{160, 0}};
    const double dn = 0.02 * std::exp(-30 * kDt / 10.0), df = 0.02 * std::exp(-60 * kDt / 10.0);
    CHECK(d.run(1.0, pre2, post2) == expected(1.0, -(dn + df)));
    d.set("pairing", 1);
    CHECK(d.run(1.0, pre2, post2) == expected(1.0, -dn));
}

TEST_CASE("STDP at dt = 0 potentiates (the presynaptic spike is taken first)", "[stdp]") {
    Pair p;
    p.set("A_plus", 0.01);
    p.set("A_minus", 0.02);
    p.set("w_max", 10.0);
    CHECK(p.run(1.0, {{300, 0}}, {{300, 0}}) == expected(1.0, 0.01));
}

TEST_CASE("STDP bounds: additive clips, multiplicative approaches the bound softly", "[stdp]") {
    Pair p;
    p.set("A_plus", 0.3);
    p.set("A_minus", 0.3);
    p.set("w_min", 0.2);
    p.set("w_max", 1.0);
    std::vector<Spike> pre, post;
    for (step_t k = 0; k < 20; ++k) {
        pre.push_back({k * 100, 0});
        post.push_back({k * 100 + 1, 0});
    }
    CHECK(p.run(0.5, pre, post) == 1.0f); // potentiation-dominated: clipped at w_max
    // Anti-causal pairs: clipped at w_min.
    std::vector<Spike> pre_late;
    for (const auto& s : post) pre_late.push_back({s.step + 1, 0});
    CHECK(p.run(0.5, pre_late, pre) == 0.2f);

    // Multiplicative: one causal pair moves w by A x (w_max - w) / (w_max - w_min).
    p.set("weight_dependence", 1);
    const double x = std::exp(-10 * kDt / 20.0);
    CHECK(p.run(0.6, {{100, 0}}, {{110, 0}}) ==
          expected(0.6, 0.3 * x * (1.0 - static_cast<double>(0.6f)) / 0.8));
    CHECK(p.run(0.6, {{110, 0}}, {{100, 0}}) ==
          expected(0.6, -0.3 * x * (static_cast<double>(0.6f) - 0.2) / 0.8));
    // Many causal pairs never cross w_max.
    const double w = p.run(0.5, pre, post);
    CHECK(w < 1.0);
    CHECK(w > 0.9);
}

TEST_CASE("STDP modulator scales the depression (NALSM: the astrocyte is the rate)", "[stdp]") {
    Pair p;
    p.set("A_plus", 0.01);
    p.set("A_minus", 1.0);
    p.set("w_max", 10.0);
    p.modulator = {0.15};
    const double y = std::exp(-40 * kDt / 20.0);
    CHECK(p.run(2.0, {{140, 0}}, {{100, 0}}) == expected(2.0, -0.15 * y));
    // Potentiation is not modulated unless asked to be.
    const double x = std::exp(-40 * kDt / 20.0);
    CHECK(p.run(2.0, {{100, 0}}, {{140, 0}}) == expected(2.0, 0.01 * x));
    p.set("modulates", 2); // both
    CHECK(p.run(2.0, {{100, 0}}, {{140, 0}}) == expected(2.0, 0.15 * 0.01 * x));
}

namespace {

const char* kPlasticNet = R"(
[simulation]
duration = "400 ms"
dt = "0.1 ms"
seed = 7
[populations.input]
model = "poisson_source"
size = 200
rate = "40 Hz"
[populations.E]
model = "lif_curr_exp"
size = 120
[projections.in]
source = "input"
target = "E"
rule = "bernoulli"
p = 0.2
weight = "500 pA"
delay = "1.5 ms"
synapse = "stdp"
A_plus = "20 pA"
A_minus = "22 pA"
w_max = "1000 pA"
[projections.rec]
source = "E"
target = "E"
rule = "bernoulli"
p = 0.1
weight = "20 pA"
delay = { distribution = "uniform", low = "1 ms", high = "3 ms" }
synapse = "stdp"
pairing = "nearest"
weight_dependence = "multiplicative"
A_plus = "1 pA"
A_minus = "1 pA"
w_max = "50 pA"
[recorders.spikes]
kind = "spikes"
populations = ["E"]
)";

struct PlasticRun {
    std::vector<double> times;
    std::vector<std::uint64_t> ids;
    std::vector<Projection::Edge> rec, in;
};

PlasticRun run_plastic(int threads) {
    auto spec = parse_experiment(kPlasticNet, "stdp.toml", {}, gliasim::test::registry()).network;
    spec.threads = threads;
    Simulation sim(spec);
    MemoryBackend mb;
    sim.run(mb);
    PlasticRun r;
    r.times = mb.spikes[1].times;
    r.ids = mb.spikes[1].ids;
    r.in = sim.network().projections()[0].edges();
    r.rec = sim.network().projections()[1].edges();
    auto key = [](const Projection::Edge& a, const Projection::Edge& b) {
        return std::tie(a.source, a.target, a.delay, a.weight) <
               std::tie(b.source, b.target, b.delay, b.weight);
    };
    std::sort(r.in.begin(), r.in.end(), key);
    std::sort(r.rec.begin(), r.rec.end(), key);
    return r;
}

} // namespace

TEST_CASE("plastic networks give identical spikes and weights with 1, 2 and 3 threads",
          "[stdp][integration]") {
    const auto one = run_plastic(1);
    REQUIRE(one.times.size() > 100);
    // The weights did move, within their bounds.
    std::size_t moved = 0;
    for (const auto& e : one.rec) {
        CHECK(e.weight >= 0.0f);
        CHECK(e.weight <= 50.0f);
        if (e.weight != 20.0f) ++moved;
    }
    CHECK(moved > one.rec.size() / 2);
    for (int t : {2, 3}) {
        const auto other = run_plastic(t);
        CHECK(other.times == one.times);
        CHECK(other.ids == one.ids);
        REQUIRE(other.rec.size() == one.rec.size());
        bool same = true;
        for (std::size_t k = 0; k < one.rec.size(); ++k)
            same = same && other.rec[k].weight == one.rec[k].weight;
        for (std::size_t k = 0; k < one.in.size(); ++k)
            same = same && other.in[k].weight == one.in[k].weight;
        CHECK(same);
    }
}
