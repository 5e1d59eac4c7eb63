// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace gliasim::models {

// Independent Poisson spike trains for the sources in `r` over one step: at most one spike per
// step, with probability 1 - exp(-rate dt) (rate in Hz, dt in ms). One Philox block serves four
// neighbouring sources and depends only on the source index, so any split into thread ranges
// draws the same numbers.
template <typename Rate>
void draw_poisson_spikes(std::uint64_t seed, std::uint32_t population, step_t step, IndexRange r,
                         const Rate* rate, double dt_ms, std::vector<Spike>& spikes) {
    const auto stream = static_cast<std::uint32_t>(Stream::source_spikes) << 24 ^ population;
    Philox::ctr_type block{};
    index_t block_of = std::numeric_limits<index_t>::max();
    for (index_t i = r.begin; i < r.end; ++i) {
        if (!(rate[i] > 0)) continue;
        if ((i >> 2) != block_of) {
            block_of = i >> 2;
            block = philox_block(seed, stream, block_of, static_cast<std::uint64_t>(step));
        }
        const double p = -std::expm1(-static_cast<double>(rate[i]) * dt_ms * 1e-3);
        const double u = (block.v[i & 3] + 0.5) * 0x1.0p-32;
        if (u < p) spikes.push_back({step, i});
    }
}

} // namespace gliasim::models
