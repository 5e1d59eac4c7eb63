// SPDX-License-Identifier: MIT
// Leaky integrate-and-fire neuron with alpha-shaped synaptic currents, integrated exactly
// (semantics of NEST's iaf_psc_alpha): a spike of weight w [pA] gives the current
// w t/tau_syn exp(1 - t/tau_syn), which peaks at w after tau_syn. Each synaptic current is the
// linear pair I' = y - I/tau_syn, y' = -y/tau_syn; a spike adds e/tau_syn x w to y. Per step
// (NEST's order): V from the currents of the step start, then the currents advance and
// receive this step's input.
#include <cmath>
#include <numbers>

#include "builtin.hpp"
#include "lif_population.hpp"
#include "propagators.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define IAF_PSC_ALPHA_PARAMS(X)                                                                    \
    X(E_L, .dim = Dim::voltage, .value = -70.0, .doc = "resting (leak reversal) potential")        \
    X(C_m, .dim = Dim::capacitance, .value = 250.0, .min = 0, .min_exclusive = true,               \
      .doc = "membrane capacitance")                                                               \
    X(tau_m, .dim = Dim::time, .value = 10.0, .min = 0, .min_exclusive = true,                     \
      .doc = "membrane time constant")                                                             \
    X(t_ref, .dim = Dim::time, .value = 2.0, .min = 0, .max = 1e5,                                 \
      .doc = "absolute refractory period")                                                         \
    X(V_th, .dim = Dim::voltage, .value = -55.0, .doc = "spike threshold")                         \
    X(V_reset, .dim = Dim::voltage, .value = -70.0, .doc = "reset potential")                      \
    X(tau_syn_ex, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                 \
      .doc = "rise time of the excitatory alpha current")                                          \
    X(tau_syn_in, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                 \
      .doc = "rise time of the inhibitory alpha current")                                          \
    X(I_e, .dim = Dim::current, .value = 0.0, .doc = "constant external current")
GLIASIM_PARAMS(IAF_PSC_ALPHA_PARAMS);

#define IAF_PSC_ALPHA_STATE(X)                                                                     \
    X(V_m, .dim = Dim::voltage, .doc = "membrane potential")                                       \
    X(I_syn_ex, .dim = Dim::current, .doc = "excitatory synaptic current")                         \
    X(dI_syn_ex, .dim = Dim::dimensionless,                                                        \
      .doc = "slope state of the excitatory alpha current [pA/ms]")                                \
    X(I_syn_in, .dim = Dim::current, .doc = "inhibitory synaptic current")                         \
    X(dI_syn_in, .dim = Dim::dimensionless,                                                        \
      .doc = "slope state of the inhibitory alpha current [pA/ms]")                                \
    X(I_SIC, .dim = Dim::current, .doc = "slow inward current from astrocytes in this step")
GLIASIM_STATE(IAF_PSC_ALPHA_STATE);

// One receptor's alpha current over one step h: the propagators of (y, I) and of their effect
// on V.
struct AlphaPropagators {
    double decay;    // exp(-h/tau): y and I
    double slope;    // I(h) per y(0): h exp(-h/tau)
    double jump;     // y per unit of weight: e/tau
    double v_from_y; // V(h) per y(0)
    double v_from_i; // V(h) per I(0)

    AlphaPropagators(double tau, double tau_m, double c_m, double h)
        : decay(std::exp(-h / tau)), slope(h * std::exp(-h / tau)), jump(std::numbers::e / tau),
          v_from_y(propagator_alpha_slope_to_voltage(tau, tau_m, c_m, h)),
          v_from_i(propagator_current_to_voltage(tau, tau_m, c_m, h)) {}
};

class IafPscAlpha final : public LifPopulation<IafPscAlpha> {
public:
    explicit IafPscAlpha(const PopulationSetup& s)
        : LifPopulation(s, s.params[E_L], s.params[V_th], s.params[V_reset], s.params[t_ref]),
          i_ex_(s.size, 0.0), y_ex_(s.size, 0.0), i_in_(s.size, 0.0), y_in_(s.size, 0.0),
          ex_(s.params[tau_syn_ex], s.params[tau_m], s.params[C_m], s.dt),
          in_(s.params[tau_syn_in], s.params[tau_m], s.params[C_m], s.dt) {
        e_l_ = s.params[E_L];
        i_e_ = s.params[I_e];
        p22_ = std::exp(-s.dt / s.params[tau_m]);
        p20_ = propagator_constant_current(s.params[tau_m], s.params[C_m], s.dt);
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::V_m:
            return v_;
        case Var::I_syn_ex:
            return i_ex_;
        case Var::dI_syn_ex:
            return y_ex_;
        case Var::I_syn_in:
            return i_in_;
        case Var::dI_syn_in:
            return y_in_;
        case Var::I_SIC:
            return i_sic_;
        }
        throw_unknown_state("iaf_psc_alpha", var);
    }

private:
    friend LifPopulation; // calls integrate_block

    // The block update that LifPopulation runs.
    [[gnu::always_inline]] double integrate_block(index_t b, std::size_t n, const LifInputs& in) {
        return integrate(b, n, in.ex + b, in.in + b, in.sic + b, in.stim + b);
    }

    // Neurons [b, b + n) (the input pointers start at b); returns how many reached the
    // threshold (see lif_curr_exp.cpp for why a floating-point count).
    [[gnu::always_inline]] double integrate(index_t b, std::size_t n, double* in_ex, double* in_in,
                                            double* in_sic, const double* stim) {
        double* v = v_.data() + b;
        double* i_sic = i_sic_.data() + b;
        double* i_ex = i_ex_.data() + b;
        double* y_ex = y_ex_.data() + b;
        double* i_in = i_in_.data() + b;
        double* y_in = y_in_.data() + b;
        std::int64_t* refractory = refractory_.data() + b;
        // Locals: stores through the arrays could alias the members.
        const double e_l = e_l_, i_e = i_e_, v_th = v_th_, p22 = p22_, p20 = p20_;
        const AlphaPropagators ex = ex_, in = in_;
        double crossed = 0.0;
#pragma omp simd reduction(+ : crossed)
        for (std::size_t i = 0; i < n; ++i) {
            i_sic[i] += in_sic[i]; // SIC arrives as changes of its level [pA]
            in_sic[i] = 0;
            const double v_new = e_l + p22 * (v[i] - e_l) + ex.v_from_y * y_ex[i] +
                                 ex.v_from_i * i_ex[i] + in.v_from_y * y_in[i] +
                                 in.v_from_i * i_in[i] + p20 * (i_e + stim[i] + i_sic[i]);
            v[i] = refractory[i] == 0 ? v_new : v[i];
            crossed += v[i] >= v_th ? 1.0 : 0.0;
            refractory[i] -= refractory[i] != 0;
            i_ex[i] = ex.slope * y_ex[i] + ex.decay * i_ex[i];
            y_ex[i] = ex.decay * y_ex[i] + ex.jump * in_ex[i];
            i_in[i] = in.slope * y_in[i] + in.decay * i_in[i];
            y_in[i] = in.decay * y_in[i] + in.jump * in_in[i];
            in_ex[i] = 0;
            in_in[i] = 0;
        }
        return crossed;
    }

    std::vector<double> i_ex_, y_ex_, i_in_, y_in_;
    AlphaPropagators ex_, in_;
    double e_l_, i_e_, p22_, p20_;
};

} // namespace

ModelInfo iaf_psc_alpha_info() {
    return ModelInfo{
        .name = "iaf_psc_alpha",
        .doc = "LIF neuron, alpha-shaped current synapses, exact integration (NEST iaf_psc_alpha)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) { return reset_below_threshold(p[V_reset], p[V_th]); },
        .role = NeuronModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<IafPscAlpha>(s); },
            .input = {.receptors = {"excitatory", "inhibitory"},
                      .continuous = {"SIC"},
                      .weight_dim = Dim::current}}};
}

} // namespace gliasim::models
