// SPDX-License-Identifier: MIT
// Independent Poisson spike input into every target (NEST poisson_generator): each step, each
// target receives k ~ Poisson(rate * dt) spikes of the given weight on the given receptor.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "builtin.hpp"
#include "core/multiversion.hpp"
#include "core/philox_batch.hpp"
#include "core/rng.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define POISSON_GENERATOR_PARAMS(X)                                                                \
    X(rate, .dim = Dim::frequency, .value = 0.0, .min = 0, .max = 1e7,                             \
      .doc = "total input rate per target")
GLIASIM_PARAMS(POISSON_GENERATOR_PARAMS);

class PoissonGenerator final : public Stimulus {
public:
    explicit PoissonGenerator(const StimulusSetup& s)
        : id_(s.id), seed_(s.seed), receptor_(s.receptor), weight_(s.weight) {
        // Beyond ~700 expected spikes per step exp(-lambda) underflows; such rates are split
        // into `chunks_` independent Poisson draws of lambda / chunks_ each.
        const double lambda_total = s.params[0] * s.dt * 1e-3;
        chunks_ = static_cast<std::uint32_t>(std::max(1.0, std::ceil(lambda_total / 500.0)));
        const double lambda = lambda_total / chunks_;
        // Cumulative Poisson table, scaled to 32-bit integers, for inversion from one word.
        double p = std::exp(-lambda), cdf = p;
        for (std::uint32_t k = 0; k < 4096 && cdf < 1.0 - 1e-12; ++k) {
            cdf_.push_back(static_cast<double>(cdf) * 4294967296.0);
            p *= lambda / (k + 1);
            cdf += p;
        }
        cdf_.push_back(std::numeric_limits<double>::infinity());
        for (std::size_t b = 0; b < guide_.size(); ++b) {
            const double edge = static_cast<double>(b << kGuideShift);
            std::size_t k = 0;
            while (cdf_[k] <= edge) ++k;
            guide_[b] = static_cast<std::uint16_t>(k);
        }
    }
    bool acts_every_step() const override { return true; }

    void apply_step(step_t step, std::span<const index_t> targets, Population& target) override {
        if (targets.empty()) return;
        double* slot = target.ring().slot(receptor_, step);
        const bool contiguous = targets.back() - targets.front() + 1 == targets.size();
        if (chunks_ > 1)
            inject_chunked(step, targets, slot);
        else if (contiguous)
            inject_range(step, targets.front(), targets.back() + 1, slot);
        else
            inject_list(step, targets, slot);
    }

private:
    // k = number of table entries <= u. A guide table indexed by the top bits of u gives the
    // answer for the bucket's lower edge (Chen & Asau's indexed search); the scan from there
    // almost never takes a step, so its branch is predictable, unlike a plain linear scan.
    std::size_t count_for(std::uint32_t u) const {
        std::size_t k = guide_[u >> kGuideShift];
        const double x = static_cast<double>(u);
        while (cdf_[k] <= x) ++k;
        return k;
    }

    // Four targets share one Philox block, keyed by target index / 4: the numbers do not depend
    // on how targets are split over threads. Blocks are generated in vectorised batches.
    GLIASIM_MULTIVERSION
    void inject_range(step_t step, index_t begin, index_t end, double* slot) const {
        const auto stream = static_cast<std::uint32_t>(Stream::stimulus) << 24 ^ id_;
        PhiloxBatch batch;
        index_t first_block = begin >> 2;
        const index_t last_block = (end - 1) >> 2;
        while (first_block <= last_block) {
            const std::size_t n = std::min<std::size_t>(kPhiloxBatch, last_block - first_block + 1);
            philox_batch(seed_, stream, first_block, n, static_cast<std::uint64_t>(step), batch);
            const index_t lo = std::max(begin, first_block << 2);
            const index_t hi = std::min<index_t>(end, static_cast<index_t>((first_block + n) << 2));
            for (index_t i = lo; i < hi; ++i) {
                const std::uint32_t u = batch.w[i & 3][(i >> 2) - first_block];
                slot[i] += static_cast<double>(count_for(u)) * weight_;
            }
            first_block += static_cast<index_t>(n);
        }
    }

    // Very high rates: several table draws per target, from a stream keyed by target and step.
    void inject_chunked(step_t step, std::span<const index_t> targets, double* slot) const {
        for (index_t i : targets) {
            RandomStream rs(seed_, Stream::stimulus, id_, i,
                            static_cast<std::uint64_t>(step) * chunks_);
            std::size_t k = 0;
            for (std::uint32_t c = 0; c < chunks_; ++c)
                k += count_for(static_cast<std::uint32_t>(rs.uniform() * 4294967296.0));
            slot[i] += static_cast<double>(k) * weight_;
        }
    }

    void inject_list(step_t step, std::span<const index_t> targets, double* slot) const {
        const auto stream = static_cast<std::uint32_t>(Stream::stimulus) << 24 ^ id_;
        for (index_t i : targets) {
            const auto block =
                philox_block(seed_, stream, i >> 2, static_cast<std::uint64_t>(step));
            slot[i] += static_cast<double>(count_for(block.v[i & 3])) * weight_;
        }
    }

    std::uint32_t id_;
    std::uint64_t seed_;
    std::size_t receptor_;
    double weight_;
    static constexpr int kGuideShift = 22; // 1024 buckets
    std::uint32_t chunks_ = 1;
    std::vector<double> cdf_;
    std::array<std::uint16_t, (1u << (32 - kGuideShift))> guide_{};
};

} // namespace

ModelInfo poisson_generator_info() {
    return ModelInfo{
        .name = "poisson_generator",
        .doc = "independent Poisson spike input into each target (NEST poisson_generator); keys "
               "weight, receptor",
        .params = param_specs(kParams),
        .role = StimulusModel{
            .make_stimulus =
                [](const StimulusSetup& s) { return std::make_unique<PoissonGenerator>(s); },
            .injects_spikes = true}};
}

} // namespace gliasim::models
