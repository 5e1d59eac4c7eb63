// Exact timing in whole runs: a dc_source switching on and off at its steps, a zero-length
// stimulus, a spike arriving one delay later, and the statistics of poisson_generator input
// (shot noise mean and variance, per-target draws). Split from test_integration.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "models/builtin.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::report_index;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

// Value of report `r` at sample row `row`, column `col`.
float sample(const MemoryBackend& mb, std::size_t r, std::size_t row, std::size_t col) {
    const std::size_t n = mb.layout.reports[r].ids.size();
    return mb.reports[r].at(row * n + col);
}

} // namespace

TEST_CASE("dc_source switches on and off at its exact steps", "[integration]") {
    // 500 pA into R = tau_m / C_m = 0.04 GOhm: a 20 mV plateau; the threshold is out of reach.
    const std::string text = R"(
[simulation]
duration = "40 ms"
[populations.n]
model = "lif_curr_exp"
size = 3
E_L = "-70 mV"
C_m = "250 pF"
tau_m = "10 ms"
V_th = "100 mV"
[stimuli.dc]
model = "dc_source"
target = "n"
ids = [0, 2]
amplitude = "500 pA"
start = "10.3 ms"
stop = "25.7 ms"
[recorders.every_step]
kind = "state"
population = "n"
variables = ["V_m"]
interval = "0.1 ms"
[recorders.coarse]
kind = "state"
population = "n"
variables = ["V_m"]
ids = [2]
interval = "0.5 ms"
)";
    const double E_L = -70, R = 10.0 / 250.0, I = 500, tau = 10, dt = 0.1;
    const int on = 103, off = 257; // steps
    auto expected = [&](int steps_done) {
        // State after `steps_done` steps, at t = steps_done * dt.
        if (steps_done <= on) return E_L;
        if (steps_done <= off) return E_L + R * I * (1 - std::exp(-(steps_done - on) * dt / tau));
        const double v_off = E_L + R * I * (1 - std::exp(-(off - on) * dt / tau));
        return E_L + (v_off - E_L) * std::exp(-(steps_done - off) * dt / tau);
    };
    for (const int threads : {1, 2, 4}) {
        INFO(threads << " threads");
        const NetworkSpec spec = spec_of(text, {"simulation.threads=" + std::to_string(threads)});
        const Result r = run(spec);
        const std::size_t fine = report_index(r.mb, "n", "V_m");
        REQUIRE(r.mb.layout.reports[fine].samples == 400);
        REQUIRE(r.mb.reports[fine].size() == 400 * 3);
        for (int k = 0; k < 400; ++k) {
            INFO("sample " << k << " at t = " << (k + 1) * dt << " ms");
            const double want = expected(k + 1);
            CHECK(sample(r.mb, fine, k, 0) == Approx(want).epsilon(0).margin(2e-5));
            CHECK(sample(r.mb, fine, k, 2) == Approx(want).epsilon(0).margin(2e-5));
            CHECK(sample(r.mb, fine, k, 1) == static_cast<float>(E_L)); // not a target
        }
        // Onset and offset to the step: exactly E_L at t_on, above it one step later; the
        // maximum is at t_off and it falls from the next step on.
        CHECK(sample(r.mb, fine, on - 1, 0) == -70.0f);
        CHECK(sample(r.mb, fine, on, 0) > -70.0f);
        CHECK(sample(r.mb, fine, off - 1, 0) > sample(r.mb, fine, off - 2, 0));
        CHECK(sample(r.mb, fine, off, 0) < sample(r.mb, fine, off - 1, 0));
        // The coarse recorder's sample k is the state at (k+1) * 0.5 ms.
        const std::size_t coarse = 1;
        REQUIRE(r.mb.layout.reports[coarse].ids == std::vector<index_t>{2});
        REQUIRE(r.mb.reports[coarse].size() == 80);
        for (int k = 0; k < 80; ++k)
            CHECK(r.mb.reports[coarse][k] == sample(r.mb, fine, 5 * k + 4, 2));
    }

    // In double precision (the state itself, not the float recording), to 1e-9 relative.
    for (const int steps : {50, 103, 104, 105, 110, 150, 200, 256, 257, 258, 300, 400}) {
        INFO("after " << steps << " steps");
        NetworkSpec spec = spec_of(text);
        spec.duration = steps * dt;
        spec.state_recorders.clear();
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        REQUIRE(sim.total_steps() == steps);
        const auto v = sim.network().populations()[0]->state(0);
        const double want = expected(steps);
        const double scale = std::max(1e-300, std::abs(want - E_L));
        CHECK(std::abs(v[0] - want) <= 1e-9 * scale + (want == E_L ? 0.0 : 1e-300));
        CHECK(std::abs(v[2] - want) <= 1e-9 * scale + (want == E_L ? 0.0 : 1e-300));
        CHECK(v[1] == E_L);
    }
}

TEST_CASE("a zero-length stimulus (start == stop) does nothing", "[integration]") {
    const NetworkSpec spec = spec_of(R"(
[simulation]
duration = "30 ms"
[populations.n]
model = "lif_curr_exp"
size = 1
V_th = "100 mV"
[stimuli.dc]
model = "dc_source"
target = "n"
amplitude = "500 pA"
start = "10 ms"
stop = "10 ms"
[recorders.v]
kind = "state"
population = "n"
variables = ["V_m"]
)");
    const Result r = run(spec);
    REQUIRE(r.mb.reports[0].size() == 30);
    std::size_t moved = 0, first = 0;
    for (std::size_t k = 0; k < 30; ++k)
        if (r.mb.reports[0][k] != -70.0f && moved++ == 0) first = k;
    INFO("V_m leaves E_L = -70 mV at t = " << first + 1 << " ms (" << r.mb.reports[0][first]
                                           << " mV) and ends at " << r.mb.reports[0][29] << " mV");
    CHECK(moved == 0);
}

TEST_CASE("a spike reaches its target exactly one delay later", "[integration]") {
    const std::string text = R"(
[simulation]
duration = "30 ms"
[populations.src]
model = "spike_source_array"
size = 3
spike_times = [["5 ms"], ["7.3 ms"], ["12 ms", "20 ms"]]
[populations.n]
model = "lif_curr_exp"
size = 3
E_L = "-70 mV"
C_m = "250 pF"
tau_m = "10 ms"
tau_syn_ex = "2 ms"
V_th = "100 mV"
[projections.p]
source = "src"
target = "n"
rule = "one_to_one"
weight = "100 pA"
delay = "1.7 ms"
[recorders.s]
kind = "spikes"
populations = ["src"]
[recorders.i]
kind = "state"
population = "n"
variables = ["I_syn_ex", "V_m", "I_syn_in"]
interval = "0.1 ms"
)";
    const double dt = 0.1, w = 100, tau_s = 2, tau_m = 10, C = 250, E_L = -70;
    const int d = 17;
    // Emission steps: a spike at t is emitted in the step that ends at t.
    const std::vector<std::vector<int>> emit = {{49}, {72}, {119, 199}};
    for (const int threads : {1, 3}) {
        INFO(threads << " threads");
        const Result r = run(spec_of(text, {"simulation.threads=" + std::to_string(threads)}));
        // The source's spikes carry their listed times.
        const auto& sp = r.mb.spikes[0];
        REQUIRE(sp.times.size() == 4);
        const std::vector<double> times = {5.0, 7.3, 12.0, 20.0};
        const std::vector<std::uint64_t> ids = {0, 1, 2, 2};
        for (std::size_t i = 0; i < 4; ++i) {
            CHECK(sp.times[i] == Approx(times[i]).margin(1e-9));
            CHECK(sp.ids[i] == ids[i]);
        }
        const std::size_t iex = report_index(r.mb, "n", "I_syn_ex");
        const std::size_t vm = report_index(r.mb, "n", "V_m");
        const std::size_t iin = report_index(r.mb, "n", "I_syn_in");
        for (std::size_t j = 0; j < 3; ++j) {
            INFO("neuron " << j);
            for (int k = 0; k < 300; ++k) {
                // Sample k: state after step k. Input arrives in step s + d.
                double want = 0;
                for (int s : emit[j])
                    if (k >= s + d) want += w * std::exp(-(k - s - d) * dt / tau_s);
                INFO("sample " << k);
                if (want == 0)
                    CHECK(sample(r.mb, iex, k, j) == 0.0f);
                else
                    CHECK(sample(r.mb, iex, k, j) == Approx(want).epsilon(1e-6));
                CHECK(sample(r.mb, iin, k, j) == 0.0f);
            }
            // Exactly the weight in the arrival step, exactly zero the step before.
            const int a = emit[j][0] + d;
            CHECK(sample(r.mb, iex, a - 1, j) == 0.0f);
            CHECK(sample(r.mb, iex, a, j) == 100.0f);
        }
        // The membrane follows the closed-form PSP of an exponential current that starts at the
        // end of the arrival step: dV(t) = w/C tau_s tau_m/(tau_m - tau_s) (e^-t/tau_m -
        // e^-t/tau_s).
        const int a = emit[0][0] + d;
        for (int k = 0; k < 300; ++k) {
            const double t = (k - a) * dt;
            const double want = k <= a ? E_L
                                       : E_L + w / C * tau_s * tau_m / (tau_m - tau_s) *
                                                   (std::exp(-t / tau_m) - std::exp(-t / tau_s));
            INFO("V sample " << k);
            CHECK(sample(r.mb, vm, k, 0) == Approx(want).epsilon(0).margin(2e-5));
        }
        CHECK(sample(r.mb, vm, a, 0) == -70.0f);
        CHECK(sample(r.mb, vm, a + 1, 0) > -70.0f);
    }
}

TEST_CASE("poisson_generator input has the mean and variance of shot noise", "[integration]") {
    // Each step each target gets k ~ Poisson(lambda) inputs of weight w, so the current after
    // the step has the stationary mean lambda w / (1 - P) and variance lambda w^2 / (1 - P^2),
    // P = exp(-dt/tau_syn); for dt << tau_syn the mean is rate * w * tau_syn.
    const std::string text = R"(
[simulation]
duration = "1 s"
seed = 5
[populations.n]
model = "lif_curr_exp"
size = 400
V_th = "1000 mV"
tau_syn_ex = "2 ms"
tau_syn_in = "2 ms"
[stimuli.ex]
model = "poisson_generator"
target = "n"
rate = "10 kHz"
weight = "1 pA"
[stimuli.inh]
model = "poisson_generator"
target = "n"
ids = [ODD_IDS]
rate = "5 kHz"
weight = "-2 pA"
start = "100 ms"
stop = "600 ms"
[recorders.i]
kind = "state"
population = "n"
variables = ["I_syn_ex", "I_syn_in"]
interval = "1 ms"
)";
    std::string odd;
    for (int i = 1; i < 400; i += 2) odd += (odd.empty() ? "" : ", ") + std::to_string(i);
    std::string t = text;
    t.replace(t.find("ODD_IDS"), 7, odd);
    const NetworkSpec spec = spec_of(t);
    REQUIRE(spec.stimuli[1].receptor == 1);
    const Result r = run(spec);
    const std::size_t ex = report_index(r.mb, "n", "I_syn_ex");
    const std::size_t in = report_index(r.mb, "n", "I_syn_in");
    const double P = std::exp(-0.1 / 2.0);

    // Mean over time per neuron, then over neurons (neurons are independent: that gives the
    // standard error).
    auto stats = [&](std::size_t rep, int from_ms, int to_ms, const std::vector<int>& neurons) {
        std::vector<double> means;
        double sum = 0, sum2 = 0;
        std::size_t n = 0;
        for (int j : neurons) {
            double m = 0;
            for (int k = from_ms; k < to_ms; ++k) {
                const double x = sample(r.mb, rep, k, j);
                m += x;
                sum += x;
                sum2 += x * x;
                ++n;
            }
            means.push_back(m / (to_ms - from_ms));
        }
        const double mean = sum / n;
        const double var = sum2 / n - mean * mean;
        double v = 0;
        for (double m : means) v += (m - mean) * (m - mean);
        const double se = std::sqrt(v / (means.size() - 1) / means.size());
        return std::array<double, 3>{mean, var, se};
    };
    std::vector<int> all(400), odd_n, even_n;
    std::iota(all.begin(), all.end(), 0);
    for (int i = 0; i < 400; ++i) (i % 2 ? odd_n : even_n).push_back(i);

    {
        const double lambda = 10000 * 0.1e-3, w = 1;
        const auto [mean, var, se] = stats(ex, 20, 1000, all);
        const double want = lambda * w / (1 - P);
        INFO("excitatory mean " << mean << " +- " << se << ", expected " << want);
        CHECK(std::abs(mean - want) < 5 * se);
        CHECK(se < 0.05);
        CHECK(mean == Approx(10000 * 1e-3 * w * 2.0).epsilon(0.03)); // rate * w * tau_syn
        CHECK(var == Approx(lambda * w * w / (1 - P * P)).epsilon(0.03));
    }
    {
        const double lambda = 5000 * 0.1e-3, w = -2;
        const auto [mean, var, se] = stats(in, 120, 600, odd_n);
        const double want = lambda * w / (1 - P);
        INFO("inhibitory mean " << mean << " +- " << se << ", expected " << want);
        CHECK(std::abs(mean - want) < 5 * se);
        CHECK(mean == Approx(5000 * 1e-3 * w * 2.0).epsilon(0.04));
        CHECK(var == Approx(lambda * w * w / (1 - P * P)).epsilon(0.05));
    }
    // Untargeted neurons get nothing; nothing before start; after stop only decay.
    for (int j : even_n)
        for (int k = 0; k < 1000; ++k) REQUIRE(sample(r.mb, in, k, j) == 0.0f);
    for (int j : odd_n) {
        for (int k = 0; k < 100; ++k) REQUIRE(sample(r.mb, in, k, j) == 0.0f); // t <= 100 ms
        const double at_stop = sample(r.mb, in, 599, j);                       // t = 600 ms
        for (int k = 600; k < 620; ++k) {
            const double want = at_stop * std::pow(P, 10 * (k - 599));
            REQUIRE(sample(r.mb, in, k, j) == Approx(want).epsilon(1e-5).margin(1e-30));
        }
    }
    std::size_t nonzero_after_start = 0;
    for (int j : odd_n) nonzero_after_start += sample(r.mb, in, 100, j) != 0.0f;
    CHECK(nonzero_after_start > 150);

    // Neighbouring targets (which share a random block) are uncorrelated.
    double corr = 0;
    for (int j = 0; j + 1 < 400; j += 2) {
        double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
        for (int k = 20; k < 1000; ++k) {
            const double a = sample(r.mb, ex, k, j), b = sample(r.mb, ex, k, j + 1);
            sa += a, sb += b, sab += a * b, saa += a * a, sbb += b * b;
        }
        const double n = 980;
        corr += (sab / n - sa / n * sb / n) /
                std::sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
    }
    corr /= 200;
    INFO("mean correlation of neighbours " << corr);
    CHECK(std::abs(corr) < 0.02);
}

TEST_CASE("poisson_generator draws per target: a subset of targets gets the same input",
          "[integration]") {
    // Counts are a function of (seed, stimulus, target, step): dropping one target from the list
    // (which switches to the per-id path) must not change any other target's input.
    const std::string text = R"(
[simulation]
duration = "50 ms"
[populations.n]
model = "lif_curr_exp"
size = 64
V_th = "1000 mV"
[stimuli.ex]
model = "poisson_generator"
target = "n"
rate = "3 kHz"
weight = "1 pA"
[recorders.i]
kind = "state"
population = "n"
variables = ["I_syn_ex"]
interval = "0.1 ms"
)";
    const Result full = run(spec_of(text));
    NetworkSpec sub = spec_of(text);
    for (index_t i = 0; i < 64; ++i)
        if (i != 29) sub.stimuli[0].ids.push_back(i);
    const Result part = run(sub);
    const std::size_t rows = 500;
    REQUIRE(full.mb.reports[0].size() == rows * 64);
    std::size_t nonzero = 0;
    for (std::size_t k = 0; k < rows; ++k)
        for (std::size_t j = 0; j < 64; ++j) {
            if (j == 29) {
                REQUIRE(sample(part.mb, 0, k, j) == 0.0f);
                continue;
            }
            REQUIRE(sample(part.mb, 0, k, j) == sample(full.mb, 0, k, j));
            nonzero += sample(full.mb, 0, k, j) != 0.0f;
        }
    CHECK(nonzero > rows * 60);
}
