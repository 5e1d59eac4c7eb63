// SPDX-License-Identifier: MIT
#include "lif_threshold.hpp"

#include <algorithm>
#include <cstddef>

#include "core/multiversion.hpp"

namespace gliasim::models {

// Crossings are rare: a vectorised count per block of neurons finds the few blocks that hold
// one, and only those are scanned (the count is a floating-point sum, which `omp simd` may
// reorder; it is exact either way).
GLIASIM_MULTIVERSION
void emit_threshold_crossings(double* v, std::int64_t* refractory, IndexRange r, double v_th,
                              double v_reset, int ref_steps, step_t step,
                              std::vector<Spike>& spikes) {
    // At 20 Hz and 0.1 ms steps one block of 32 in 16 holds a crossing.
    constexpr std::size_t block = 32;
    for (index_t b = r.begin; b < r.end; b += block) {
        const std::size_t n = std::min<std::size_t>(r.end - b, block);
        const double* vb = v + b;
        double crossed = 0.0;
#pragma omp simd reduction(+ : crossed)
        for (std::size_t i = 0; i < n; ++i) crossed += vb[i] >= v_th ? 1.0 : 0.0;
        if (crossed > 0.0)
            emit_block_crossings(v, refractory, b, static_cast<index_t>(b + n), v_th, v_reset,
                                 ref_steps, step, spikes);
    }
}

} // namespace gliasim::models
