// SPDX-License-Identifier: MIT
// LIF neuron models (models/lif_curr_exp.cpp, models/lif_cond_exp.cpp) against closed-form
// solutions of their differential equations and the analytic LIF firing rate.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/builtin.hpp"

using namespace gliasim;

namespace {

using Params = std::map<std::string, double>;

std::unique_ptr<Population> make(const ModelInfo& info, index_t n, double dt,
                                 const Params& params = {}, std::size_t slots = 8) {
    PopulationSetup s;
    s.name = "neurons";
    s.size = n;
    s.dt = dt;
    s.params = info.default_params();
    for (const auto& [name, value] : params) {
        const auto idx = info.param_index(name);
        INFO("parameter " << name);
        REQUIRE(idx.has_value());
        s.params[*idx] = value;
    }
    REQUIRE_FALSE(info.check(s.params).has_value());
    auto pop = make_population(info, s);
    pop->allocate_ring(slots);
    return pop;
}

std::span<double> state(const ModelInfo& info, Population& pop, const std::string& var) {
    const auto idx = info.state_index(var);
    REQUIRE(idx.has_value());
    return pop.state(*idx);
}

IndexRange all(const Population& pop) {
    return {0, pop.size()};
}

// Runs `steps` steps from step 0 and returns the spike steps of each neuron.
std::vector<std::vector<step_t>> run(Population& pop, step_t steps) {
    std::vector<std::vector<step_t>> out(pop.size());
    std::vector<Spike> spikes;
    for (step_t s = 0; s < steps; ++s) {
        spikes.clear();
        pop.update(s, all(pop), spikes);
        for (const Spike& sp : spikes) {
            REQUIRE(sp.step == s);
            out[sp.index].push_back(s);
        }
    }
    return out;
}

// Time to charge from v0 to v_th towards v_inf with time constant tau (v_inf > v_th).
double charge_time(double tau, double v0, double v_th, double v_inf) {
    return tau * std::log((v_inf - v0) / (v_inf - v_th));
}

} // namespace

// ---------------------------------------------------------------------------------------------
// lif_curr_exp

TEST_CASE("lif_curr_exp: schema", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    CHECK(info.name == "lif_curr_exp");
    CHECK(is_neuron(info));
    CHECK(synaptic_input(info).receptors == std::vector<std::string>{"excitatory", "inhibitory"});
    CHECK(synaptic_input(info).weight_dim == Dim::current);
    CHECK(info.state_index("V_m") == 0u);
    auto p = info.default_params();
    p[*info.param_index("V_reset")] = p[*info.param_index("V_th")];
    CHECK(info.check(p).has_value()); // V_reset must be below V_th
    auto pop = make(info, 3, 0.1);
    CHECK(synaptic_input(info).continuous == std::vector<std::string>{"SIC"});
    // Ring channels: the two spike receptors, then the SIC input.
    CHECK(pop->receptors() == 3);
    CHECK(pop->ring().channels() == 3);
    CHECK(pop->stim_current().size() == 3);
    for (double v : state(info, *pop, "V_m")) CHECK(v == -70.0); // starts at E_L
}

TEST_CASE("lif_curr_exp: subthreshold response to a constant current is exact", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const Params p = {{"I_e", 200.0}, {"tau_m", 12.0}, {"C_m", 300.0}, {"E_L", -65.0}};
    const double dt = 0.1;
    auto pop = make(info, 2, dt, p);
    pop->stim_current()[1] = 30.0; // stimulus current adds to I_e
    const double R = 12.0 / 300.0, E_L = -65.0;
    const double RI[] = {R * 200.0, R * 230.0}; // 8 and 9.2 mV; V_th - E_L = 10 mV
    auto V = state(info, *pop, "V_m");
    auto I_ex = state(info, *pop, "I_syn_ex");
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 2000; ++n) {
        pop->update(n, all(*pop), spikes);
        const double t = (n + 1) * dt; // V after step n is V((n + 1) dt)
        for (index_t i = 0; i < 2; ++i) {
            const double dev = RI[i] * -std::expm1(-t / 12.0);
            REQUIRE(V[i] - E_L == Approx(dev).epsilon(1e-9).margin(1e-12));
            REQUIRE(V[i] == Approx(E_L + dev).epsilon(1e-12));
        }
        REQUIRE(I_ex[0] == 0.0);
    }
    CHECK(spikes.empty());
    // After 200 ms = 16.7 tau the distance to E_L + R I is 9.2 mV * exp(-200 / 12) = 5.3e-7 mV.
    CHECK(std::abs(V[1] - (E_L + RI[1])) < 6e-7);
    CHECK(std::abs(V[1] - (E_L + RI[1])) > 4e-7);
}

TEST_CASE("lif_curr_exp: the membrane decays exponentially back to E_L", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.05, tau = 8.0;
    auto pop = make(info, 1, dt, {{"tau_m", tau}});
    auto V = state(info, *pop, "V_m");
    V[0] = -70.0 + 10.0;
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 3000; ++n) {
        pop->update(n, all(*pop), spikes);
        const double dev = 10.0 * std::exp(-(n + 1) * dt / tau);
        REQUIRE(V[0] + 70.0 == Approx(dev).epsilon(1e-9).margin(1e-13));
    }
    CHECK(spikes.empty());
}

TEST_CASE("lif_curr_exp: synaptic currents decay exponentially and give the closed-form PSP",
          "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.1, tau_m = 10.0, C = 250.0, tau_ex = 2.0, tau_in = 5.0;
    auto pop = make(info, 2, dt, {{"tau_syn_ex", tau_ex}, {"tau_syn_in", tau_in}});
    auto V = state(info, *pop, "V_m");
    auto I_ex = state(info, *pop, "I_syn_ex");
    auto I_in = state(info, *pop, "I_syn_in");
    const double w_ex = 100.0, w_in = -80.0;
    // Input arriving in step 0: neuron 0 excitatory, neuron 1 inhibitory.
    pop->ring().slot(0, 0)[0] = w_ex;
    pop->ring().slot(1, 0)[1] = w_in;

    // Difference of exponentials for a current w exp(-t/tau_s) switched on at t = 0.
    auto psp = [&](double w, double tau_s, double t) {
        return w / C * tau_m * tau_s / (tau_m - tau_s) *
               (std::exp(-t / tau_m) - std::exp(-t / tau_s));
    };
    std::vector<Spike> spikes;
    std::vector<double> trace;
    for (step_t n = 0; n < 600; ++n) {
        pop->update(n, all(*pop), spikes);
        // The input enters the current at the end of step 0 (t = dt) and the membrane from
        // step 1 on: after step n the current has been on for t = n dt.
        const double t = n * dt;
        REQUIRE(I_ex[0] == Approx(w_ex * std::exp(-t / tau_ex)).epsilon(1e-12));
        REQUIRE(I_in[1] == Approx(w_in * std::exp(-t / tau_in)).epsilon(1e-12));
        REQUIRE(I_in[0] == 0.0);
        REQUIRE(I_ex[1] == 0.0);
        REQUIRE(V[0] + 70.0 == Approx(psp(w_ex, tau_ex, t)).epsilon(1e-9).margin(1e-13));
        REQUIRE(V[1] + 70.0 == Approx(psp(w_in, tau_in, t)).epsilon(1e-9).margin(1e-13));
        trace.push_back(V[0]);
    }
    CHECK(pop->ring().slot(0, 0)[0] == 0.0); // the update consumed and cleared its slot
    CHECK(pop->ring().slot(1, 0)[1] == 0.0);
    // Peak of the PSP at tau_m tau_s / (tau_m - tau_s) ln(tau_m / tau_s) = 4.024 ms.
    const double t_peak = tau_m * tau_ex / (tau_m - tau_ex) * std::log(tau_m / tau_ex);
    const auto peak = std::max_element(trace.begin(), trace.end()) - trace.begin();
    CHECK(std::abs(peak * dt - t_peak) <= dt / 2);
    CHECK(V[1] < -70.0); // inhibition hyperpolarises
}

TEST_CASE("lif_curr_exp: tau_syn equal to tau_m gives the alpha-function PSP", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.1, tau = 10.0, C = 250.0, w = 50.0;
    // Neuron 0: exactly equal time constants (the propagator's singular case); the
    // inhibitory channel is used with a time constant that differs by 1e-9 (near-singular).
    auto pop = make(info, 2, dt, {{"tau_syn_ex", tau}, {"tau_syn_in", tau * (1 + 1e-9)}});
    pop->ring().slot(0, 0)[0] = w;
    pop->ring().slot(1, 0)[1] = w;
    auto V = state(info, *pop, "V_m");
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 500; ++n) {
        pop->update(n, all(*pop), spikes);
        const double t = n * dt;
        const double alpha = w / C * t * std::exp(-t / tau);
        REQUIRE(V[0] + 70.0 == Approx(alpha).epsilon(1e-9).margin(1e-13));
        REQUIRE(V[1] + 70.0 == Approx(alpha).epsilon(1e-6).margin(1e-12));
    }
}

TEST_CASE("lif_curr_exp: input arriving at a later step and several inputs superpose", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.1, tau_m = 10.0, tau_s = 2.0, C = 250.0;
    auto pop = make(info, 1, dt, {}, 5);
    auto V = state(info, *pop, "V_m");
    const step_t t1 = 37, t2 = 52;
    const double w1 = 60.0, w2 = -25.0;
    auto psp = [&](double w, double t) {
        if (t < 0) return 0.0;
        return w / C * tau_m * tau_s / (tau_m - tau_s) *
               (std::exp(-t / tau_m) - std::exp(-t / tau_s));
    };
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 400; ++n) {
        // Delivered just before the step is simulated (the ring has only 5 slots).
        if (n == t1) pop->ring().add(0, n, 0, w1);
        if (n == t2) pop->ring().add(1, n, 0, w2);
        pop->update(n, all(*pop), spikes);
        const double expected = psp(w1, (n - t1) * dt) + psp(w2, (n - t2) * dt);
        REQUIRE(V[0] + 70.0 == Approx(expected).epsilon(1e-9).margin(1e-13));
    }
}

TEST_CASE("lif_curr_exp: firing rate under constant current matches the analytic LIF rate",
          "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.01, tau = 10.0, C = 250.0, t_ref = 2.0, E_L = -70.0, V_th = -55.0;
    const double R = tau / C;
    const std::vector<double> currents = {400, 450, 500, 700, 1100, 2000};

    for (double V_reset : {-70.0, -65.0}) {
        INFO("V_reset = " << V_reset);
        auto pop = make(info, static_cast<index_t>(currents.size()), dt,
                        {{"V_reset", V_reset}, {"t_ref", t_ref}, {"I_e", 0.0}});
        for (std::size_t i = 0; i < currents.size(); ++i) pop->stim_current()[i] = currents[i];
        const step_t steps = 100000; // 1 s
        const auto spikes = run(*pop, steps);
        const step_t ref_steps = std::lround(t_ref / dt);

        for (std::size_t i = 0; i < currents.size(); ++i) {
            const double v_inf = E_L + R * currents[i];
            INFO("I = " << currents[i] << " pA");
            // Continuous time: ISI = t_ref + tau ln((V_inf - V_reset) / (V_inf - V_th)).
            const double t_star = charge_time(tau, V_reset, V_th, v_inf);
            const double rate = 1.0 / (t_ref + t_star); // [1/ms]
            // Discrete time: after the refractory steps the membrane restarts from V_reset and
            // after m more steps is V_inf + (V_reset - V_inf) exp(-m dt / tau) (exact
            // propagator), so the first m that reaches V_th is ceil(t* / dt).
            const double x = t_star / dt;
            REQUIRE(x - std::floor(x) > 0.02); // keep clear of rounding ties
            REQUIRE(x - std::floor(x) < 0.98);
            const step_t period = ref_steps + static_cast<step_t>(std::ceil(x));
            // The first spike charges from E_L, without a refractory period before it.
            const step_t first =
                static_cast<step_t>(std::ceil(charge_time(tau, E_L, V_th, v_inf) / dt)) - 1;

            const auto& s = spikes[i];
            REQUIRE(s.size() > 10);
            CHECK(s.front() == first);
            for (std::size_t k = 1; k < s.size(); ++k) REQUIRE(s[k] - s[k - 1] == period);
            CHECK(static_cast<std::size_t>((steps - 1 - first) / period + 1) == s.size());

            const double measured = static_cast<double>(s.size() - 1) /
                                    (static_cast<double>(s.back() - s.front()) * dt);
            CHECK(measured == Approx(rate).epsilon(0.005));
        }
    }
}

TEST_CASE("lif_curr_exp: exact discrete period at dt = 0.1 and a current below rheobase", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const double dt = 0.1;
    auto pop = make(info, 2, dt, {{"I_e", 500.0}}); // R I = 20 mV, threshold 15 mV above E_L
    pop->stim_current()[1] = -130.0;                // 370 pA: R I = 14.8 mV, never fires
    const auto spikes = run(*pop, 5000);
    const double x = charge_time(10.0, -70.0, -55.0, -70.0 + 20.0) / dt; // 138.63 steps
    const step_t period = 20 + static_cast<step_t>(std::ceil(x));
    REQUIRE(spikes[0].size() > 3);
    for (std::size_t k = 1; k < spikes[0].size(); ++k)
        CHECK(spikes[0][k] - spikes[0][k - 1] == period);
    CHECK(spikes[1].empty());
}

TEST_CASE("lif_curr_exp: V_m is clamped to V_reset for exactly round(t_ref / dt) steps", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    for (double t_ref : {0.0, 0.5, 2.0, 3.3}) {
        const double dt = 0.1;
        const step_t ref_steps = std::lround(t_ref / dt);
        INFO("t_ref = " << t_ref << " (" << ref_steps << " steps)");
        auto pop = make(info, 1, dt, {{"I_e", 800.0}, {"t_ref", t_ref}, {"V_reset", -68.0}});
        auto V = state(info, *pop, "V_m");
        auto I_ex = state(info, *pop, "I_syn_ex");
        std::vector<Spike> spikes;
        std::vector<double> trace, current;
        for (step_t n = 0; n < 1500; ++n) {
            // Input during the refractory period still reaches the synaptic current.
            if (n % 7 == 0) pop->ring().add(0, n, 0, 5.0);
            pop->update(n, all(*pop), spikes);
            trace.push_back(V[0]);
            current.push_back(I_ex[0]);
        }
        REQUIRE(spikes.size() > 5);
        for (const Spike& sp : spikes) {
            const auto s = static_cast<std::size_t>(sp.step);
            if (s + ref_steps + 1 >= trace.size()) break;
            REQUIRE(trace[s] == -68.0);
            for (std::size_t k = 1; k <= static_cast<std::size_t>(ref_steps); ++k)
                REQUIRE(trace[s + k] == -68.0);
            REQUIRE(trace[s + ref_steps + 1] > -68.0);
        }
        // The synaptic current evolves through spikes and refractoriness alike.
        const double p11 = std::exp(-dt / 2.0);
        for (std::size_t n = 1; n < current.size(); ++n)
            REQUIRE(current[n] == Approx(p11 * current[n - 1] + (n % 7 == 0 ? 5.0 : 0.0)));
    }
}

TEST_CASE("lif_curr_exp: any split of the index range gives identical results", "[lif]") {
    const auto info = models::lif_curr_exp_info();
    const index_t n = 37;
    auto a = make(info, n, 0.1, {{"I_e", 300.0}});
    auto b = make(info, n, 0.1, {{"I_e", 300.0}});
    for (index_t i = 0; i < n; ++i) a->stim_current()[i] = b->stim_current()[i] = 10.0 * i;
    std::vector<Spike> sa, sb;
    for (step_t s = 0; s < 2000; ++s) {
        for (index_t i = s % 3; i < n; i += 3) {
            a->ring().add(0, s, i, 20.0 + i);
            b->ring().add(0, s, i, 20.0 + i);
        }
        a->update(s, {0, n}, sa);
        b->update(s, {0, 5}, sb);
        b->update(s, {5, 22}, sb);
        b->update(s, {22, n}, sb);
    }
    REQUIRE(sa.size() > 100);
    REQUIRE(sa.size() == sb.size());
    for (std::size_t k = 0; k < sa.size(); ++k) {
        CHECK(sa[k].step == sb[k].step);
        CHECK(sa[k].index == sb[k].index);
    }
    for (std::size_t var = 0; var < 3; ++var)
        for (index_t i = 0; i < n; ++i) CHECK(a->state(var)[i] == b->state(var)[i]);
}

// ---------------------------------------------------------------------------------------------
// lif_cond_exp

TEST_CASE("lif_cond_exp: without input V relaxes to E_L with tau = C_m / g_L", "[lif][cond]") {
    const auto info = models::lif_cond_exp_info();
    CHECK(synaptic_input(info).weight_dim == Dim::conductance);
    CHECK(synaptic_input(info).weights_non_negative);
    const double dt = 0.1, C = 250.0, g_L = 16.6667, E_L = -70.0;
    auto pop = make(info, 2, dt);
    auto V = state(info, *pop, "V_m");
    V[0] = E_L + 10.0;
    V[1] = E_L - 12.0;
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 3000; ++n) {
        pop->update(n, all(*pop), spikes);
        const double decay = std::exp(-(n + 1) * dt * g_L / C);
        REQUIRE(V[0] - E_L == Approx(10.0 * decay).epsilon(1e-9).margin(1e-12));
        REQUIRE(V[1] - E_L == Approx(-12.0 * decay).epsilon(1e-9).margin(1e-12));
    }
    CHECK(spikes.empty());
}

TEST_CASE("lif_cond_exp: conductances decay exponentially after an input", "[lif][cond]") {
    const auto info = models::lif_cond_exp_info();
    const double dt = 0.1, tau_ex = 0.5, tau_in = 3.0;
    auto pop = make(info, 1, dt, {{"tau_syn_ex", tau_ex}, {"tau_syn_in", tau_in}});
    pop->ring().slot(0, 0)[0] = 4.0;
    pop->ring().slot(1, 0)[0] = 2.0;
    auto g_ex = state(info, *pop, "g_ex");
    auto g_in = state(info, *pop, "g_in");
    auto V = state(info, *pop, "V_m");
    std::vector<Spike> spikes;
    pop->update(0, all(*pop), spikes);
    CHECK(V[0] == Approx(-70.0).epsilon(1e-14)); // the input acts from the next step on
    for (step_t n = 1; n < 300; ++n) {
        pop->update(n, all(*pop), spikes);
        REQUIRE(g_ex[0] == Approx(4.0 * std::exp(-n * dt / tau_ex)).epsilon(1e-12));
        REQUIRE(g_in[0] == Approx(2.0 * std::exp(-n * dt / tau_in)).epsilon(1e-12));
    }
}

TEST_CASE("lif_cond_exp: steady state under constant conductance input", "[lif][cond]") {
    const auto info = models::lif_cond_exp_info();
    const double dt = 0.1, g_L = 16.6667, E_L = -70.0, E_ex = 0.0, E_in = -85.0;
    const double tau_ex = 0.2, tau_in = 2.0, I_e = 50.0;
    auto pop = make(info, 3, dt, {{"I_e", I_e}});
    auto V = state(info, *pop, "V_m");
    auto g_ex = state(info, *pop, "g_ex");
    auto g_in = state(info, *pop, "g_in");
    // Each step adds a jump of g0 to a conductance that decays with tau: its time average is
    // g0 tau / dt, and the stationary jump train is periodic with period dt.
    const double ge0[] = {1.0, 0.0, 0.6};
    const double gi0[] = {0.0, 0.5, 0.3};
    std::vector<Spike> spikes;
    for (step_t n = 0; n < 6000; ++n) {
        for (index_t i = 0; i < 3; ++i) {
            pop->ring().add(0, n, i, ge0[i]);
            pop->ring().add(1, n, i, gi0[i]);
        }
        pop->update(n, all(*pop), spikes);
    }
    CHECK(spikes.empty());
    for (index_t i = 0; i < 3; ++i) {
        INFO("neuron " << i);
        const double ge = ge0[i] * tau_ex / dt, gi = gi0[i] * tau_in / dt;
        const double v_inf = (g_L * E_L + ge * E_ex + gi * E_in + I_e) / (g_L + ge + gi);
        REQUIRE(v_inf < -55.0);
        CHECK(V[i] == Approx(v_inf).epsilon(1e-10));
        // Conductance right after a jump: g0 / (1 - exp(-dt / tau)).
        CHECK(g_ex[i] == Approx(ge0[i] / -std::expm1(-dt / tau_ex)).epsilon(1e-12));
        CHECK(g_in[i] == Approx(gi0[i] / -std::expm1(-dt / tau_in)).epsilon(1e-12));
    }
}

TEST_CASE("lif_cond_exp: firing rate under I_e matches the analytic LIF rate", "[lif][cond]") {
    const auto info = models::lif_cond_exp_info();
    const double dt = 0.01, C = 250.0, g_L = 16.6667, E_L = -70.0, V_th = -55.0;
    const double V_reset = -60.0, t_ref = 2.0;
    const double tau = C / g_L;
    const double I_e = 300.0;
    const std::vector<double> extra = {0, 100, 200, 500, 1200}; // stimulus current per neuron
    auto pop = make(info, static_cast<index_t>(extra.size()), dt, {{"I_e", I_e}});
    for (std::size_t i = 0; i < extra.size(); ++i) pop->stim_current()[i] = extra[i];
    const step_t steps = 100000;
    const auto spikes = run(*pop, steps);
    const step_t ref_steps = std::lround(t_ref / dt);
    for (std::size_t i = 0; i < extra.size(); ++i) {
        const double I = I_e + extra[i];
        INFO("I = " << I << " pA");
        const double v_inf = E_L + I / g_L;
        const double t_star = charge_time(tau, V_reset, V_th, v_inf);
        const double rate = 1.0 / (t_ref + t_star);
        const double x = t_star / dt;
        REQUIRE(x - std::floor(x) > 0.02);
        REQUIRE(x - std::floor(x) < 0.98);
        const step_t period = ref_steps + static_cast<step_t>(std::ceil(x));
        const auto& s = spikes[i];
        REQUIRE(s.size() > 10);
        CHECK(s.front() ==
              static_cast<step_t>(std::ceil(charge_time(tau, E_L, V_th, v_inf) / dt)) - 1);
        for (std::size_t k = 1; k < s.size(); ++k) REQUIRE(s[k] - s[k - 1] == period);
        const double measured =
            static_cast<double>(s.size() - 1) / (static_cast<double>(s.back() - s.front()) * dt);
        CHECK(measured == Approx(rate).epsilon(0.005));
    }
}

TEST_CASE("lif_cond_exp: refractory clamp and split invariance", "[lif][cond]") {
    const auto info = models::lif_cond_exp_info();
    const double dt = 0.1;
    const index_t n = 11;
    auto a = make(info, n, dt, {{"I_e", 600.0}, {"t_ref", 1.5}});
    auto b = make(info, n, dt, {{"I_e", 600.0}, {"t_ref", 1.5}});
    const step_t ref_steps = 15;
    for (index_t i = 0; i < n; ++i) a->stim_current()[i] = b->stim_current()[i] = 40.0 * i;
    auto V = state(info, *a, "V_m");
    std::vector<std::vector<double>> trace(n);
    std::vector<Spike> sa, sb;
    for (step_t s = 0; s < 3000; ++s) {
        a->ring().add(0, s, static_cast<index_t>(s % n), 2.0);
        b->ring().add(0, s, static_cast<index_t>(s % n), 2.0);
        a->update(s, {0, n}, sa);
        b->update(s, {0, 4}, sb);
        b->update(s, {4, n}, sb);
        for (index_t i = 0; i < n; ++i) trace[i].push_back(V[i]);
    }
    REQUIRE(sa.size() > 50);
    REQUIRE(sa.size() == sb.size());
    for (std::size_t k = 0; k < sa.size(); ++k) {
        REQUIRE(sa[k].step == sb[k].step);
        REQUIRE(sa[k].index == sb[k].index);
    }
    for (const Spike& sp : sa) {
        const auto s = static_cast<std::size_t>(sp.step);
        if (s + ref_steps + 1 >= trace[sp.index].size()) continue;
        for (std::size_t k = 0; k <= static_cast<std::size_t>(ref_steps); ++k)
            REQUIRE(trace[sp.index][s + k] == -60.0);
        REQUIRE(trace[sp.index][s + ref_steps + 1] != -60.0);
    }
}
