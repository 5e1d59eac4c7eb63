// SPDX-License-Identifier: MIT
// The AM-SU unit (models/amsu.cpp) against closed forms: the astrocyte variable's decay and
// geometric sums over known spike trains, the exact sub-threshold recurrence of each mode, the
// direction in which each mode moves the rate, domain semantics, and bit-identical results for
// any split of the population at domain boundaries (direct update() calls, and whole kernel runs,
// whose thread ranges must hold whole domains: grain() = domain_size).
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/recording.hpp"
#include "core/simulation.hpp"
#include "models/builtin.hpp"

using namespace gliasim;

namespace {

using Params = std::map<std::string, double>;

// Indices of the `mode` choices.
constexpr double kCurrent = 0, kThreshold = 1, kGain = 2;

const ModelInfo& info() {
    static const ModelInfo m = models::amsu_info();
    return m;
}

// A population with the defaults overridden by `params`; initial c (if given) is written before
// prepare(), as the network does.
std::unique_ptr<Population> make(index_t n, double dt, const Params& params = {}, double c0 = 0.0,
                                 std::size_t slots = 8) {
    PopulationSetup s;
    s.name = "units";
    s.size = n;
    s.dt = dt;
    s.params = info().default_params();
    for (const auto& [name, value] : params) {
        const auto idx = info().param_index(name);
        INFO("parameter " << name);
        REQUIRE(idx.has_value());
        s.params[*idx] = value;
    }
    REQUIRE_FALSE(info().check(s.params).has_value());
    auto pop = make_population(info(), s);
    auto c = pop->state(*info().state_index("c"));
    std::fill(c.begin(), c.end(), c0);
    pop->prepare();
    pop->allocate_ring(slots);
    return pop;
}

std::span<double> col(Population& pop, const std::string& var) {
    const auto idx = info().state_index(var);
    REQUIRE(idx.has_value());
    return pop.state(*idx);
}

// One step over the whole population; returns the indices that spiked.
std::vector<index_t> step(Population& pop, step_t n) {
    std::vector<Spike> spikes;
    pop.update(n, {0, pop.size()}, spikes);
    std::vector<index_t> ids;
    for (const Spike& s : spikes) {
        REQUIRE(s.step == n);
        ids.push_back(s.index);
    }
    return ids;
}

// Spikes of a single unit driven by constant I_e over `steps` steps.
std::vector<step_t> spike_steps(double mode, double k, double i_e, step_t steps) {
    auto pop = make(1, 1.0, {{"mode", mode}, {"k", k}, {"I_e", i_e}});
    std::vector<step_t> out;
    for (step_t n = 0; n < steps; ++n)
        if (!step(*pop, n).empty()) out.push_back(n);
    return out;
}

bool rel_close(double a, double b, double tol) {
    return std::abs(a - b) <= tol * std::max(std::abs(a), std::abs(b));
}

} // namespace

TEST_CASE("amsu: schema, mode names and domain_size checks", "[amsu]") {
    const ModelInfo& m = info();
    CHECK(m.name == "amsu");
    CHECK(is_neuron(m));
    CHECK(synaptic_input(m).receptors == std::vector<std::string>{"input"});
    CHECK(synaptic_input(m).weight_dim == Dim::dimensionless);
    CHECK(m.state_index("u") == 0u);
    CHECK(m.state_index("c") == 1u);
    CHECK(m.state_index("theta") == 2u);
    const auto mode = m.param_index("mode");
    REQUIRE(mode.has_value());
    CHECK(m.params[*mode].choices == std::vector<std::string>{"current", "threshold", "gain"});
    CHECK(m.params[*mode].value_text(m.params[*mode].default_value, Dim::dimensionless) ==
          "threshold");
    const auto tm = m.param_index("tau_m"), ta = m.param_index("tau_a");
    REQUIRE((tm && ta));
    CHECK(m.params[*tm].dim == Dim::time);
    CHECK(m.params[*tm].default_value == 20.0);
    CHECK(m.params[*ta].default_value == 500.0);
    CHECK(m.params[*m.param_index("k")].in_range(-3.0)); // any sign

    ParamValues p = m.default_params();
    p[*m.param_index("domain_size")] = 2.5;
    CHECK(m.check(p).has_value());
    CHECK_FALSE(m.params[*m.param_index("domain_size")].in_range(0.0));

    PopulationSetup s;
    s.name = "astro_units";
    s.size = 10;
    s.dt = 1.0;
    s.params = m.default_params();
    s.params[*m.param_index("domain_size")] = 3;
    try {
        (void)make_population(m, s);
        FAIL("size 10 with domain_size 3 was accepted");
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find("astro_units") != std::string::npos);
        CHECK(what.find("10") != std::string::npos);
        CHECK(what.find("domain_size 3") != std::string::npos);
    }
    s.params[*m.param_index("domain_size")] = 5;
    CHECK_NOTHROW(make_population(m, s));
}

TEST_CASE("amsu: without spikes c decays as alpha^n c0", "[amsu]") {
    const double dt = 0.1, tau_a = 500, c0 = 0.75;
    const double alpha = std::exp(-dt / tau_a);
    for (double mode : {kCurrent, kThreshold, kGain}) {
        INFO("mode " << mode);
        // theta0 out of reach: no spikes in any mode.
        auto pop = make(3, dt,
                        {{"mode", mode},
                         {"tau_a", tau_a},
                         {"theta0", 1e9},
                         {"domain_size", mode == kThreshold ? 3.0 : 1.0}},
                        c0);
        auto c = col(*pop, "c");
        for (step_t n = 0; n < 3000; ++n) {
            REQUIRE(step(*pop, n).empty());
            const double expect = std::pow(alpha, static_cast<double>(n + 1)) * c0;
            for (index_t i = 0; i < 3; ++i) REQUIRE(rel_close(c[i], expect, 1e-12));
        }
    }
}

TEST_CASE("amsu: c is the geometric sum of a known spike train", "[amsu]") {
    const double dt = 1.0, tau_a = 50, gamma = 0.05, c0 = 0.3;
    const double alpha = std::exp(-dt / tau_a);
    SECTION("driven to spike in every step") {
        // I = 5 >= theta at every step: s = 1 from step 0 on, and u = I after each reset.
        for (double gamma_in : {0.0, 0.01}) {
            INFO("gamma_in " << gamma_in);
            const double I = 5;
            auto pop = make(2, dt,
                            {{"I_e", I},
                             {"tau_a", tau_a},
                             {"gamma", gamma},
                             {"gamma_in", gamma_in},
                             {"k", 0.0}},
                            c0);
            auto c = col(*pop, "c");
            auto u = col(*pop, "u");
            for (step_t n = 0; n < 400; ++n) {
                REQUIRE(step(*pop, n).size() == 2);
                const double an = std::pow(alpha, static_cast<double>(n + 1));
                const double expect = an * c0 + (gamma + gamma_in * I) * (1 - an) / (1 - alpha);
                REQUIRE(rel_close(c[0], expect, 1e-12));
                REQUIRE(c[1] == c[0]);
                REQUIRE(u[0] == I);
            }
        }
    }
    SECTION("spikes placed by single strong inputs") {
        const std::vector<step_t> placed = {3, 4, 17, 40, 41, 42, 90};
        auto pop = make(1, dt, {{"tau_a", tau_a}, {"gamma", gamma}}, c0);
        auto c = col(*pop, "c");
        for (step_t n = 0; n < 150; ++n) {
            if (std::find(placed.begin(), placed.end(), n) != placed.end())
                pop->ring().add(0, n, 0, 10.0);
            const bool spiked = !step(*pop, n).empty();
            REQUIRE(spiked == (std::find(placed.begin(), placed.end(), n) != placed.end()));
            double expect = std::pow(alpha, static_cast<double>(n + 1)) * c0;
            for (step_t t : placed)
                if (t <= n) expect += gamma * std::pow(alpha, static_cast<double>(n - t));
            REQUIRE(rel_close(c[0], expect, 1e-12));
        }
    }
}

TEST_CASE("amsu: exact sub-threshold recurrence of each mode, with c of the previous step",
          "[amsu]") {
    // theta0 = 10 keeps all three modes below threshold for these steps.
    const double dt = 0.5, tau_m = 20, tau_a = 100, I = 0.02, k = 0.3, c0 = 0.5, th0 = 10;
    const double beta = std::exp(-dt / tau_m), alpha = std::exp(-dt / tau_a);
    for (double mode : {kCurrent, kThreshold, kGain}) {
        INFO("mode " << mode);
        auto pop = make(1, dt,
                        {{"mode", mode},
                         {"tau_m", tau_m},
                         {"tau_a", tau_a},
                         {"I_e", I},
                         {"k", k},
                         {"theta0", th0}},
                        c0);
        auto u = col(*pop, "u");
        auto theta = col(*pop, "theta");
        double u_prev = 0;
        for (step_t n = 0; n < 12; ++n) {
            const double c_prev = std::pow(alpha, static_cast<double>(n)) * c0; // c after n-1
            REQUIRE(step(*pop, n).empty());
            double expect = beta * u_prev + I, th = th0;
            if (mode == kCurrent) expect += k * c_prev;
            if (mode == kThreshold) th = th0 + k * c_prev;
            if (mode == kGain) expect = beta * u_prev + I * (1 + k * c_prev);
            REQUIRE(u[0] == Approx(expect).epsilon(1e-13));
            REQUIRE(theta[0] == Approx(th).epsilon(1e-13));
            u_prev = u[0];
        }
    }
    SECTION("closed form without modulation: u(n) = I (1 - beta^(n+1)) / (1 - beta)") {
        auto pop = make(1, dt, {{"tau_m", tau_m}, {"I_e", I}, {"k", 0.0}});
        auto u = col(*pop, "u");
        for (step_t n = 0; n < 100; ++n) {
            REQUIRE(step(*pop, n).empty());
            const double expect = I * (1 - std::pow(beta, static_cast<double>(n + 1))) / (1 - beta);
            REQUIRE(rel_close(u[0], expect, 1e-12));
        }
    }
}

TEST_CASE("amsu: the reset and the period under constant drive", "[amsu]") {
    // k = 0: period m = the first m with I (1 - beta^m) / (1 - beta) >= theta0; after a spike
    // the next step starts from 0 + I.
    const double I = 0.1, beta = std::exp(-1.0 / 20);
    int m = 1;
    while (I * (1 - std::pow(beta, m)) / (1 - beta) < 1.0) ++m;
    REQUIRE(m == 14);
    const auto spikes = spike_steps(kThreshold, 0.0, I, 1000);
    REQUIRE(spikes.size() > 10);
    CHECK(spikes.front() == m - 1);
    for (std::size_t j = 1; j < spikes.size(); ++j) REQUIRE(spikes[j] - spikes[j - 1] == m);
}

TEST_CASE("amsu: each mode moves the rate as its equation predicts", "[amsu]") {
    // dt = 1 ms, tau_m = 20 steps, tau_a = 500 steps, theta0 = 1, gamma = 0.05 (defaults).
    const double I = 0.1;
    const step_t steps = 5000; // 5 s
    auto rate = [&](double mode, double k) {
        return static_cast<double>(spike_steps(mode, k, I, steps).size()) * 1000.0 /
               static_cast<double>(steps); // Hz
    };
    const double base = rate(kThreshold, 0.0);
    CAPTURE(base);
    CHECK(base == Approx(1000.0 / 14).margin(0.5));
    for (double mode : {kCurrent, kThreshold, kGain}) CHECK(rate(mode, 0.0) == base);

    const double th_up = rate(kThreshold, 0.1), th_down = rate(kThreshold, -0.1);
    const double cur_up = rate(kCurrent, 0.02), cur_down = rate(kCurrent, -0.02);
    const double gain_up = rate(kGain, 0.1), gain_down = rate(kGain, -0.1);
    CAPTURE(th_up, th_down, cur_up, cur_down, gain_up, gain_down);
    CHECK(th_up < base * 0.9);   // homeostatic: activity raises the threshold
    CHECK(th_down > base * 1.1); // facilitating
    CHECK(cur_up > base * 1.1);  // inward current
    CHECK(cur_down < base * 0.9);
    CHECK(gain_up > base * 1.1);
    CHECK(gain_down < base * 0.9);
    CHECK(th_up > 0);
}

TEST_CASE("amsu: a domain shares one astrocyte, private astrocytes are independent", "[amsu]") {
    const double dt = 1.0, tau_a = 40, gamma = 0.05, gamma_in = 0.01, c0 = 0.2;
    const double alpha = std::exp(-dt / tau_a);
    // Inputs (step, unit, weight): strong ones make a spike, weak ones only feed gamma_in.
    struct In {
        step_t n;
        index_t i;
        double w;
    };
    const std::vector<In> inputs = {{2, 1, 5.0}, {2, 3, 5.0},  {5, 0, 0.3}, {9, 2, 5.0},
                                    {9, 5, 5.0}, {12, 7, 0.4}, {20, 3, 5.0}};
    SECTION("domain_size 4") {
        auto pop = make(8, dt,
                        {{"tau_a", tau_a},
                         {"gamma", gamma},
                         {"gamma_in", gamma_in},
                         {"domain_size", 4},
                         {"k", 0.0}},
                        c0);
        auto c = col(*pop, "c");
        std::array<double, 2> ref = {c0, c0};
        for (step_t n = 0; n < 40; ++n) {
            std::array<double, 2> count{}, input{};
            for (const In& x : inputs)
                if (x.n == n) {
                    pop->ring().add(0, n, x.i, x.w);
                    input[x.i / 4] += x.w;
                    if (x.w >= 1) count[x.i / 4] += 1;
                }
            const auto ids = step(*pop, n);
            std::size_t expected_spikes = 0;
            for (const In& x : inputs) expected_spikes += x.n == n && x.w >= 1;
            REQUIRE(ids.size() == expected_spikes);
            for (int d = 0; d < 2; ++d) {
                ref[d] = alpha * ref[d] + gamma * count[d] + gamma_in * input[d];
                for (index_t j = 0; j < 4; ++j) {
                    INFO("step " << n << " unit " << d * 4 + j);
                    REQUIRE(c[d * 4 + j] == c[d * 4]); // one value per domain
                    REQUIRE(c[d * 4 + j] == Approx(ref[d]).epsilon(1e-13));
                }
            }
        }
    }
    SECTION("private astrocytes") {
        auto pop = make(
            8, dt, {{"tau_a", tau_a}, {"gamma", gamma}, {"gamma_in", gamma_in}, {"k", 0.2}}, c0);
        // A single unit given the same inputs as unit 3 evolves exactly as unit 3 does.
        auto alone = make(
            1, dt, {{"tau_a", tau_a}, {"gamma", gamma}, {"gamma_in", gamma_in}, {"k", 0.2}}, c0);
        auto c = col(*pop, "c");
        auto u = col(*pop, "u");
        std::array<double, 8> ref;
        ref.fill(c0);
        for (step_t n = 0; n < 40; ++n) {
            std::array<double, 8> count{}, input{};
            for (const In& x : inputs)
                if (x.n == n) {
                    pop->ring().add(0, n, x.i, x.w);
                    if (x.i == 3) alone->ring().add(0, n, 0, x.w);
                    input[x.i] += x.w;
                    if (x.w >= 1) count[x.i] += 1;
                }
            step(*pop, n);
            step(*alone, n);
            for (index_t i = 0; i < 8; ++i) {
                ref[i] = alpha * ref[i] + gamma * count[i] + gamma_in * input[i];
                INFO("step " << n << " unit " << i);
                REQUIRE(c[i] == Approx(ref[i]).epsilon(1e-13));
            }
            REQUIRE(c[3] == col(*alone, "c")[0]);
            REQUIRE(u[3] == col(*alone, "u")[0]);
            REQUIRE(c[4] == c[6]); // no input to either
        }
    }
}

TEST_CASE("amsu: grain() is the domain size, a range that cuts a domain is refused", "[amsu]") {
    auto priv = make(6, 1.0);
    CHECK(priv->grain() == 1);
    auto pop = make(12, 1.0, {{"domain_size", 4}});
    CHECK(pop->grain() == 4);
    std::vector<Spike> spikes;
    CHECK_NOTHROW(pop->update(0, {4, 12}, spikes));
    CHECK_NOTHROW(pop->update(1, {8, 8}, spikes)); // empty
    for (IndexRange r : {IndexRange{0, 6}, IndexRange{2, 8}, IndexRange{5, 12}}) {
        INFO("range [" << r.begin << ", " << r.end << ")");
        try {
            pop->update(2, r, spikes);
            FAIL("a range that cuts a domain was accepted");
        } catch (const std::logic_error& e) {
            const std::string what = e.what();
            INFO(what);
            CHECK(what.find("units") != std::string::npos);
            CHECK(what.find("grain()") != std::string::npos);
        }
    }
}

namespace {

// Runs `steps` steps of a domain population with random input, its index range split at domain
// boundaries into `parts` ranges, and returns every step's u and c and the spikes in canonical
// order. The parts run concurrently (one std::thread each, as the kernel's threads) or one after
// another, each over all steps: a part never needs another part's units.
struct Trace {
    std::vector<double> u, c;
    std::vector<std::pair<step_t, index_t>> spikes;
};

Trace run_split(const std::vector<IndexRange>& parts, double mode, bool concurrent) {
    const index_t n = 30;
    const step_t steps = 300;
    auto pop = make(n, 0.5,
                    {{"mode", mode},
                     {"domain_size", 5},
                     {"gamma_in", 0.003},
                     {"k", mode == kThreshold ? 0.4 : 0.05},
                     {"tau_a", 30},
                     {"I_e", 0.01}},
                    0.1, static_cast<std::size_t>(steps));
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> w(-0.1, 0.45);
    for (step_t s = 0; s < steps; ++s)
        for (index_t i = 0; i < n; ++i) pop->ring().add(0, s, i, w(rng));
    Trace t;
    t.u.assign(static_cast<std::size_t>(steps) * n, 0.0);
    t.c.assign(static_cast<std::size_t>(steps) * n, 0.0);
    std::vector<std::vector<Spike>> spikes(parts.size());
    auto u = col(*pop, "u");
    auto c = col(*pop, "c");
    auto body = [&](std::size_t p) {
        const IndexRange r = parts[p];
        for (step_t s = 0; s < steps; ++s) {
            pop->update(s, r, spikes[p]);
            // Each part samples its own units only, as the kernel's recorders do.
            for (index_t i = r.begin; i < r.end; ++i) {
                t.u[static_cast<std::size_t>(s) * n + i] = u[i];
                t.c[static_cast<std::size_t>(s) * n + i] = c[i];
            }
        }
    };
    if (concurrent) {
        std::vector<std::thread> threads;
        for (std::size_t p = 0; p < parts.size(); ++p) threads.emplace_back(body, p);
        for (auto& th : threads) th.join();
    } else {
        for (std::size_t p = parts.size(); p-- > 0;) body(p); // last part first
    }
    for (const auto& l : spikes)
        for (const Spike& s : l) t.spikes.emplace_back(s.step, s.index);
    std::sort(t.spikes.begin(), t.spikes.end());
    return t;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

} // namespace

TEST_CASE("amsu: domains give the same results for any split at domain boundaries", "[amsu]") {
    for (double mode : {kCurrent, kThreshold, kGain}) {
        INFO("mode " << mode);
        const Trace one = run_split({{0, 30}}, mode, false);
        REQUIRE(one.spikes.size() > 100);
        REQUIRE(one.spikes.size() < 30 * 300 / 2);
        // Domains of 5: halves, thirds, uneven parts, an empty part, and one domain per part.
        std::vector<std::vector<IndexRange>> splits = {{{0, 15}, {15, 30}},
                                                       {{0, 10}, {10, 20}, {20, 30}},
                                                       {{0, 5}, {5, 25}, {25, 30}},
                                                       {{0, 10}, {10, 15}, {15, 15}, {15, 30}}};
        std::vector<IndexRange> singles;
        for (index_t b = 0; b < 30; b += 5) singles.push_back({b, b + 5});
        splits.push_back(singles);
        for (const auto& split : splits)
            for (bool concurrent : {true, false}) {
                INFO("parts " << split.size() << ", first cut at " << split[0].end
                              << (concurrent ? ", concurrent" : ", one after another"));
                const Trace many = run_split(split, mode, concurrent);
                CHECK(many.spikes == one.spikes);
                CHECK(bitwise_equal(many.u, one.u));
                CHECK(bitwise_equal(many.c, one.c));
            }
    }
}

TEST_CASE("amsu: kernel runs are bit-identical for 1, 2, 3 and 7 threads", "[amsu]") {
    // 60 units in domains of 12: near-equal ranges for 2 (30) and 3 (20, 40) threads would cut
    // domains; the kernel aligns them to grain() = 12 instead (7 threads: some ranges are
    // empty). Input from a Poisson source population, a per-step Poisson stimulus and
    // recurrent connections; delays of 2 steps, so slices hold several steps.
    const auto registry = models::builtin_registry();
    auto build = [&](int threads) {
        NetworkSpec spec;
        spec.dt = 0.5;
        spec.duration = 300;
        spec.seed = 11;
        spec.threads = threads;
        PopulationSpec src;
        src.name = "src";
        src.model = registry.find("poisson_source");
        src.size = 40;
        src.params = src.model->default_params();
        src.params[0] = 40.0; // Hz
        PopulationSpec units;
        units.name = "units";
        units.model = registry.find("amsu");
        units.size = 60;
        units.params = units.model->default_params();
        const ModelInfo& m = *units.model;
        units.params[*m.param_index("domain_size")] = 12;
        units.params[*m.param_index("mode")] = kThreshold;
        units.params[*m.param_index("k")] = 0.5;
        units.params[*m.param_index("gamma_in")] = 0.002;
        units.params[*m.param_index("tau_a")] = 50;
        spec.populations = {src, units};
        ProjectionSpec in;
        in.name = "in";
        in.source = 0;
        in.target = 1;
        in.rule.kind = ConnectionRule::Kind::bernoulli;
        in.rule.p = 0.2;
        in.weight = ValueSpec{ValueSpec::Kind::uniform, Dim::dimensionless, 0.1, 0.4};
        in.delay = ValueSpec::constant(1.0, Dim::time);
        ProjectionSpec rec = in;
        rec.name = "rec";
        rec.source = 1;
        rec.rule.p = 0.1;
        rec.weight = ValueSpec{ValueSpec::Kind::normal, Dim::dimensionless, 0.0, 0.15};
        rec.delay = ValueSpec::constant(1.5, Dim::time);
        spec.projections = {in, rec};
        StimulusSpec noise;
        noise.name = "noise";
        noise.model = registry.find("poisson_generator");
        noise.target = 1;
        noise.params = noise.model->default_params();
        noise.params[0] = 100.0; // Hz
        noise.weight = 0.2;
        spec.stimuli = {noise};
        SpikeRecorderSpec sr;
        sr.name = "spikes";
        sr.populations = {1};
        spec.spike_recorders = {sr};
        StateRecorderSpec st;
        st.name = "state";
        st.population = 1;
        st.variables = {0, 1, 2};
        for (index_t i = 0; i < 60; ++i) st.ids.push_back(i);
        st.interval = 0.5;
        spec.state_recorders = {st};
        return spec;
    };
    auto run = [&](int threads) {
        MemoryBackend mb;
        Simulation sim(build(threads));
        // The threads' ranges of the amsu population tile [0, 60) at multiples of 12.
        const Network& net = sim.network();
        REQUIRE(net.threads() == static_cast<std::size_t>(threads));
        index_t next = 0;
        for (std::size_t t = 0; t < net.threads(); ++t) {
            const IndexRange r = net.range(1, t);
            INFO(threads << " threads, range " << t << " = [" << r.begin << ", " << r.end << ")");
            CHECK(r.begin == next);
            CHECK(r.begin % 12 == 0);
            CHECK(r.end % 12 == 0);
            next = r.end;
        }
        CHECK(next == 60);
        sim.run(mb);
        return mb;
    };
    const MemoryBackend one = run(1);
    REQUIRE(one.spikes.size() == 2);
    const auto& sp = one.spikes[1];
    const double rate = static_cast<double>(sp.times.size()) / 60 / 0.3;
    CAPTURE(rate);
    CHECK(rate > 2);
    CHECK(rate < 500);
    REQUIRE(one.reports.size() == 3);
    REQUIRE(one.reports[1].size() == 600u * 60u);
    // c is one value per domain and grows with activity.
    const auto& c = one.reports[1];
    CHECK(*std::max_element(c.begin(), c.end()) > 0.01f);
    for (std::size_t row = 0; row < 600; ++row)
        for (index_t i = 0; i < 60; ++i) REQUIRE(c[row * 60 + i] == c[row * 60 + i / 12 * 12]);
    for (int threads : {2, 3, 7}) {
        INFO(threads << " threads");
        const MemoryBackend many = run(threads);
        REQUIRE(many.spikes.size() == 2);
        CHECK(many.spikes[1].times == sp.times);
        CHECK(many.spikes[1].ids == sp.ids);
        REQUIRE(many.reports.size() == 3);
        for (std::size_t r = 0; r < 3; ++r) {
            INFO("report " << r);
            REQUIRE(many.reports[r].size() == one.reports[r].size());
            CHECK(std::memcmp(many.reports[r].data(), one.reports[r].data(),
                              one.reports[r].size() * sizeof(float)) == 0);
        }
    }
}
