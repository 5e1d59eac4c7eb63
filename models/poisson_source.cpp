// SPDX-License-Identifier: MIT
// A population of independent Poisson spike trains (PyNN's SpikeSourcePoisson, Brian's
// PoissonGroup): at most one spike per step, with probability 1 - exp(-rate * dt).

#include "builtin.hpp"
#include "poisson_draw.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define POISSON_SOURCE_PARAMS(X)                                                                   \
    X(rate, .dim = Dim::frequency, .value = 10.0, .min = 0, .max = 1e5, .doc = "mean firing rate")
GLIASIM_PARAMS(POISSON_SOURCE_PARAMS);

#define POISSON_SOURCE_STATE(X)                                                                    \
    X(rate, .dim = Dim::frequency,                                                                 \
      .doc = "firing rate of each source (may be initialised per source)")
GLIASIM_STATE(POISSON_SOURCE_STATE);

class PoissonSource final : public Population {
public:
    explicit PoissonSource(const PopulationSetup& s)
        : Population(s, 0), rate_(s.size, s.params[rate]) {}

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        draw_poisson_spikes(seed_, id_, step, r, rate_.data(), dt_, spikes);
    }

    std::span<double> state(std::size_t var) override {
        if (var != Var::rate) throw_unknown_state("poisson_source", var);
        return rate_;
    }

private:
    std::vector<double> rate_; // [Hz] per source, settable through the `rate` state variable
};

} // namespace

ModelInfo poisson_source_info() {
    return ModelInfo{
        .name = "poisson_source",
        .doc = "independent Poisson spike trains, one per entity (PyNN SpikeSourcePoisson)",
        .params = param_specs(kParams),
        .state = state_specs(kState),
        .role = SourceModel{.make_population = [](const PopulationSetup& s) {
            return std::make_unique<PoissonSource>(s);
        }}};
}

} // namespace gliasim::models
