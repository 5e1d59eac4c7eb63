// SPDX-License-Identifier: MIT
// Leaky integrate-and-fire neuron with exponentially decaying synaptic conductances
// (parameters and spike semantics of NEST's iaf_cond_exp). Conductances decay exactly; the
// membrane is advanced with the exact solution of its linear ODE for the step-averaged
// conductances (exponential Euler), which is stable for any conductance.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "builtin.hpp"
#include "fast_exp.hpp"
#include "lif_threshold.hpp"

namespace gliasim::models {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum Param { V_th, V_reset, t_ref, g_L, C_m, E_ex, E_in, E_L, tau_syn_ex, tau_syn_in, I_e };
enum Var { V_m, g_ex, g_in, I_SIC };

class LifCondExp final : public Population {
public:
    explicit LifCondExp(const PopulationSetup& s)
        : Population(s, 3), v_(s.size, s.params[E_L]), g_ex_(s.size, 0.0), g_in_(s.size, 0.0),
          i_sic_(s.size, 0.0), refractory_(s.size, 0) {
        const auto& p = s.params;
        const double h = s.dt;
        v_th_ = p[V_th];
        v_reset_ = p[V_reset];
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
        ref_steps_ = static_cast<int>(std::lround(p[t_ref] / h));
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        // Without astrocytes nothing arrives on the SIC channel: skip reading and clearing it.
        advance(step, r, ring_.slot(0, step), ring_.slot(1, step),
                channel_fed(2) ? ring_.slot(2, step) : nullptr, stim_current_.data(), spikes);
    }

    // A per-sample reset also ends refractoriness (kept outside the state variables).
    void on_reset() override { std::fill(refractory_.begin(), refractory_.end(), 0); }

    void archive_extra(StateArchive& a) override {
        a.io("refractory", refractory_);
        if (a.loading()) a.require_within<std::int64_t>("refractory", refractory_, 0, ref_steps_);
    }

    std::span<double> state(std::size_t var) override {
        switch (var) {
        case V_m:
            return v_;
        case g_ex:
            return g_ex_;
        case g_in:
            return g_in_;
        default:
            return i_sic_;
        }
    }

private:
    // Integrates every neuron of `r` (refractory ones keep V = V_reset) in blocks of kLifBlock,
    // scanning for threshold crossings only the blocks that have one. Compiled for AVX-512, AVX2
    // and the x86-64 baseline (core/multiversion.hpp) with bit-identical results.
    GLIASIM_MULTIVERSION
    void advance(step_t step, IndexRange r, double* in_ex, double* in_in, double* in_sic,
                 const double* stim, std::vector<Spike>& spikes) {
        for (index_t b = r.begin; b < r.end; b += kLifBlock) {
            const index_t e = std::min(r.end, b + kLifBlock);
            const std::size_t n = e - b;
            const double crossed = in_sic ? integrate<true>(b, n, in_ex, in_in, in_sic, stim)
                                          : integrate<false>(b, n, in_ex, in_in, in_sic, stim);
            if (crossed > 0.0)
                emit_block_crossings(v_.data(), refractory_.data(), b, e, v_th_, v_reset_,
                                     ref_steps_, step, spikes);
        }
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

    std::vector<double> v_, g_ex_, g_in_, i_sic_;
    std::vector<std::int64_t> refractory_; // 64-bit: the update loop keeps every lane 64 bits wide
    double v_th_, v_reset_, g_l_, e_ex_, e_in_, e_l_, i_e_, h_over_c_;
    double decay_ex_, decay_in_, mean_ex_, mean_in_;
    int ref_steps_;
};

} // namespace

ModelInfo lif_cond_exp_info() {
    ModelInfo m;
    m.name = "lif_cond_exp";
    m.kind = ModelKind::neuron;
    m.doc = "LIF neuron, exponential conductance synapses (NEST iaf_cond_exp parameters)";
    m.params = {
        {"V_th", Dim::voltage, -55.0, -kInf, kInf, "spike threshold"},
        {"V_reset", Dim::voltage, -60.0, -kInf, kInf, "reset potential"},
        {"t_ref", Dim::time, 2.0, 0, 1e5, "absolute refractory period"},
        {"g_L", Dim::conductance, 16.6667, 0, kInf, "leak conductance", true},
        {"C_m", Dim::capacitance, 250.0, 0, kInf, "membrane capacitance", true},
        {"E_ex", Dim::voltage, 0.0, -kInf, kInf, "excitatory reversal potential"},
        {"E_in", Dim::voltage, -85.0, -kInf, kInf, "inhibitory reversal potential"},
        {"E_L", Dim::voltage, -70.0, -kInf, kInf, "leak reversal potential"},
        {"tau_syn_ex", Dim::time, 0.2, 0, kInf, "excitatory conductance time constant", true},
        {"tau_syn_in", Dim::time, 2.0, 0, kInf, "inhibitory conductance time constant", true},
        {"I_e", Dim::current, 0.0, -kInf, kInf, "constant external current"},
    };
    m.state = {
        {"V_m", Dim::voltage, "membrane potential"},
        {"g_ex", Dim::conductance, "excitatory conductance"},
        {"g_in", Dim::conductance, "inhibitory conductance"},
        {"I_SIC", Dim::current, "slow inward current from astrocytes in this step"},
    };
    m.receptors = {"excitatory", "inhibitory"};
    m.continuous_inputs = {"SIC"};
    m.weight_dim = Dim::conductance;
    m.weights_non_negative = true;
    m.check = [](const ParamValues& p) -> std::optional<std::string> {
        if (!(p[V_reset] < p[V_th]))
            return fmt::format("V_reset ({} mV) must be below V_th ({} mV)", p[V_reset], p[V_th]);
        return std::nullopt;
    };
    m.make_population = [](const PopulationSetup& s) { return std::make_unique<LifCondExp>(s); };
    return m;
}

} // namespace gliasim::models
