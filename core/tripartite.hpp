// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

#include "network_spec.hpp"
#include "projection.hpp"

namespace gliasim {

// The links a third-factor rule derives from a primary projection, as per-target source lists.
struct TripartiteLinks {
    ExplicitSources astro_in; // per astrocyte: the primary sources it senses (s -> a)
    // per primary target: the astrocytes acting on it (a -> t); no links without an output
    ExplicitSources astro_out;
    // Tags of the primary synapses (covering astrocyte or kNoTag), and of the s -> a links
    // (the astrocyte itself: entries_are_index, no list), for synapse models that read their
    // astrocyte's state.
    ExplicitSources primary_tags;
    ExplicitSources astro_in_tags;
};

// Re-draws the primary connections of projection `id` target by target (the same counter-based
// streams, so exactly the primary projection's edges) and pairs them with astrocytes.
TripartiteLinks draw_tripartite(const ProjectionSpec& pj, std::uint32_t id, index_t n_source,
                                index_t n_target, index_t n_astro, std::uint64_t seed);

// The astrocyte pool of target j for block pools (see ThirdFactorSpec): [first, first + size).
struct BlockPool {
    index_t first;
    index_t size;
};
BlockPool block_pool(index_t j, index_t n_target, index_t n_astro, std::uint32_t pool_size);

} // namespace gliasim
