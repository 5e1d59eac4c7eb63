// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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

} // namespace gliasim::models
