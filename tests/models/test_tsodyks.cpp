// SPDX-License-Identifier: MIT
// tsodyks_markram: release sequences against closed forms, and what reaches the target.
#include <catch2/catch.hpp>
#include <cmath>
#include <fmt/format.h>

#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;

namespace {

std::vector<double> releases(double U, double tau_rec, double tau_fac, step_t isi_steps, int n,
                             double dt = 0.1) {
    const auto info = models::tsodyks_markram_info();
    ParamValues p = info.default_params();
    p[*info.param_index("U")] = U;
    p[*info.param_index("tau_rec")] = tau_rec;
    p[*info.param_index("tau_fac")] = tau_fac;
    auto tr = make_transmission(info, {p, 1, dt});
    std::vector<double> out, factor;
    for (int k = 0; k < n; ++k) {
        const Spike s{static_cast<step_t>(k) * isi_steps, 0};
        tr->on_spikes(std::span(&s, 1), factor);
        out.push_back(factor[0]);
    }
    return out;
}

} // namespace

TEST_CASE("tsodyks_markram: depression follows the closed-form recursion and steady state",
          "[tsodyks]") {
    const double U = 0.5, tau = 800, isi = 50; // 20 Hz train
    const auto r = releases(U, tau, 0.0, 500, 60);
    // Independent recursion: u = U at every spike (no facilitation), x_{n+1} =
    // 1 - (1 - x_n (1 - U)) exp(-isi / tau), r_n = U x_n, x_0 = 1.
    const double e = std::exp(-isi / tau);
    double x = 1;
    for (std::size_t n = 0; n < r.size(); ++n) {
        INFO("spike " << n);
        CHECK(r[n] == Approx(U * x).epsilon(1e-12));
        x = 1 - (1 - x * (1 - U)) * e;
    }
    const double x_star = (1 - e) / (1 - (1 - U) * e);
    CHECK(r.back() == Approx(U * x_star).epsilon(1e-6));
    CHECK(r[0] == Approx(0.5));
}

TEST_CASE("tsodyks_markram: facilitation with Stimberg et al.'s parameters", "[tsodyks]") {
    // U0 = 0.6, Omega_d = 2/s, Omega_f = 3.33/s; spikes every 100 ms.
    const double U = 0.6, tau_rec = 500, tau_fac = 1000 / 3.33;
    const auto r = releases(U, tau_rec, tau_fac, 1000, 20);
    double u = 0, x = 1;
    for (std::size_t n = 0; n < r.size(); ++n) {
        if (n > 0) {
            u *= std::exp(-100 / tau_fac);
            x = 1 - (1 - x) * std::exp(-100 / tau_rec);
        }
        u += U * (1 - u);
        const double want = u * x;
        x -= want;
        INFO("spike " << n);
        CHECK(r[n] == Approx(want).epsilon(1e-12));
    }
}

TEST_CASE("tsodyks_markram: the target receives weight x release", "[tsodyks]") {
    const std::string text = R"(
[simulation]
duration = "300 ms"
[populations.pre]
model = "spike_source_array"
size = 1
spike_times = ["10 ms", "30 ms", "50 ms", "70 ms", "90 ms", "250 ms"]
[populations.post]
model = "lif_curr_exp"
size = 3
V_th = "1000 mV"
[projections.syn]
source = "pre"
target = "post"
rule = "all_to_all"
synapse = "tsodyks_markram"
U = 0.4
tau_rec = "200 ms"
weight = "100 pA"
delay = "1 ms"
[recorders.i]
kind = "state"
population = "post"
variables = ["I_syn_ex"]
interval = "0.1 ms"
)";
    const Experiment ex = parse_experiment(text, "tm.toml", {}, gliasim::test::registry());
    REQUIRE(ex.network.projections[0].synapse_model != nullptr);
    Simulation sim(ex.network);
    MemoryBackend mb;
    sim.run(mb);
    const auto& i = mb.reports[0];             // samples x 3 targets
    const double decay = std::exp(-0.1 / 2.0); // tau_syn_ex default 2 ms
    const double times[] = {10, 30, 50, 70, 90, 250};
    double x = 1, last = -1;
    for (double t : times) {
        if (last >= 0) x = 1 - (1 - x * (1 - 0.4)) * std::exp(-(t - last) / 200.0);
        last = t;
        // Emitted in the step ending at t, arriving 1 ms later: the jump appears in the sample
        // at t + 1 ms (index t/0.1 + 10 - 1).
        const auto k = static_cast<std::size_t>(std::lround(t / 0.1)) + 9;
        for (std::size_t target = 0; target < 3; ++target) {
            const double before = i[(k - 1) * 3 + target], after = i[k * 3 + target];
            INFO("spike at " << t << " ms, target " << target);
            CHECK(after - before * decay == Approx(100.0 * 0.4 * x).epsilon(1e-5));
        }
    }
}

TEST_CASE("gliotransmission scales release by the covering astrocyte's Gamma_S", "[tsodyks]") {
    // tau_rec -> 0 and tau_fac = 0 reset x to 1 and u to 0 between spikes, so every spike
    // releases exactly r = U = (1 - Gamma_S) U0 + alpha Gamma_S.
    for (double alpha : {0.0, 0.9}) {
        std::string times;
        for (int k = 0; k < 30; ++k)
            times += fmt::format("{}\"{} ms\"", k ? ", " : "", 1000 + 2000 * k + 0.5);
        const std::string text = fmt::format(R"(
[simulation]
duration = "60 s"
[populations.pre]
model = "spike_source_array"
size = 1
spike_times = [{}]
[populations.post]
model = "lif_curr_exp"
size = 1
V_th = "1000 mV"
[populations.astro]
model = "astrocyte_gchi"
size = 1
update_interval = "0.1 ms"
K_P = "0.05 uM"
O_delta = 0.6
K_delta = "0.1 uM"
Omega_5P = "0.05 Hz"
K_D = "0.7 uM"
F_ex = 2.0
P_b = "1.25 uM"
initial = {{ h = 0.9, IP3 = "0.4 uM" }}
[projections.syn]
source = "pre"
target = "post"
rule = "all_to_all"
synapse = "tsodyks_markram"
U = 0.6
tau_rec = "0.1 ms"
tau_fac = "0 ms"
alpha = {}
weight = "100 pA"
delay = "0.1 ms"
[projections.syn.third_factor]
population = "astro"
pool_type = "block"
gliotransmission = true
[recorders.astro]
kind = "state"
population = "astro"
variables = ["Gamma_S"]
interval = "0.1 ms"
[recorders.post]
kind = "state"
population = "post"
variables = ["I_syn_ex"]
interval = "0.1 ms"
)",
                                             times, alpha);
        const Experiment ex = parse_experiment(text, "glio.toml", {}, gliasim::test::registry());
        Simulation sim(ex.network);
        MemoryBackend mb;
        sim.run(mb);
        const auto& gamma = mb.reports[0];
        const auto& current = mb.reports[1];
        const double decay = std::exp(-0.1 / 2.0);
        double largest_gamma = 0;
        for (int k = 0; k < 30; ++k) {
            const double t = 1000 + 2000 * k + 0.5;
            const auto n = static_cast<std::size_t>(std::lround(t / 0.1)) - 1; // emitting step
            const double g = gamma[n];
            largest_gamma = std::max(largest_gamma, g);
            const double want = 100.0 * ((1 - g) * 0.6 + alpha * g);
            INFO("alpha " << alpha << ", spike at " << t << " ms, Gamma_S " << g);
            CHECK(current[n + 1] - current[n] * decay == Approx(want).epsilon(1e-4));
        }
        CHECK(largest_gamma > 0.5); // gliotransmitter was released and bound
    }
}
