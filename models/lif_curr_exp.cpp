// SPDX-License-Identifier: MIT
// Leaky integrate-and-fire neuron with exponentially decaying synaptic currents, integrated
// exactly (semantics of NEST's iaf_psc_exp).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "builtin.hpp"
#include "fast_exp.hpp"
#include "lif_threshold.hpp"
#include "propagators.hpp"

namespace gliasim::models {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum Param { E_L, C_m, tau_m, t_ref, V_th, V_reset, tau_syn_ex, tau_syn_in, I_e };
enum Var { V_m, I_syn_ex, I_syn_in, I_SIC };

class LifCurrExp final : public Population {
public:
    explicit LifCurrExp(const PopulationSetup& s)
        : Population(s, 3), v_(s.size, s.params[E_L]), i_ex_(s.size, 0.0), i_in_(s.size, 0.0),
          i_sic_(s.size, 0.0), refractory_(s.size, 0) {
        const auto& p = s.params;
        const double h = s.dt;
        e_l_ = p[E_L];
        v_th_ = p[V_th];
        v_reset_ = p[V_reset];
        i_e_ = p[I_e];
        p22_ = std::exp(-h / p[tau_m]);
        p11_ex_ = std::exp(-h / p[tau_syn_ex]);
        p11_in_ = std::exp(-h / p[tau_syn_in]);
        p21_ex_ = propagator_current_to_voltage(p[tau_syn_ex], p[tau_m], p[C_m], h);
        p21_in_ = propagator_current_to_voltage(p[tau_syn_in], p[tau_m], p[C_m], h);
        p20_ = propagator_constant_current(p[tau_m], p[C_m], h);
        ref_steps_ = static_cast<int>(std::lround(p[t_ref] / h));
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        advance(step, r, ring_.slot(0, step), ring_.slot(1, step), ring_.slot(2, step),
                stim_current_.data(), spikes);
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
        case I_syn_ex:
            return i_ex_;
        case I_syn_in:
            return i_in_;
        default:
            return i_sic_;
        }
    }

private:
    // Integrates every neuron of `r` (refractory ones keep V = V_reset) in blocks of kLifBlock,
    // scanning for threshold crossings only the blocks that have one. Compiled for AVX-512,
    // AVX2 and the x86-64 baseline (core/multiversion.hpp); bit-identical results.
    GLIASIM_MULTIVERSION
    void advance(step_t step, IndexRange r, double* in_ex, double* in_in, double* in_sic,
                 const double* stim, std::vector<Spike>& spikes) {
        for (index_t b = r.begin; b < r.end; b += kLifBlock) {
            const index_t e = std::min(r.end, b + kLifBlock);
            if (integrate(b, e - b, in_ex + b, in_in + b, in_sic + b, stim + b) > 0.0)
                emit_block_crossings(v_.data(), refractory_.data(), b, e, v_th_, v_reset_,
                                     ref_steps_, step, spikes);
        }
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

    std::vector<double> v_, i_ex_, i_in_, i_sic_;
    std::vector<std::int64_t> refractory_; // 64-bit: the update loop keeps every lane 64 bits wide
    double e_l_, v_th_, v_reset_, i_e_;
    double p22_, p11_ex_, p11_in_, p21_ex_, p21_in_, p20_;
    int ref_steps_;
};

} // namespace

ModelInfo lif_curr_exp_info() {
    ModelInfo m;
    m.name = "lif_curr_exp";
    m.kind = ModelKind::neuron;
    m.doc = "LIF neuron, exponential current synapses, exact integration (NEST iaf_psc_exp)";
    m.params = {
        {"E_L", Dim::voltage, -70.0, -kInf, kInf, "resting (leak reversal) potential"},
        {"C_m", Dim::capacitance, 250.0, 0, kInf, "membrane capacitance", true},
        {"tau_m", Dim::time, 10.0, 0, kInf, "membrane time constant", true},
        {"t_ref", Dim::time, 2.0, 0, 1e5, "absolute refractory period"},
        {"V_th", Dim::voltage, -55.0, -kInf, kInf, "spike threshold"},
        {"V_reset", Dim::voltage, -70.0, -kInf, kInf, "reset potential"},
        {"tau_syn_ex", Dim::time, 2.0, 0, kInf, "excitatory synaptic current time constant", true},
        {"tau_syn_in", Dim::time, 2.0, 0, kInf, "inhibitory synaptic current time constant", true},
        {"I_e", Dim::current, 0.0, -kInf, kInf, "constant external current"},
    };
    m.state = {
        {"V_m", Dim::voltage, "membrane potential"},
        {"I_syn_ex", Dim::current, "excitatory synaptic current"},
        {"I_syn_in", Dim::current, "inhibitory synaptic current"},
        {"I_SIC", Dim::current, "slow inward current from astrocytes in this step"},
    };
    m.receptors = {"excitatory", "inhibitory"};
    m.continuous_inputs = {"SIC"};
    m.weight_dim = Dim::current;
    m.check = [](const ParamValues& p) -> std::optional<std::string> {
        if (!(p[V_reset] < p[V_th]))
            return fmt::format("V_reset ({} mV) must be below V_th ({} mV)", p[V_reset], p[V_th]);
        return std::nullopt;
    };
    m.make_population = [](const PopulationSetup& s) { return std::make_unique<LifCurrExp>(s); };
    return m;
}

} // namespace gliasim::models
