// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "core/types.hpp"

namespace gliasim::models {

// The threshold pass shared by the LIF models, run after their vectorised integration pass:
// crossings are rare, so a plain scan in index order (the canonical spike order) is cheapest.
inline void emit_threshold_crossings(double* v, int* refractory, IndexRange r, double v_th,
                                     double v_reset, int ref_steps, step_t step,
                                     std::vector<Spike>& spikes) {
    for (index_t i = r.begin; i < r.end; ++i) {
        if (v[i] >= v_th) {
            v[i] = v_reset;
            refractory[i] = ref_steps;
            spikes.push_back({step, i});
        }
    }
}

} // namespace gliasim::models
