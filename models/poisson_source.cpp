// SPDX-License-Identifier: MIT
// A population of independent Poisson spike trains (PyNN's SpikeSourcePoisson, Brian's
// PoissonGroup): at most one spike per step, with probability 1 - exp(-rate * dt).
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "core/rng.hpp"

namespace gliasim::models {

namespace {

enum Param { rate };

class PoissonSource final : public Population {
public:
    explicit PoissonSource(const PopulationSetup& s)
        : Population(s, 0), rate_(s.size, s.params[rate]) {}

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        // One Philox block serves four neighbouring sources; the block depends only on the
        // source index, so any split into thread ranges draws the same numbers.
        const auto stream = static_cast<std::uint32_t>(Stream::source_spikes) << 24 ^ id_;
        Philox::ctr_type block{};
        index_t block_of = std::numeric_limits<index_t>::max();
        for (index_t i = r.begin; i < r.end; ++i) {
            if (rate_[i] <= 0) continue;
            if ((i >> 2) != block_of) {
                block_of = i >> 2;
                block = philox_block(seed_, stream, block_of, static_cast<std::uint64_t>(step));
            }
            const double p = -std::expm1(-rate_[i] * dt_ * 1e-3);
            const double u = (block.v[i & 3] + 0.5) * 0x1.0p-32;
            if (u < p) spikes.push_back({step, i});
        }
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
