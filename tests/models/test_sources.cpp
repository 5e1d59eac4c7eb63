// SPDX-License-Identifier: MIT
// Spike sources and stimuli (models/poisson_source.cpp, spike_source_array.cpp, dc_source.cpp,
// poisson_generator.cpp). Statistical checks use fixed seeds and five-sigma bounds.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "models/builtin.hpp"
#include "models/spike_times.hpp"

using namespace gliasim;

namespace {

std::unique_ptr<Population> poisson_source(index_t n, double rate, std::uint64_t seed = 7,
                                           std::uint32_t id = 2, double dt = 0.1) {
    const auto info = models::poisson_source_info();
    PopulationSetup s;
    s.name = "poisson";
    s.id = id;
    s.size = n;
    s.params = info.default_params();
    s.params[*info.param_index("rate")] = rate;
    s.dt = dt;
    s.seed = seed;
    auto pop = make_population(info, s);
    pop->allocate_ring(1);
    return pop;
}

std::unique_ptr<Population> spike_array(index_t n, std::vector<std::vector<double>> times,
                                        double dt = 0.1) {
    const auto info = models::spike_source_array_info();
    PopulationSetup s;
    s.name = "array";
    s.size = n;
    s.params = info.default_params();
    s.dt = dt;
    s.inputs.set(kSpikeTimesInput, std::move(times));
    auto pop = make_population(info, s);
    pop->allocate_ring(1);
    return pop;
}

std::unique_ptr<Population> lif(index_t n, std::size_t slots = 4, double dt = 0.1) {
    const auto info = models::lif_curr_exp_info();
    PopulationSetup s;
    s.name = "lif";
    s.size = n;
    s.params = info.default_params();
    s.dt = dt;
    auto pop = make_population(info, s);
    pop->allocate_ring(slots);
    return pop;
}

std::unique_ptr<Stimulus> poisson_generator(double rate, double weight, std::size_t receptor,
                                            double dt = 0.1, std::uint32_t id = 4,
                                            std::uint64_t seed = 21) {
    const auto info = models::poisson_generator_info();
    StimulusSetup s;
    s.name = "pg";
    s.id = id;
    s.params = info.default_params();
    s.params[*info.param_index("rate")] = rate;
    s.dt = dt;
    s.seed = seed;
    s.receptor = receptor;
    s.weight = weight;
    return make_stimulus(info, s);
}

std::vector<Spike> run_source(Population& pop, step_t steps,
                              const std::vector<index_t>& splits = {}) {
    std::vector<Spike> out;
    for (step_t s = 0; s < steps; ++s) {
        index_t begin = 0;
        for (index_t k : splits) {
            pop.update(s, {begin, k}, out);
            begin = k;
        }
        pop.update(s, {begin, pop.size()}, out);
    }
    return out;
}

bool same_spikes(const std::vector<Spike>& a, const std::vector<Spike>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].step != b[i].step || a[i].index != b[i].index) return false;
    return true;
}

std::vector<index_t> iota(index_t begin, index_t end) {
    std::vector<index_t> v(end - begin);
    std::iota(v.begin(), v.end(), begin);
    return v;
}

// Applies `gen` for one step to `targets` and returns (and clears) what arrived on `receptor`.
std::vector<double> inject(Stimulus& gen, Population& pop, step_t step,
                           const std::vector<std::vector<index_t>>& target_lists,
                           std::size_t receptor) {
    for (const auto& t : target_lists) gen.apply_step(step, t, pop);
    double* slot = pop.ring().slot(receptor, step);
    std::vector<double> v(slot, slot + pop.size());
    std::fill(slot, slot + pop.size(), 0.0);
    return v;
}

double poisson_pmf(double lambda, int k) {
    return std::exp(k * std::log(lambda) - lambda - std::lgamma(k + 1.0));
}

} // namespace

// ---------------------------------------------------------------------------------------------
// poisson_source

TEST_CASE("poisson_source: spike count matches rate * duration", "[sources][stats]") {
    const index_t n = 1000;
    const step_t steps = 5000; // 500 ms
    const double rate = 20.0;
    auto pop = poisson_source(n, rate);
    const auto spikes = run_source(*pop, steps);

    // At most one spike per source and step; spikes in (step, index) order.
    for (std::size_t k = 1; k < spikes.size(); ++k) {
        const auto& a = spikes[k - 1];
        const auto& b = spikes[k];
        REQUIRE((a.step < b.step || (a.step == b.step && a.index < b.index)));
    }
    // Each (source, step) is a Bernoulli trial with p = 1 - exp(-rate dt).
    const double p = -std::expm1(-rate * 0.1e-3);
    const double trials = static_cast<double>(n) * steps;
    const double count = static_cast<double>(spikes.size());
    CHECK(std::abs(count - trials * p) < 5 * std::sqrt(trials * p * (1 - p)));
    // The expected count is rate * duration up to O(rate dt) = 0.2 %.
    CHECK(count / (n * 0.5) == Approx(rate).epsilon(0.03));

    // Per-source counts are Binomial(steps, p): the normalised sum of squares is ~chi2(n).
    std::vector<double> per(n, 0.0);
    for (const auto& s : spikes) per[s.index] += 1;
    const double m = steps * p, v = steps * p * (1 - p);
    double chi2 = 0;
    for (double c : per) chi2 += (c - m) * (c - m) / v;
    CHECK(std::abs(chi2 - n) < 5 * std::sqrt(2.0 * n) * 1.1);

    // Counts per step are Binomial(n, p) too (no correlation across sources).
    std::vector<double> per_step(steps, 0.0);
    for (const auto& s : spikes) per_step[static_cast<std::size_t>(s.step)] += 1;
    const double ms = n * p, vs = n * p * (1 - p);
    chi2 = 0;
    for (double c : per_step) chi2 += (c - ms) * (c - ms) / vs;
    CHECK(std::abs(chi2 - steps) < 5 * std::sqrt(2.0 * steps) * 1.2);
}

TEST_CASE("poisson_source: per-source rates from the state column", "[sources][stats]") {
    const index_t n = 800;
    auto pop = poisson_source(n, 10.0);
    auto rate = pop->state(0);
    REQUIRE(rate.size() == n);
    for (double r : rate) CHECK(r == 10.0);
    for (index_t i = 0; i < n; ++i) rate[i] = i % 2 ? 100.0 : 0.0;
    const step_t steps = 2000;
    const auto spikes = run_source(*pop, steps);
    double odd = 0;
    for (const auto& s : spikes) {
        REQUIRE(s.index % 2 == 1); // rate 0: silent
        odd += 1;
    }
    const double p = -std::expm1(-100.0 * 1e-4), trials = n / 2.0 * steps;
    CHECK(std::abs(odd - trials * p) < 5 * std::sqrt(trials * p * (1 - p)));
}

TEST_CASE("poisson_source: the highest rate fires in nearly every step", "[sources][stats]") {
    auto pop = poisson_source(200, 1e5); // p = 1 - exp(-10)
    const step_t steps = 500;
    const auto spikes = run_source(*pop, steps);
    const double p = -std::expm1(-10.0), trials = 200.0 * steps;
    CHECK(std::abs(static_cast<double>(spikes.size()) - trials * p) <
          5 * std::sqrt(trials * p * (1 - p)) + 1);
    CHECK(spikes.size() <= static_cast<std::size_t>(trials));
}

TEST_CASE("poisson_source: same spikes whatever the split of the index range", "[sources]") {
    const index_t n = 1001;
    auto reference = run_source(*poisson_source(n, 50.0), 400);
    REQUIRE(reference.size() > 1000);
    for (const auto& splits :
         std::vector<std::vector<index_t>>{{1}, {13}, {500}, {998}, {3, 4, 5, 6, 333, 1000}}) {
        auto split = run_source(*poisson_source(n, 50.0), 400, splits);
        // Spikes come in range order within a step; order them canonically to compare.
        std::stable_sort(split.begin(), split.end(), [](const Spike& a, const Spike& b) {
            return a.step < b.step || (a.step == b.step && a.index < b.index);
        });
        CHECK(same_spikes(split, reference));
    }
    // Seed and population id select independent streams.
    CHECK_FALSE(same_spikes(run_source(*poisson_source(n, 50.0, 8), 400), reference));
    CHECK_FALSE(same_spikes(run_source(*poisson_source(n, 50.0, 7, 3), 400), reference));
    // The same source population run twice gives the same spikes.
    CHECK(same_spikes(run_source(*poisson_source(n, 50.0), 400), reference));
}

// ---------------------------------------------------------------------------------------------
// spike_source_array

TEST_CASE("spike_source_array: spikes in the step that ends at each listed time", "[sources]") {
    // dt = 0.1: t = 0.3 (0.3 / 0.1 = 2.9999999999999996) -> step 2, 0.7 -> 6, 1.0 -> 9,
    // 2.5 -> 24 (listed twice: two spikes), 10.0 -> 99. Input order does not matter.
    auto pop = spike_array(4, {{1.0, 2.5, 0.3, 2.5}, {}, {0.7, 10.0}, {12.04}});
    const auto counts = pop->state(0);
    CHECK(std::vector<double>(counts.begin(), counts.end()) == std::vector<double>{4, 0, 2, 1});
    const auto spikes = run_source(*pop, 200);
    std::vector<std::vector<step_t>> per(4);
    for (const auto& s : spikes) per[s.index].push_back(s.step);
    CHECK(per[0] == std::vector<step_t>{2, 9, 24, 24});
    CHECK(per[1].empty());
    CHECK(per[2] == std::vector<step_t>{6, 99});
    CHECK(per[3] == std::vector<step_t>{119}); // 12.04 ms: nearest step end is 12.0 ms
    // Recorded at (step + 1) dt, the listed time to within half a step.
    const std::vector<std::vector<double>> listed = {
        {0.3, 1.0, 2.5, 2.5}, {}, {0.7, 10.0}, {12.04}};
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t k = 0; k < per[i].size(); ++k)
            CHECK(std::abs((per[i][k] + 1) * 0.1 - listed[i][k]) <= 0.05 + 1e-12);
}

TEST_CASE("spike_source_array: one shared list drives every entity", "[sources]") {
    auto pop = spike_array(5, {{0.5, 1.5, 3.0}});
    const auto spikes = run_source(*pop, 100, {2});
    REQUIRE(spikes.size() == 15);
    for (index_t i = 0; i < 5; ++i) {
        std::vector<step_t> st;
        for (const auto& s : spikes)
            if (s.index == i) st.push_back(s.step);
        CHECK(st == std::vector<step_t>{4, 14, 29});
    }
    for (double c : pop->state(0)) CHECK(c == 3.0);
}

TEST_CASE("spike_source_array: entities without a list and times before the start", "[sources]") {
    // Two lists for three entities: the third has none.
    auto pop = spike_array(3, {{0.2}, {0.4}});
    auto spikes = run_source(*pop, 20);
    REQUIRE(spikes.size() == 2);
    CHECK((spikes[0].index == 0 && spikes[0].step == 1));
    CHECK((spikes[1].index == 1 && spikes[1].step == 3));

    // A time of 0 (step -1) is never emitted; starting late skips earlier times.
    auto late = spike_array(1, {{0.0, 0.5, 1.0, 2.0}});
    std::vector<Spike> out;
    for (step_t s = 7; s < 30; ++s) late->update(s, {0, 1}, out);
    REQUIRE(out.size() == 2);
    CHECK(out[0].step == 9);
    CHECK(out[1].step == 19);
}

TEST_CASE("spike_source_array: spike times at a coarser resolution", "[sources]") {
    auto pop = spike_array(1, {{1.0, 2.0, 2.5, 7.0}}, 0.5);
    const auto spikes = run_source(*pop, 20);
    std::vector<step_t> st;
    for (const auto& s : spikes) st.push_back(s.step);
    CHECK(st == std::vector<step_t>{1, 3, 4, 13});
}

// ---------------------------------------------------------------------------------------------
// dc_source

TEST_CASE("dc_source adds its amplitude to the currents of its targets", "[sources]") {
    const auto info = models::dc_source_info();
    StimulusSetup s;
    s.params = info.default_params();
    s.params[*info.param_index("amplitude")] = 150.0;
    auto dc = make_stimulus(info, s);
    CHECK_FALSE(dc->acts_every_step());
    s.params[0] = -40.0;
    auto dc2 = make_stimulus(info, s);

    std::vector<double> current(6, 1.0);
    const std::vector<index_t> t1 = {1, 3, 4}, t2 = {0, 3};
    dc->add_current(t1, current);
    dc2->add_current(t2, current);
    CHECK(current == std::vector<double>{-39.0, 151.0, 1.0, 111.0, 151.0, 1.0});

    // A dc_source into lif_curr_exp: V = E_L + R A (1 - exp(-t / tau_m)).
    auto pop = lif(4);
    std::vector<index_t> targets = {0, 2};
    dc->add_current(targets, pop->stim_current());
    const auto V = pop->state(0);
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 500; ++n) {
        pop->update(n, {0, 4}, spikes);
        const double expected = -70.0 + 0.04 * 150.0 * -std::expm1(-(n + 1) * 0.1 / 10.0);
        REQUIRE(V[0] == Approx(expected).epsilon(1e-12));
        REQUIRE(V[2] == Approx(expected).epsilon(1e-12));
        REQUIRE(V[1] == -70.0);
        REQUIRE(V[3] == -70.0);
    }
    // apply_step of a current device does nothing.
    dc->apply_step(0, targets, *pop);
    for (index_t i = 0; i < 4; ++i) CHECK(pop->ring().slot(0, 0)[i] == 0.0);
}

// ---------------------------------------------------------------------------------------------
// poisson_generator

TEST_CASE("poisson_generator injects Poisson(rate dt) spikes of its weight", "[sources][stats]") {
    const index_t n = 1000;
    const step_t steps = 1000;
    const double rate = 8000.0, weight = 0.5; // lambda = 0.8 per step
    const double lambda = rate * 0.1e-3;
    auto gen = poisson_generator(rate, weight, 1);
    CHECK(gen->acts_every_step());
    auto pop = lif(n);
    const auto all = iota(0, n);
    std::vector<double> hist(40, 0.0);
    double sum = 0, sum2 = 0;
    for (step_t s = 0; s < steps; ++s) {
        const auto v = inject(*gen, *pop, s, {all}, 1);
        for (double x : v) {
            const double k = x / weight;
            REQUIRE(k == std::round(k)); // whole spikes of the given weight
            REQUIRE(k < 40);
            hist[static_cast<std::size_t>(k)] += 1;
            sum += k;
            sum2 += k * k;
        }
        for (index_t i = 0; i < n; ++i)
            REQUIRE(pop->ring().slot(0, s)[i] == 0.0); // receptor 1 only
    }
    const double N = static_cast<double>(n) * steps;
    const double mean = sum / N, var = sum2 / N - mean * mean;
    CHECK(std::abs(mean - lambda) < 5 * std::sqrt(lambda / N));
    CHECK(std::abs(var - lambda) < 5 * std::sqrt((lambda + 2 * lambda * lambda) / N));
    // Mean input per step is rate * dt * weight.
    CHECK(mean * weight == Approx(rate * 0.1e-3 * weight).epsilon(0.01));

    // Chi-square of the count histogram against the Poisson pmf (tail pooled).
    double chi2 = 0, tail_o = N, tail_e = N;
    int df = 0;
    for (int k = 0; k < 40; ++k) {
        const double e = N * poisson_pmf(lambda, k);
        if (e < 20) break;
        chi2 += (hist[k] - e) * (hist[k] - e) / e;
        tail_o -= hist[k];
        tail_e -= e;
        ++df;
    }
    chi2 += (tail_o - tail_e) * (tail_o - tail_e) / tail_e;
    CHECK(chi2 < df + 5 * std::sqrt(2.0 * df));
}

TEST_CASE("poisson_generator: small and large means", "[sources][stats]") {
    const index_t n = 1000;
    auto pop = lif(n);
    const auto all = iota(0, n);
    for (double rate : {10.0, 1e5, 1e6}) {
        const double lambda = rate * 0.1e-3;
        INFO("rate " << rate << " Hz, lambda " << lambda);
        auto gen = poisson_generator(rate, 1.0, 0);
        const step_t steps = 400;
        double sum = 0, sum2 = 0;
        for (step_t s = 0; s < steps; ++s)
            for (double k : inject(*gen, *pop, s, {all}, 0)) {
                sum += k;
                sum2 += k * k;
            }
        const double N = static_cast<double>(n) * steps;
        const double mean = sum / N, var = sum2 / N - mean * mean;
        CHECK(std::abs(mean - lambda) < 5 * std::sqrt(lambda / N));
        CHECK(std::abs(var - lambda) < 5 * std::sqrt((lambda + 2 * lambda * lambda) / N));
    }
}

TEST_CASE("poisson_generator: rates up to the parameter maximum (1e7 Hz)", "[sources][stats]") {
    // lambda = 1e7 Hz * 0.1 ms = 1000 per step. exp(-lambda) underflows to 0 above ~745, so the
    // cumulative table never reaches 1 and every count comes out as its length (4096).
    const index_t n = 256;
    auto pop = lif(n);
    const auto all = iota(0, n);
    auto gen = poisson_generator(1e7, 1.0, 0);
    const double lambda = 1000.0;
    double sum = 0;
    const step_t steps = 20;
    for (step_t s = 0; s < steps; ++s)
        for (double k : inject(*gen, *pop, s, {all}, 0)) sum += k;
    const double N = static_cast<double>(n) * steps;
    CHECK(std::abs(sum / N - lambda) < 5 * std::sqrt(lambda / N));
}

TEST_CASE("poisson_generator: the same input whatever the split of the targets", "[sources]") {
    const index_t n = 700; // more than one batch of 64 Philox blocks (256 targets)
    auto pop = lif(n);
    auto gen = poisson_generator(20000.0, 1.0, 0);
    const auto all = iota(0, n);
    std::vector<index_t> even, odd;
    for (index_t i = 0; i < n; ++i) (i % 2 ? odd : even).push_back(i);
    const std::vector<std::vector<std::vector<index_t>>> splits = {
        {iota(0, 1), iota(1, n)},
        {iota(0, 13), iota(13, 257), iota(257, 699), iota(699, n)},
        {even, odd},                       // not contiguous: the per-target path
        {iota(0, 350), odd, iota(350, n)}, // odd targets twice
    };
    double total = 0;
    for (step_t s = 0; s < 50; ++s) {
        const auto reference = inject(*gen, *pop, s, {all}, 0);
        for (double x : reference) total += x;
        for (std::size_t k = 0; k < splits.size(); ++k) {
            INFO("split " << k << ", step " << s);
            const auto v = inject(*gen, *pop, s, splits[k], 0);
            for (index_t i = 0; i < n; ++i) {
                const double want = k == 3 && i % 2 ? 2 * reference[i] : reference[i];
                REQUIRE(v[i] == want);
            }
        }
    }
    CHECK(total > 0);
    // Another generator id or seed gives other numbers.
    auto other = poisson_generator(20000.0, 1.0, 0, 0.1, 5);
    auto third = poisson_generator(20000.0, 1.0, 0, 0.1, 4, 22);
    const auto a = inject(*gen, *pop, 3, {all}, 0);
    CHECK(inject(*other, *pop, 3, {all}, 0) != a);
    CHECK(inject(*third, *pop, 3, {all}, 0) != a);
    CHECK(inject(*gen, *pop, 3, {all}, 0) == a);
}
