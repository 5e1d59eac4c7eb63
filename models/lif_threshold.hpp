// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace gliasim::models {

// The threshold pass shared by the LIF models, run after their vectorised integration pass:
// resets every neuron in `r` with v >= v_th, starts its refractory period and appends its spike
// in index order (the canonical spike order).
void emit_threshold_crossings(double* v, std::int64_t* refractory, IndexRange r, double v_th,
                              double v_reset, int ref_steps, step_t step,
                              std::vector<Spike>& spikes);

// The same for neurons [begin, end) that a vectorised test found to hold a crossing: groups of
// eight are tested at once (one vector compare), and only a group with a crossing is walked.
inline void emit_block_crossings(double* v, std::int64_t* refractory, index_t begin, index_t end,
                                 double v_th, double v_reset, int ref_steps, step_t step,
                                 std::vector<Spike>& spikes) {
    index_t g = begin;
    for (; g + 8 <= end; g += 8) {
        const double* x = v + g;
        if (!((x[0] >= v_th) | (x[1] >= v_th) | (x[2] >= v_th) | (x[3] >= v_th) | (x[4] >= v_th) |
              (x[5] >= v_th) | (x[6] >= v_th) | (x[7] >= v_th)))
            continue;
        for (index_t i = g; i < g + 8; ++i) {
            if (v[i] >= v_th) {
                v[i] = v_reset;
                refractory[i] = ref_steps;
                spikes.push_back({step, i});
            }
        }
    }
    for (index_t i = g; i < end; ++i) {
        if (v[i] >= v_th) {
            v[i] = v_reset;
            refractory[i] = ref_steps;
            spikes.push_back({step, i});
        }
    }
}

} // namespace gliasim::models
