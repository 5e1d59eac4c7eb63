// SPDX-License-Identifier: MIT
// Adaptive exponential integrate-and-fire neuron with alpha-shaped conductances and a slow
// inward current input from astrocytes (NEST's aeif_cond_alpha_astro; Brette & Gerstner 2005).
// Each neuron is integrated with the adaptive Dormand-Prince 5(4) method; threshold crossings
// are detected after every accepted sub-step, so a neuron may spike more than once per step
// when t_ref = 0, as in NEST.
#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "builtin.hpp"
#include "core/ode.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define AEIF_PARAMS(X)                                                                             \
    X(V_peak, .dim = Dim::voltage, .value = 0.0, .doc = "spike detection threshold")               \
    X(V_reset, .dim = Dim::voltage, .value = -60.0, .doc = "reset potential")                      \
    X(t_ref, .dim = Dim::time, .value = 0.0, .min = 0, .max = 1e5,                                 \
      .doc = "absolute refractory period")                                                         \
    X(g_L, .dim = Dim::conductance, .value = 30.0, .min = 0, .min_exclusive = true,                \
      .doc = "leak conductance")                                                                   \
    X(C_m, .dim = Dim::capacitance, .value = 281.0, .min = 0, .min_exclusive = true,               \
      .doc = "membrane capacitance")                                                               \
    X(E_ex, .dim = Dim::voltage, .value = 0.0, .doc = "excitatory reversal potential")             \
    X(E_in, .dim = Dim::voltage, .value = -85.0, .doc = "inhibitory reversal potential")           \
    X(E_L, .dim = Dim::voltage, .value = -70.6, .doc = "leak reversal potential")                  \
    X(Delta_T, .dim = Dim::voltage, .value = 2.0, .min = 0,                                        \
      .doc = "slope factor of the exponential term")                                               \
    X(tau_w, .dim = Dim::time, .value = 144.0, .min = 0, .min_exclusive = true,                    \
      .doc = "adaptation time constant")                                                           \
    X(a, .dim = Dim::conductance, .value = 4.0, .doc = "subthreshold adaptation")                  \
    X(b, .dim = Dim::current, .value = 80.5, .doc = "spike-triggered adaptation")                  \
    X(V_th, .dim = Dim::voltage, .value = -50.4, .doc = "spike initiation threshold")              \
    X(tau_syn_ex, .dim = Dim::time, .value = 0.2, .min = 0, .min_exclusive = true,                 \
      .doc = "excitatory alpha time constant")                                                     \
    X(tau_syn_in, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                 \
      .doc = "inhibitory alpha time constant")                                                     \
    X(I_e, .dim = Dim::current, .value = 0.0, .doc = "constant external current")                  \
    X(gsl_error_tol, .dim = Dim::dimensionless, .value = 1e-6, .min = 0, .max = 1,                 \
      .min_exclusive = true, .doc = "error tolerance of the adaptive integrator")
GLIASIM_PARAMS(AEIF_PARAMS);

#define AEIF_STATE(X)                                                                              \
    X(V_m, .dim = Dim::voltage, .doc = "membrane potential")                                       \
    X(g_ex, .dim = Dim::conductance, .doc = "excitatory conductance")                              \
    X(dg_ex, .dim = Dim::dimensionless, .doc = "derivative of the excitatory conductance [nS/ms]") \
    X(g_in, .dim = Dim::conductance, .doc = "inhibitory conductance")                              \
    X(dg_in, .dim = Dim::dimensionless, .doc = "derivative of the inhibitory conductance [nS/ms]") \
    X(w, .dim = Dim::current, .doc = "adaptation current")                                         \
    X(I_SIC, .dim = Dim::current, .doc = "slow inward current from astrocytes in this step")
GLIASIM_STATE(AEIF_STATE);

struct AdExRhs {
    double v_peak, v_reset, g_l, c_m, e_ex, e_in, e_l, delta_t, tau_w, a, v_th, tau_ex, tau_in;
    double i_const = 0; // I_e + I_stim + I_SIC of this step [pA]
    bool refractory = false;

    // y = (V, dg_ex, g_ex, dg_in, g_in, w)
    void operator()(const std::array<double, 6>& y, std::array<double, 6>& dy) const {
        // V is capped at V_peak inside the right-hand side (and held at V_reset while
        // refractory), which keeps exp() finite between a crossing and its detection.
        const double v = refractory ? v_reset : std::min(y[0], v_peak);
        const double i_syn = y[2] * (v - e_ex) + y[4] * (v - e_in);
        const double i_spike = delta_t == 0 ? 0.0 : g_l * delta_t * std::exp((v - v_th) / delta_t);
        dy[0] = refractory ? 0.0 : (-g_l * (v - e_l) + i_spike - i_syn - y[5] + i_const) / c_m;
        dy[1] = -y[1] / tau_ex;
        dy[2] = y[1] - y[2] / tau_ex;
        dy[3] = -y[3] / tau_in;
        dy[4] = y[3] - y[4] / tau_in;
        dy[5] = (a * (v - e_l) - y[5]) / tau_w;
    }
};

class AeifCondAlphaAstro final : public Population {
public:
    explicit AeifCondAlphaAstro(const PopulationSetup& s)
        : Population(s, 3), v_(s.size, s.params[E_L]), dg_ex_(s.size, 0.0), g_ex_(s.size, 0.0),
          dg_in_(s.size, 0.0), g_in_(s.size, 0.0), w_(s.size, 0.0), i_sic_(s.size, 0.0),
          refractory_(s.size, 0), h_ode_(s.size, 0.0) {
        const auto& p = s.params;
        rhs_ = AdExRhs{p[V_peak],  p[V_reset], p[g_L], p[C_m],  p[E_ex],       p[E_in],      p[E_L],
                       p[Delta_T], p[tau_w],   p[a],   p[V_th], p[tau_syn_ex], p[tau_syn_in]};
        // With Delta_T = 0 the model is an adaptive LIF that fires at V_th.
        threshold_ = p[Delta_T] > 0 ? p[V_peak] : p[V_th];
        b_ = p[b];
        i_e_ = p[I_e];
        g0_ex_ = std::numbers::e / p[tau_syn_ex]; // an alpha of weight 1 peaks at 1 nS
        g0_in_ = std::numbers::e / p[tau_syn_in];
        ref_steps_ = static_cast<int>(std::lround(p[t_ref] / s.dt));
        tol_ = {p[gsl_error_tol], p[gsl_error_tol]};
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        double* in_ex = ring_.slot(0, step);
        double* in_in = ring_.slot(1, step);
        double* in_sic = ring_.slot(2, step);
        for (index_t i = r.begin; i < r.end; ++i) {
            i_sic_[i] += in_sic[i]; // SIC arrives as changes of its level
            in_sic[i] = 0;
            AdExRhs f = rhs_;
            f.i_const = i_e_ + stim_current_[i] + i_sic_[i];
            f.refractory = refractory_[i] > 0;
            std::array<double, 6> y{v_[i], dg_ex_[i], g_ex_[i], dg_in_[i], g_in_[i], w_[i]};
            double t = 0;
            while (t < dt_) {
                if (!dopri5_step(y, t, dt_, h_ode_[i], tol_, f)) fail(i, step, y);
                if (y[0] < -1e3 || std::abs(y[5]) > 1e6) fail(i, step, y);
                if (f.refractory) {
                    y[0] = rhs_.v_reset;
                } else if (y[0] >= threshold_) {
                    y[0] = rhs_.v_reset;
                    y[5] += b_;
                    // Refractory for t_ref after this step; with t_ref = 0 the neuron may fire
                    // again within the step (NEST's semantics).
                    if (ref_steps_ > 0) {
                        refractory_[i] = ref_steps_ + 1;
                        f.refractory = true;
                    }
                    spikes.push_back({step, i});
                }
            }
            if (refractory_[i] > 0) --refractory_[i];
            // Spikes arriving in this step act from its end (NEST's order).
            y[1] += in_ex[i] * g0_ex_;
            y[3] += in_in[i] * g0_in_;
            in_ex[i] = 0;
            in_in[i] = 0;
            v_[i] = y[0], dg_ex_[i] = y[1], g_ex_[i] = y[2], dg_in_[i] = y[3], g_in_[i] = y[4];
            w_[i] = y[5];
        }
    }

    // A per-sample reset also ends refractoriness (kept outside the state variables).
    void on_reset() override { std::fill(refractory_.begin(), refractory_.end(), 0); }

    void archive_extra(StateArchive& a) override {
        a.io("refractory", refractory_);
        a.io("ode_step", h_ode_);
        if (a.loading()) a.require_within<int>("refractory", refractory_, 0, ref_steps_ + 1);
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::V_m:
            return v_;
        case Var::g_ex:
            return g_ex_;
        case Var::dg_ex:
            return dg_ex_;
        case Var::g_in:
            return g_in_;
        case Var::dg_in:
            return dg_in_;
        case Var::w:
            return w_;
        case Var::I_SIC:
            return i_sic_;
        }
        throw_unknown_state("aeif_cond_alpha_astro", var);
    }

private:
    [[noreturn]] void fail(index_t i, step_t step, const std::array<double, 6>& y) const {
        throw std::runtime_error(fmt::format(
            "aeif_cond_alpha_astro population '{}', neuron {}: numerical instability at t = {} ms "
            "(V_m = {} mV, w = {} pA); reduce dt or gsl_error_tol, or check the parameters",
            name_, i, static_cast<double>(step + 1) * dt_, y[0], y[5]));
    }

    std::vector<double> v_, dg_ex_, g_ex_, dg_in_, g_in_, w_, i_sic_;
    std::vector<int> refractory_;
    std::vector<double> h_ode_;
    AdExRhs rhs_{};
    double threshold_, b_, i_e_, g0_ex_, g0_in_;
    int ref_steps_;
    OdeTolerance tol_;
};

} // namespace

ModelInfo aeif_cond_alpha_astro_info() {
    return ModelInfo{
        .name = "aeif_cond_alpha_astro",
        .doc = "AdEx neuron, alpha conductances, SIC input from astrocytes (NEST "
               "aeif_cond_alpha_astro)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) -> std::optional<std::string> {
            if (!(p[V_reset] < p[V_peak]))
                return fmt::format("V_reset ({} mV) must be below V_peak ({} mV)", p[V_reset],
                                   p[V_peak]);
            if (p[Delta_T] > 0 && !(p[V_th] <= p[V_peak]))
                return fmt::format("V_th ({} mV) must not exceed V_peak ({} mV)", p[V_th],
                                   p[V_peak]);
            // NEST's guard: exp((V_peak - V_th) / Delta_T) must stay finite.
            if (p[Delta_T] > 0 && (p[V_peak] - p[V_th]) / p[Delta_T] > 700)
                return fmt::format("(V_peak - V_th) / Delta_T = {} is too large: the exponential "
                                   "term overflows",
                                   (p[V_peak] - p[V_th]) / p[Delta_T]);
            return std::nullopt;
        },
        .role = NeuronModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<AeifCondAlphaAstro>(s); },
            .input = {.receptors = {"excitatory", "inhibitory"},
                      .continuous = {"SIC"},
                      .weight_dim = Dim::conductance,
                      .weights_non_negative = true}}};
}

} // namespace gliasim::models
