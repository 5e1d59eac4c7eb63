// SPDX-License-Identifier: MIT
// The NALSM astrocyte (Ivanov & Michmizos 2021): a leaky integrator of population activity,
//   tau dA/dt = -A + b + sum_k w_k s_k(t),
// whose value is the STDP depression rate of the liquid (read by the stdp rule through
// `modulator = "astro.A"`). Liquid spikes arrive with weight +w_astro, input spikes with
// -w_astro. Between inputs A relaxes to b exactly (a factor exp(-dt/tau) per step, where the
// paper's Euler update uses 1 - dt/tau: 0.99005 vs 0.99 at dt = 1 ms, tau = 100 ms); each
// arriving spike of weight w adds w / tau (tau in ms), as in the paper. It emits no spikes. One
// entity is the paper's global astrocyte; more entities are independent ones.
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define NALSM_ASTROCYTE_PARAMS(X)                                                                  \
    X(tau, .dim = Dim::time, .value = 100.0, .min = 0, .min_exclusive = true,                      \
      .doc = "time constant tau_astro")                                                            \
    X(b, .dim = Dim::dimensionless, .value = 0.15,                                                 \
      .doc = "resting value b_astro (= A_plus of the rule) and initial A")
GLIASIM_PARAMS(NALSM_ASTROCYTE_PARAMS);

#define NALSM_ASTROCYTE_STATE(X)                                                                   \
    X(A, .dim = Dim::dimensionless, .doc = "astrocyte state: the depression rate")
GLIASIM_STATE(NALSM_ASTROCYTE_STATE);

class NalsmAstrocyte final : public Population {
public:
    explicit NalsmAstrocyte(const PopulationSetup& s)
        : Population(s, 1), a_(s.size, s.params[b]), b_(s.params[b]),
          decay_(std::exp(-s.dt / s.params[tau])), gain_(1.0 / s.params[tau]) {}

    void update(step_t step, IndexRange r, std::vector<Spike>&) override {
        double* in = ring_.slot(0, step);
        for (index_t i = r.begin; i < r.end; ++i) {
            a_[i] = b_ + (a_[i] - b_) * decay_ + in[i] * gain_;
            in[i] = 0;
        }
    }

    std::span<double> state(std::size_t var) override {
        if (var != Var::A) throw_unknown_state("nalsm_astrocyte", var);
        return a_;
    }

private:
    std::vector<double> a_;
    double b_, decay_, gain_;
};

} // namespace

ModelInfo nalsm_astrocyte_info() {
    return ModelInfo{
        .name = "nalsm_astrocyte",
        .doc = "NALSM astrocyte: leaky integrator of liquid (+) and input (-) spikes whose value "
               "is the STDP depression rate (Ivanov & Michmizos 2021)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .role = AstrocyteModel{
            .make_population =
                [](const PopulationSetup& s) { return std::make_unique<NalsmAstrocyte>(s); },
            .input = {.receptors = {"activity"}, .weight_dim = Dim::dimensionless}}};
}

} // namespace gliasim::models
