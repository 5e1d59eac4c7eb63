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

namespace gliasim::models {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

enum Param { tau, b };
enum Var { A_var };

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

    std::span<double> state(std::size_t) override { return a_; }

private:
    std::vector<double> a_;
    double b_, decay_, gain_;
};

} // namespace

ModelInfo nalsm_astrocyte_info() {
    ModelInfo m;
    m.name = "nalsm_astrocyte";
    m.kind = ModelKind::astrocyte;
    m.doc = "NALSM astrocyte: leaky integrator of liquid (+) and input (-) spikes whose value is "
            "the STDP depression rate (Ivanov & Michmizos 2021)";
    m.params = {
        {"tau", Dim::time, 100.0, 0, kInf, "time constant tau_astro", true},
        {"b", Dim::dimensionless, 0.15, -kInf, kInf,
         "resting value b_astro (= A_plus of the rule) and initial A"},
    };
    m.state = {{"A", Dim::dimensionless, "astrocyte state: the depression rate"}};
    m.receptors = {"activity"};
    m.weight_dim = Dim::dimensionless;
    m.make_population = [](const PopulationSetup& s) {
        return std::make_unique<NalsmAstrocyte>(s);
    };
    return m;
}

} // namespace gliasim::models
