// SPDX-License-Identifier: MIT
// A population of independent Poisson spike trains (PyNN's SpikeSourcePoisson, Brian's
// PoissonGroup): at most one spike per step, with probability 1 - exp(-rate * dt).

#include "builtin.hpp"
#include "poisson_draw.hpp"

namespace gliasim::models {

namespace {

enum Param { rate };

class PoissonSource final : public Population {
public:
    explicit PoissonSource(const PopulationSetup& s)
        : Population(s, 0), rate_(s.size, s.params[rate]) {}

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        draw_poisson_spikes(seed_, id_, step, r, rate_.data(), dt_, spikes);
    }

    std::span<double> state(std::size_t) override { return rate_; }

private:
    std::vector<double> rate_; // [Hz] per source, settable through the `rate` state variable
};

} // namespace

ModelInfo poisson_source_info() {
    ModelInfo m;
    m.name = "poisson_source";
    m.kind = ModelKind::source;
    m.doc = "independent Poisson spike trains, one per entity (PyNN SpikeSourcePoisson)";
    m.params = {{"rate", Dim::frequency, 10.0, 0, 1e5, "mean firing rate"}};
    m.state = {
        {"rate", Dim::frequency, "firing rate of each source (may be initialised per source)"}};
    m.make_population = [](const PopulationSetup& s) { return std::make_unique<PoissonSource>(s); };
    return m;
}

} // namespace gliasim::models
