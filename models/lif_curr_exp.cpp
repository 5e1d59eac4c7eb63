// SPDX-License-Identifier: MIT
// Leaky integrate-and-fire neuron with exponentially decaying synaptic currents, integrated
// exactly (semantics of NEST's iaf_psc_exp).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "builtin.hpp"
#include "fast_exp.hpp"
#include "lif_population.hpp"
#include "propagators.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define LIF_CURR_EXP_PARAMS(X)                                                                     \
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
      .doc = "excitatory synaptic current time constant")                                          \
    X(tau_syn_in, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                 \
      .doc = "inhibitory synaptic current time constant")                                          \
    X(I_e, .dim = Dim::current, .value = 0.0, .doc = "constant external current")
GLIASIM_PARAMS(LIF_CURR_EXP_PARAMS);

#define LIF_CURR_EXP_STATE(X)                                                                      \
    X(V_m, .dim = Dim::voltage, .doc = "membrane potential")                                       \
    X(I_syn_ex, .dim = Dim::current, .doc = "excitatory synaptic current")                         \
    X(I_syn_in, .dim = Dim::current, .doc = "inhibitory synaptic current")                         \
    X(I_SIC, .dim = Dim::current, .doc = "slow inward current from astrocytes in this step")
GLIASIM_STATE(LIF_CURR_EXP_STATE);

class LifCurrExp final : public LifPopulation<LifCurrExp> {
public:
    explicit LifCurrExp(const PopulationSetup& s)
        : LifPopulation(s, s.params[E_L], s.params[V_th], s.params[V_reset], s.params[t_ref]),
          i_ex_(s.size, 0.0), i_in_(s.size, 0.0) {
        const auto& p = s.params;
        const double h = s.dt;
        e_l_ = p[E_L];
        i_e_ = p[I_e];
        p22_ = std::exp(-h / p[tau_m]);
        p11_ex_ = std::exp(-h / p[tau_syn_ex]);
        p11_in_ = std::exp(-h / p[tau_syn_in]);
        p21_ex_ = propagator_current_to_voltage(p[tau_syn_ex], p[tau_m], p[C_m], h);
        p21_in_ = propagator_current_to_voltage(p[tau_syn_in], p[tau_m], p[C_m], h);
        p20_ = propagator_constant_current(p[tau_m], p[C_m], h);
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::V_m:
            return v_;
        case Var::I_syn_ex:
            return i_ex_;
        case Var::I_syn_in:
            return i_in_;
        case Var::I_SIC:
            return i_sic_;
        }
        throw_unknown_state("lif_curr_exp", var);
    }

private:
    friend LifPopulation; // calls integrate_block

    // The block update that LifPopulation runs.
    [[gnu::always_inline]] double integrate_block(index_t b, std::size_t n, const LifInputs& in) {
        return integrate(b, n, in.ex + b, in.in + b, in.sic + b, in.stim + b);
    }

    // Neurons [b, b + n) (the input pointers start at b): V first with the currents of the step
    // start, then the currents decay and receive this step's input (NEST's order). Returns how
    // many reached the threshold (a floating-point count keeps the lanes 64 bits wide; `omp
    // simd` may sum it in any order, exactly).
    [[gnu::always_inline]] double integrate(index_t b, std::size_t n, double* in_ex, double* in_in,
                                            double* in_sic, const double* stim) {
        double* i_sic = i_sic_.data() + b;
        double* v = v_.data() + b;
        double* i_ex = i_ex_.data() + b;
        double* i_in = i_in_.data() + b;
        std::int64_t* refractory = refractory_.data() + b;
        // Locals: the stores through the arrays could alias the members, which would make the
        // compiler reload them in every iteration.
        const double e_l = e_l_, i_e = i_e_, v_th = v_th_, p22 = p22_, p20 = p20_;
        const double p21_ex = p21_ex_, p21_in = p21_in_, p11_ex = p11_ex_, p11_in = p11_in_;
        double crossed = 0.0;
#pragma omp simd reduction(+ : crossed)
        for (std::size_t i = 0; i < n; ++i) {
            i_sic[i] += in_sic[i]; // SIC arrives as changes of its level [pA]
            in_sic[i] = 0;
            const double v_new = e_l + p22 * (v[i] - e_l) + p21_ex * i_ex[i] + p21_in * i_in[i] +
                                 p20 * (i_e + stim[i] + i_sic[i]);
            // Branch-free select keeps the loop vectorisable; exact for finite values.
            const double free = refractory[i] == 0 ? 1.0 : 0.0;
            v[i] = v_new * free + v[i] * (1.0 - free);
            crossed += v[i] >= v_th ? 1.0 : 0.0;
            refractory[i] -= refractory[i] != 0;
            i_ex[i] = p11_ex * i_ex[i] + in_ex[i];
            i_in[i] = p11_in * i_in[i] + in_in[i];
            in_ex[i] = 0;
            in_in[i] = 0;
        }
        return crossed;
    }

    std::vector<double> i_ex_, i_in_;
    double e_l_, i_e_;
    double p22_, p11_ex_, p11_in_, p21_ex_, p21_in_, p20_;
};

} // namespace

ModelInfo lif_curr_exp_info() {
    return ModelInfo{
        .name = "lif_curr_exp",
        .doc = "LIF neuron, exponential current synapses, exact integration (NEST iaf_psc_exp)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) { return reset_below_threshold(p[V_reset], p[V_th]); },
        .role = NeuronModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<LifCurrExp>(s); },
            .input = {.receptors = {"excitatory", "inhibitory"},
                      .continuous = {"SIC"},
                      .weight_dim = Dim::current}}};
}

} // namespace gliasim::models
