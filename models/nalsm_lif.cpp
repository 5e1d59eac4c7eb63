// SPDX-License-Identifier: MIT
// The discrete-time current-based LIF neuron of NALSM (Ivanov & Michmizos 2021), written for
// any step dt so that dt = 1 ms reproduces the paper's update
//   v <- v - v/tau_v + sum_j w_ij exp(-dt_j/tau_u,ij)/tau_u,ij + I_in + b.
// The synaptic kernel w exp(-t/tau_u)/tau_u is a current that jumps by w/tau_u when a spike
// arrives and decays by exp(-dt/tau_u) per step; the receptors "fast" (tau_u = 1 ms) and
// "slow" (2 ms) stand for the paper's per-synapse choice of tau_u. The paper's kernel counts
// only the latest spike of each presynaptic neuron; this one sums every spike (they differ only
// when one neuron fires twice within a few tau_u, i.e. within the refractory period + 4 ms).
// The receptor "direct" adds its input to v in the step it arrives (the paper's I_in).
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "builtin.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define NALSM_LIF_PARAMS(X)                                                                        \
    X(tau_v, .dim = Dim::time, .value = 64.0, .min = 0, .min_exclusive = true,                     \
      .doc = "membrane time constant")                                                             \
    X(v_th, .dim = Dim::dimensionless, .value = 20.0, .doc = "threshold")                          \
    X(v_reset, .dim = Dim::dimensionless, .value = 0.0, .doc = "reset and initial potential")      \
    X(t_ref, .dim = Dim::time, .value = 2.0, .min = 0, .max = 1e5,                                 \
      .doc = "absolute refractory period")                                                         \
    X(bias, .dim = Dim::dimensionless, .value = 0.0, .doc = "constant input per ms")               \
    X(tau_fast, .dim = Dim::time, .value = 1.0, .min = 0, .min_exclusive = true,                   \
      .doc = "kernel time constant of receptor fast")                                              \
    X(tau_slow, .dim = Dim::time, .value = 2.0, .min = 0, .min_exclusive = true,                   \
      .doc = "kernel time constant of receptor slow")
GLIASIM_PARAMS(NALSM_LIF_PARAMS);

#define NALSM_LIF_STATE(X)                                                                         \
    X(v, .dim = Dim::dimensionless, .doc = "membrane potential")                                   \
    X(i_fast, .dim = Dim::dimensionless, .doc = "synaptic current of receptor fast, per ms")       \
    X(i_slow, .dim = Dim::dimensionless, .doc = "synaptic current of receptor slow, per ms")       \
    X(refractory, .dim = Dim::dimensionless, .doc = "refractory steps left")
GLIASIM_STATE(NALSM_LIF_STATE);

enum Receptor { fast, slow, direct };

class NalsmLif final : public Population {
public:
    explicit NalsmLif(const PopulationSetup& s)
        : Population(s, 3), v_(s.size, s.params[v_reset]), i_fast_(s.size, 0.0),
          i_slow_(s.size, 0.0), refractory_(s.size, 0.0) {
        const auto& p = s.params;
        leak_ = 1.0 - s.dt / p[tau_v];
        dt_ = s.dt;
        v_th_ = p[v_th];
        v_reset_ = p[v_reset];
        bias_ = p[bias];
        decay_fast_ = std::exp(-s.dt / p[tau_fast]);
        decay_slow_ = std::exp(-s.dt / p[tau_slow]);
        jump_fast_ = 1.0 / p[tau_fast];
        jump_slow_ = 1.0 / p[tau_slow];
        ref_steps_ = std::round(p[t_ref] / s.dt);
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        double* in_fast = ring_.slot(fast, step);
        double* in_slow = ring_.slot(slow, step);
        double* in_direct = ring_.slot(direct, step);
        for (index_t i = r.begin; i < r.end; ++i) {
            // A spike arriving in this step already contributes w / tau_u (the kernel at 0).
            i_fast_[i] = i_fast_[i] * decay_fast_ + in_fast[i] * jump_fast_;
            i_slow_[i] = i_slow_[i] * decay_slow_ + in_slow[i] * jump_slow_;
            const double direct_in = in_direct[i];
            in_fast[i] = in_slow[i] = in_direct[i] = 0;
            if (refractory_[i] > 0) {
                refractory_[i] -= 1;
                continue;
            }
            v_[i] = v_[i] * leak_ + dt_ * (i_fast_[i] + i_slow_[i] + bias_ + stim_current_[i]) +
                    direct_in;
            if (v_[i] >= v_th_) {
                v_[i] = v_reset_;
                refractory_[i] = ref_steps_;
                spikes.push_back({step, i});
            }
        }
    }

    std::span<double> state(std::size_t var) override {
        switch (static_cast<Var::Id>(var)) {
        case Var::v:
            return v_;
        case Var::i_fast:
            return i_fast_;
        case Var::i_slow:
            return i_slow_;
        case Var::refractory:
            return refractory_;
        }
        throw_unknown_state("nalsm_lif", var);
    }

private:
    std::vector<double> v_, i_fast_, i_slow_, refractory_;
    double leak_, dt_, v_th_, v_reset_, bias_;
    double decay_fast_, decay_slow_, jump_fast_, jump_slow_, ref_steps_;
};

} // namespace

ModelInfo nalsm_lif_info() {
    return ModelInfo{
        .name = "nalsm_lif",
        .doc = "discrete-time current-based LIF of the NALSM liquid (Ivanov & Michmizos 2021)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .check = [](const ParamValues& p) -> std::optional<std::string> {
            if (!(p[v_reset] < p[v_th]))
                return fmt::format("v_reset ({}) must be below v_th ({})", p[v_reset], p[v_th]);
            return std::nullopt;
        },
        .role =
            NeuronModel{.make_population =
                            [](const PopulationSetup& s) { return std::make_unique<NalsmLif>(s); },
                        // signed weights; the receptors are kernel time constants
                        .input = {.receptors = {"fast", "slow", "direct"},
                                  .weight_dim = Dim::dimensionless,
                                  .sign_picks_receptor = false}}};
}

} // namespace gliasim::models
