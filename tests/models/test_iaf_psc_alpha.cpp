// SPDX-License-Identifier: MIT
// iaf_psc_alpha (models/iaf_psc_alpha.cpp) against the closed forms of its linear equations:
// the alpha-shaped current and the membrane potential it gives, the response to a constant
// current, and threshold, reset and refractoriness.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/builtin.hpp"

using namespace gliasim;

namespace {

using Params = std::map<std::string, double>;

const ModelInfo& info() {
    static const ModelInfo m = models::iaf_psc_alpha_info();
    return m;
}

std::unique_ptr<Population> make(index_t n, double dt, const Params& params = {}) {
    PopulationSetup s;
    s.name = "neurons";
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
    pop->allocate_ring(8);
    return pop;
}

std::span<double> state(Population& pop, const std::string& var) {
    const auto idx = info().state_index(var);
    REQUIRE(idx.has_value());
    return pop.state(*idx);
}

// The membrane's deviation from E_L at time t after the current I(t) = A t exp(-t/tau_s) is
// switched on at rest: (A/C) [exp(-t/tau_m) - exp(-t/tau_s) (1 - d t)] / d^2 with
// d = 1/tau_m - 1/tau_s (the convolution of I with the membrane's kernel, solved by hand).
double alpha_psp(double A, double c_m, double tau_m, double tau_s, double t) {
    const double d = 1.0 / tau_m - 1.0 / tau_s;
    return A / c_m * (std::exp(-t / tau_m) - std::exp(-t / tau_s) * (1.0 - d * t)) / (d * d);
}

} // namespace

TEST_CASE("iaf_psc_alpha: schema", "[iaf_psc_alpha]") {
    CHECK(info().name == "iaf_psc_alpha");
    CHECK(is_neuron(info()));
    CHECK(synaptic_input(info()).receptors == std::vector<std::string>{"excitatory", "inhibitory"});
    CHECK(synaptic_input(info()).continuous == std::vector<std::string>{"SIC"});
    CHECK(synaptic_input(info()).weight_dim == Dim::current);
    // NEST's defaults.
    const auto p = info().default_params();
    CHECK(p[*info().param_index("C_m")] == 250.0);
    CHECK(p[*info().param_index("tau_m")] == 10.0);
    CHECK(p[*info().param_index("tau_syn_ex")] == 2.0);
    CHECK(p[*info().param_index("V_th")] == -55.0);
    CHECK(p[*info().param_index("V_reset")] == -70.0);
    auto bad = p;
    bad[*info().param_index("V_reset")] = bad[*info().param_index("V_th")];
    CHECK(info().check(bad).has_value());
    // Every declared state variable is a column of the population; an index past the list is
    // refused instead of answered with some other column.
    auto pop = make(2, 0.1);
    for (std::size_t v = 0; v < info().state.size(); ++v) CHECK(pop->state(v).size() == 2);
    CHECK_THROWS_AS(pop->state(info().state.size()), std::logic_error);
    for (double v : state(*pop, "V_m")) CHECK(v == -70.0);
}

TEST_CASE("iaf_psc_alpha: one input spike gives the closed-form alpha current and PSP",
          "[iaf_psc_alpha]") {
    const double dt = 0.1, tau_m = 10.0, C = 250.0, tau_ex = 2.0, tau_in = 0.5;
    // Neuron 0 excitatory, neuron 1 inhibitory, neuron 2 with tau_syn = tau_m (the propagators'
    // singular case: the PSP becomes (A/C) t^2/2 exp(-t/tau)).
    auto pop = make(3, dt, {{"tau_syn_ex", tau_ex}, {"tau_syn_in", tau_in}});
    auto equal = make(1, dt, {{"tau_syn_ex", tau_m}});
    const double w_ex = 120.0, w_in = -90.0, w_eq = 40.0;
    pop->ring().slot(0, 0)[0] = w_ex;
    pop->ring().slot(1, 0)[1] = w_in;
    equal->ring().slot(0, 0)[0] = w_eq;
    auto V = state(*pop, "V_m");
    auto I_ex = state(*pop, "I_syn_ex");
    auto I_in = state(*pop, "I_syn_in");
    auto V_eq = state(*equal, "V_m");
    const double e = std::numbers::e;
    std::vector<Spike> spikes;
    double peak_current = 0, peak_time = 0;
    for (step_t n = 0; n < 800; ++n) {
        pop->update(n, {0, 3}, spikes);
        equal->update(n, {0, 1}, spikes);
        // The input enters the current at the end of step 0 and the membrane from step 1 on
        // (NEST's order): after step n the current has been on for t = n dt.
        const double t = n * dt;
        INFO("t = " << t);
        // I(t) = w t/tau exp(1 - t/tau): peak w at t = tau.
        REQUIRE(I_ex[0] ==
                Approx(w_ex * t / tau_ex * std::exp(1 - t / tau_ex)).epsilon(1e-12).margin(1e-12));
        REQUIRE(I_in[1] ==
                Approx(w_in * t / tau_in * std::exp(1 - t / tau_in)).epsilon(1e-12).margin(1e-12));
        REQUIRE(I_in[0] == 0.0);
        REQUIRE(I_ex[1] == 0.0);
        REQUIRE(
            V[0] + 70.0 ==
            Approx(alpha_psp(w_ex * e / tau_ex, C, tau_m, tau_ex, t)).epsilon(1e-9).margin(1e-13));
        REQUIRE(
            V[1] + 70.0 ==
            Approx(alpha_psp(w_in * e / tau_in, C, tau_m, tau_in, t)).epsilon(1e-9).margin(1e-13));
        REQUIRE(V[2] == -70.0);
        const double A = w_eq * e / tau_m;
        REQUIRE(V_eq[0] + 70.0 ==
                Approx(A / C * t * t / 2 * std::exp(-t / tau_m)).epsilon(1e-9).margin(1e-13));
        if (I_ex[0] > peak_current) peak_current = I_ex[0], peak_time = t;
    }
    CHECK(spikes.empty());
    CHECK(peak_time == Approx(tau_ex));
    CHECK(peak_current == Approx(w_ex).epsilon(1e-12));
    CHECK(V[1] < -70.0); // inhibition hyperpolarises
}

TEST_CASE("iaf_psc_alpha: constant current charges the membrane exactly, then threshold, reset "
          "and refractoriness",
          "[iaf_psc_alpha]") {
    const double dt = 0.1, tau_m = 10.0, C = 250.0, I = 400.0, E_L = -70.0;
    auto pop = make(1, dt, {{"I_e", I}, {"t_ref", 2.0}, {"V_reset", -65.0}});
    auto V = state(*pop, "V_m");
    const double RI = tau_m / C * I; // 16 mV: above V_th - E_L = 15 mV
    std::vector<Spike> spikes;
    step_t first = -1;
    for (step_t n = 0; n < 400 && first < 0; ++n) {
        pop->update(n, {0, 1}, spikes);
        const double v = E_L + RI * -std::expm1(-(n + 1) * dt / tau_m);
        if (v >= -55.0) {
            first = n;
            REQUIRE(spikes.size() == 1);
            CHECK(spikes[0].step == n);
            CHECK(V[0] == -65.0);
        } else {
            REQUIRE(spikes.empty());
            REQUIRE(V[0] == Approx(v).epsilon(1e-12));
        }
    }
    // The crossing of E_L + R I (1 - exp(-t/tau_m)) with V_th, rounded up to a step.
    const double t_cross = tau_m * std::log(RI / (RI - 15.0));
    CHECK(first == static_cast<step_t>(std::ceil(t_cross / dt)) - 1);
    // Clamped at V_reset for round(t_ref / dt) = 20 steps, then free again.
    for (step_t n = first + 1; n <= first + 20; ++n) {
        pop->update(n, {0, 1}, spikes);
        REQUIRE(V[0] == -65.0);
    }
    pop->update(first + 21, {0, 1}, spikes);
    CHECK(V[0] > -65.0);
}
