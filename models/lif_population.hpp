// SPDX-License-Identifier: MIT
#pragma once

// What the leaky integrate-and-fire models share: the membrane potential, the refractory
// counter, the SIC level, threshold and reset, and the block loop that runs a model's
// vectorised update over a thread's range and emits the spikes. A model adds its synaptic state
// and its per-block update (the arithmetic differs from model to model and stays with it).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/multiversion.hpp"
#include "core/types.hpp"

namespace gliasim::models {

// The LIF models integrate their neurons in blocks of kLifBlock: one vectorised loop per block
// that also counts the neurons reaching the threshold, and emit_block_crossings only for the
// few blocks that have one (crossings are rare: a separate scalar pass over every neuron was
// 15 % of COBA's loop). 64: at Brunel's 36 Hz a block of 256 held a crossing in most steps
// (scanned 5-8 % slower), at COBA's 19 Hz both sizes cost the same.
inline constexpr index_t kLifBlock = 64;

// Resets every neuron in [begin, end) with v >= v_th, starts its refractory period and appends
// its spike in index order (the canonical spike order). Groups of eight are tested at once (one
// vector compare), and only a group with a crossing is walked.
inline void emit_block_crossings(double* v, std::int64_t* refractory, index_t begin, index_t end,
                                 double v_th, double v_reset, int ref_steps, step_t step,
                                 std::vector<Spike>& spikes) {
    for (index_t g = begin; g < end; g += 8) {
        const index_t e = std::min(end, g + 8);
        const double* x = v + g;
        if (e - g == 8 && !((x[0] >= v_th) | (x[1] >= v_th) | (x[2] >= v_th) | (x[3] >= v_th) |
                            (x[4] >= v_th) | (x[5] >= v_th) | (x[6] >= v_th) | (x[7] >= v_th)))
            continue;
        for (index_t i = g; i < e; ++i) {
            if (v[i] >= v_th) {
                v[i] = v_reset;
                refractory[i] = ref_steps;
                spikes.push_back({step, i});
            }
        }
    }
}

// The cross-parameter check of every LIF model.
inline std::optional<std::string> reset_below_threshold(double v_reset, double v_th) {
    if (!(v_reset < v_th))
        return fmt::format("V_reset ({} mV) must be below V_th ({} mV)", v_reset, v_th);
    return std::nullopt;
}

// One step's inputs of the neurons, indexed by neuron: spike input per receptor (read and
// cleared by the update), the SIC changes (unread and left alone when `sic_fed` is false:
// without astrocytes nothing arrives on that channel) and the stimulus current [pA].
struct LifInputs {
    double* ex;
    double* in;
    double* sic;
    bool sic_fed;
    const double* stim;
};

// State shared by the LIF models. Three input channels: excitatory and inhibitory spikes, then
// the SIC from astrocytes.
class LifState : public Population {
public:
    // A per-sample reset also ends refractoriness (kept outside the state variables).
    void on_reset() override { std::fill(refractory_.begin(), refractory_.end(), 0); }

    void archive_extra(StateArchive& a) override {
        a.io("refractory", refractory_);
        if (a.loading()) a.require_within<std::int64_t>("refractory", refractory_, 0, ref_steps_);
    }

protected:
    LifState(const PopulationSetup& s, double v_rest, double v_th, double v_reset, double t_ref)
        : Population(s, 3), v_(s.size, v_rest), i_sic_(s.size, 0.0), refractory_(s.size, 0),
          v_th_(v_th), v_reset_(v_reset), ref_steps_(static_cast<int>(std::lround(t_ref / s.dt))) {}

    std::vector<double> v_, i_sic_;
    std::vector<std::int64_t> refractory_; // 64-bit: the update loop keeps every lane 64 bits wide
    double v_th_, v_reset_;
    int ref_steps_;
};

// The update of a LIF model: `Model::integrate_block(b, n, inputs)` advances neurons [b, b + n)
// with one vectorised loop (refractory neurons keep V = V_reset) and returns how many reached
// the threshold (a floating-point count keeps the lanes 64 bits wide; `omp simd` may sum it in
// any order, exactly); only the blocks with a crossing are scanned for spikes.
template <class Model> class LifPopulation : public LifState {
public:
    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) final {
        advance(step, r,
                LifInputs{ring_.slot(0, step), ring_.slot(1, step), ring_.slot(2, step),
                          channel_fed(2), stim_current_.data()},
                spikes);
    }

protected:
    using LifState::LifState;

private:
    // Compiled for AVX-512, AVX2 and the x86-64 baseline (core/multiversion.hpp) with
    // bit-identical results; the model's block update is inlined into each clone.
    GLIASIM_MULTIVERSION
    void advance(step_t step, IndexRange r, const LifInputs& inputs, std::vector<Spike>& spikes) {
        for (index_t b = r.begin; b < r.end; b += kLifBlock) {
            const index_t e = std::min(r.end, b + kLifBlock);
            const std::size_t n = e - b;
            if (static_cast<Model*>(this)->integrate_block(b, n, inputs) > 0.0)
                emit_block_crossings(v_.data(), refractory_.data(), b, e, v_th_, v_reset_,
                                     ref_steps_, step, spikes);
        }
    }
};

} // namespace gliasim::models
