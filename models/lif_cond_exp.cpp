// SPDX-License-Identifier: MIT
// Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances
// (parameters and spike semantics of NEST's iaf_cond_exp). Conductances decay exactly; the
// membrane is advanced with the exact solution of its linear ODE for the step-averaged
// conductances (exponential Euler), which is stable for any conductance.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "builtin.hpp"
#include "fast_exp.hpp"
#include "lif_population.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define LIF_COND_EXP_PARAMS(X)                                                                     \
    X(V_th, .dim = Dim::voltage, .value = -55.0, .doc = "spike threshold")                         \
    X(V_reset, .dim = Dim::voltage, .value = -60.0, .doc = "reset potential")                      \
    X(t_ref, .dim = Dim::time, .value = 2.0, .min = 0, .max = 1e5,                                 \
      .doc = "absolute refractory period")                                                         \
    X(g_L, .dim = Dim::conductance, .value = 16.6667, .min = 0, .min_exclusive = true,             \
      .doc = "leak conductance")                                                                   \
    X(C_m, .dim = Dim::capacitance, .value = 250.0, .min = 0, .min_exclusive = true,               \
      .doc = "membrane capacitance")                                                               \
    X(E_ex, .dim = Dim::voltage, .value = 0.0, .doc = "excitatory reversal potential")             \
    X(E_in, .dim = Dim::voltage, .value = -85.0, .doc = "inhibitory reversal potential")           \
    X(E_L, .dim = Dim::voltage, .value = -70.0, .doc = "leak reversal potential")                  \
    X(tau_syn_ex, .dim = Dim::time, .value = 0.2, .min = 0, .min_exclusive = true,                 \
      .doc = "excitatory conductance time constant")                                               \
    X(tau_syn_in, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                 \
      .doc = "inhibitory conductance time constant")                                               \
    X(I_e, .dim = Dim::current, .value = 0.0, .doc = "constant external current")
GLIASIM_PARAMS(LIF_COND_EXP_PARAMS);

#define LIF_COND_EXP_STATE(X)                                                                      \
    X(V_m, .dim = Dim::voltage, .doc = "membrane potential")                                       \
    X(g_ex, .dim = Dim::conductance, .doc = "excitatory conductance")                              \
    X(g_in, .dim = Dim::conductance, .doc = "inhibitory conductance")                              \
    X(I_SIC, .dim = Dim::current, .doc = "slow inward current from astrocytes in this step")
GLIASIM_STATE(LIF_COND_EXP_STATE);

class LifCondExp final : public LifPopulation<LifCondExp> {
public:
    explicit LifCondExp(const PopulationSetup& s)
        : LifPopulation(s, s.params[E_L], s.params[V_th], s.params[V_reset], s.params[t_ref]),
          g_ex_(s.size, 0.0), g_in_(s.size, 0.0) {
        const auto& p = s.params;
        const double h = s.dt;
        g_l_ = p[g_L];
        e_ex_ = p[E_ex];
        e_in_ = p[E_in];
        e_l_ = p[E_L];
        i_e_ = p[I_e];
        h_over_c_ = h / p[C_m];
        decay_ex_ = std::exp(-h / p[tau_syn_ex]);
        decay_in_ = std::exp(-h / p[tau_syn_in]);
        // Mean of g(0) exp(-t/tau) over [0, h], as a fraction of g(0).
        mean_ex_ = -p[tau_syn_ex] / h * std::expm1(-h / p[tau_syn_ex]);
        mean_in_ = -p[tau_syn_in] / h * std::expm1(-h / p[tau_syn_in]);
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::V_m:
            return v_;
        case Var::g_ex:
            return g_ex_;
        case Var::g_in:
            return g_in_;
        case Var::I_SIC:
            return i_sic_;
        }
        throw_unknown_state("lif_cond_exp", var);
    }

private:
    friend LifPopulation; // calls integrate_block

    // The block update that LifPopulation runs.
    [[gnu::always_inline]] double integrate_block(index_t b, std::size_t n, const LifInputs& in) {
        return in.sic_fed ? integrate<true>(b, n, in.ex, in.in, in.sic, in.stim)
                          : integrate<false>(b, n, in.ex, in.in, in.sic, in.stim);
    }

    // Neurons [b, b + n); returns how many reached the threshold (a floating-point count, so
    // that the loop's lanes stay 64 bits wide; `omp simd` may sum it in any order, exactly).
    template <bool with_sic>
    [[gnu::always_inline]] double integrate(index_t b, std::size_t n, double* in_ex, double* in_in,
                                            double* in_sic, const double* stim) {
        double* i_sic = i_sic_.data() + b;
        double* v = v_.data() + b;
        double* g_ex = g_ex_.data() + b;
        double* g_in = g_in_.data() + b;
        std::int64_t* refractory = refractory_.data() + b;
        in_ex += b;
        in_in += b;
        stim += b;
        if constexpr (with_sic) in_sic += b;
        // Locals: the stores through the arrays could alias the members, which would make the
        // compiler reload them in every iteration.
        const double mean_ex = mean_ex_, mean_in = mean_in_, g_l = g_l_, e_ex = e_ex_;
        const double e_in = e_in_, leak_and_bias = g_l_ * e_l_, i_e = i_e_;
        const double h_over_c = h_over_c_, v_th = v_th_, decay_ex = decay_ex_;
        const double decay_in = decay_in_;
        double crossed = 0.0;
#pragma omp simd reduction(+ : crossed)
        for (std::size_t i = 0; i < n; ++i) {
            if constexpr (with_sic) {
                i_sic[i] += in_sic[i]; // SIC arrives as changes of its level [pA]
                in_sic[i] = 0;
            }
            const double ge = mean_ex * g_ex[i];
            const double gi = mean_in * g_in[i];
            const double g_total = g_l + ge + gi;
            const double v_inf =
                (leak_and_bias + ge * e_ex + gi * e_in + i_e + stim[i] + i_sic[i]) / g_total;
            const double v_new = v_inf + (v[i] - v_inf) * exp_vectorisable(-g_total * h_over_c);
            const double v_next = refractory[i] == 0 ? v_new : v[i];
            v[i] = v_next;
            crossed += v_next >= v_th ? 1.0 : 0.0;
            refractory[i] -= refractory[i] != 0;
            g_ex[i] = decay_ex * g_ex[i] + in_ex[i];
            g_in[i] = decay_in * g_in[i] + in_in[i];
            in_ex[i] = 0;
            in_in[i] = 0;
        }
        return crossed;
    }

    std::vector<double> g_ex_, g_in_;
    double g_l_, e_ex_, e_in_, e_l_, i_e_, h_over_c_;
    double decay_ex_, decay_in_, mean_ex_, mean_in_;
};

} // namespace

ModelInfo lif_cond_exp_info() {
    return ModelInfo{
        .name = "lif_cond_exp",
        .doc = "LIF neuron, exponential conductance synapses (NEST iaf_cond_exp parameters)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) { return reset_below_threshold(p[V_reset], p[V_th]); },
        .role = NeuronModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<LifCondExp>(s); },
            .input = {.receptors = {"excitatory", "inhibitory"},
                      .continuous = {"SIC"},
                      .weight_dim = Dim::conductance,
                      .weights_non_negative = true}}};
}

} // namespace gliasim::models
