// SPDX-License-Identifier: MIT
// Independent Poisson spike input into every target (NEST poisson_generator): each step, each
// target receives k ~ Poisson(rate * dt) spikes of the given weight on the given receptor.
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "core/rng.hpp"

namespace gliasim::models {

namespace {

class PoissonGenerator final : public Stimulus {
public:
    explicit PoissonGenerator(const StimulusSetup& s)
        : id_(s.id), seed_(s.seed), receptor_(s.receptor), weight_(s.weight) {
        const double lambda = s.params[0] * s.dt * 1e-3;
        // Cumulative Poisson table, scaled to 32-bit integers, for inversion from one word.
        double p = std::exp(-lambda), cdf = p;
        for (std::uint32_t k = 0; k < 4096 && cdf < 1.0 - 1e-12; ++k) {
            cdf_.push_back(static_cast<double>(cdf) * 4294967296.0);
            p *= lambda / (k + 1);
            cdf += p;
        }
        cdf_.push_back(std::numeric_limits<double>::infinity());
    }
    bool acts_every_step() const override { return true; }

    void apply_step(step_t step, std::span<const index_t> targets, Population& target) override {
        if (targets.empty()) return;
        double* slot = target.ring().slot(receptor_, step);
        const auto stream = static_cast<std::uint32_t>(Stream::stimulus) << 24 ^ id_;
        Philox::ctr_type block{};
        index_t block_of = std::numeric_limits<index_t>::max();
        for (index_t i : targets) {
            // Four targets share a block, keyed by target index: thread-count independent.
            if ((i >> 2) != block_of) {
                block_of = i >> 2;
                block = philox_block(seed_, stream, block_of, static_cast<std::uint64_t>(step));
            }
            const double u = block.v[i & 3];
            std::uint32_t k = 0;
            while (u >= cdf_[k]) ++k;
            if (k) slot[i] += k * weight_;
        }
    }

private:
    std::uint32_t id_;
    std::uint64_t seed_;
    std::size_t receptor_;
    double weight_;
    std::vector<double> cdf_;
};

} // namespace

ModelInfo poisson_generator_info() {
    ModelInfo m;
    m.name = "poisson_generator";
    m.kind = ModelKind::stimulus;
    m.doc = "independent Poisson spike input into each target (NEST poisson_generator); keys "
            "weight, receptor";
    m.params = {{"rate", Dim::frequency, 0.0, 0, 1e7, "total input rate per target"}};
    m.injects_spikes = true;
    m.make_stimulus = [](const StimulusSetup& s) { return std::make_unique<PoissonGenerator>(s); };
    return m;
}

} // namespace gliasim::models
