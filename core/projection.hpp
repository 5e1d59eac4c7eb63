// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "connectivity.hpp"
#include "model.hpp"
#include "ring_buffer.hpp"
#include "types.hpp"
#include "value_spec.hpp"

namespace gliasim {

// The synapses of a projection part in compressed sparse rows: the synapses of source i are
// the edge ids row_start[i] .. row_start[i+1], and column[e] is edge e's target. Per-edge data
// are parallel arrays indexed by edge id. A plain type rather than Boost.Graph's
// compressed_sparse_row_graph (used until issue 17, through its internal m_forward members):
// no graph algorithm runs on it, and Projection::build_part writes each synapse's column,
// weight, delay and tag straight to its final position after a counting pass. BGL's public
// constructors place the edges themselves, so the per-edge data would need either its bundled
// edge properties (an array of structs, where the delivery loop wants parallel arrays) or a
// second copy of the edge list (twice the build's peak memory).
struct SynapseCsr {
    std::vector<std::uint32_t> row_start; // sources + 1
    std::vector<std::uint32_t> column;    // one per synapse
};

inline constexpr index_t kNoTag = 0xFFFFFFFFu;

// Connections given explicitly, per target: the sources of target j are
// sources[offsets[j] .. offsets[j+1]) (used for the links a tripartite rule derives).
struct ExplicitSources {
    std::vector<std::uint64_t> offsets; // n_target + 1
    std::vector<index_t> sources;
    // Every entry of list j is j itself, and `sources` stays empty: edge tags that name the
    // synapse's own target (an s -> astrocyte link tagged with its astrocyte) cost nothing.
    bool entries_are_index = false;
};

struct ProjectionSetup {
    std::string name;
    std::uint32_t id = 0;
    index_t n_source = 0;
    index_t n_target = 0;
    bool same_population = false;
    ConnectionRule rule;
    ValueSpec weight; // internal unit of the target's weight dimension
    ValueSpec delay;  // [ms]
    std::size_t receptor = 0;
    bool continuous = false; // carries the source's continuous output every step
    const ExplicitSources* explicit_sources = nullptr; // instead of `rule`, when set
    // Optional tag per synapse (e.g. the astrocyte covering it), per target in draw order:
    // tags.sources[tags.offsets[j] + k] belongs to the k-th synapse drawn for target j.
    const ExplicitSources* edge_tags = nullptr;
    double dt = 0.1; // [ms]
    std::uint64_t seed = 0;
};

// A set of static synapses from one population to another, split into parts by target range so
// that each thread delivers to its own targets only (no atomics on the delivery path).
class Projection {
public:
    // Draws the connectivity for the given target ranges (one part per range).
    Projection(const ProjectionSetup& setup, std::span<const IndexRange> target_parts);

    const std::string& name() const { return name_; }
    std::size_t receptor() const { return receptor_; }
    std::size_t parts() const { return parts_.size(); }
    std::uint64_t size() const { return n_edges_; }
    step_t min_delay() const { return min_delay_; }
    step_t max_delay() const { return max_delay_; }

    // Adds the weights of every synapse of `spikes`' senders that lands in part `part`.
    // Returns the number of synaptic events delivered.
    // `factor`, when given, scales spike k's weight (short-term plasticity).
    std::uint64_t deliver(std::span<const Spike> spikes, std::size_t part, InputRing& ring,
                          const double* factor = nullptr) const;

    // Continuous coupling: adds weight x the source's output of every step in [first, last)
    // to the target channel at step + delay. Returns the number of non-zero transmissions.
    std::uint64_t deliver_continuous(const Population& source, step_t first, step_t last,
                                     std::size_t part, InputRing& ring) const;
    bool continuous() const { return continuous_; }

    // Heap bytes of the synapse storage (CSR + per-edge arrays).
    std::size_t bytes() const;

    // Read access for tests and output: all synapses as (source, target, weight, delay steps).
    struct Edge {
        index_t source;
        index_t target;
        float weight;
        std::uint16_t delay;
    };
    std::vector<Edge> edges() const;

    // Read access to one part's arrays, for synapse models that deliver spikes themselves.
    struct PartView {
        const std::uint32_t* rows; // row offsets by source
        const std::uint32_t* cols; // target index per synapse
        const float* weight;
        const std::uint16_t* delay; // null when every delay is const_delay
        std::uint16_t const_delay;
        const index_t* tag; // null without edge tags
        std::size_t size;   // synapses in the part
    };
    PartView part(std::size_t i) const;
    IndexRange part_targets(std::size_t i) const { return parts_[i].targets; }
    // Every synapse as (part, edge id within the part), in an order that does not depend on the
    // partition: by source, then target, then draw order.
    struct EdgeRef {
        std::uint32_t part;
        std::uint32_t edge;
        index_t source;
        index_t target;
    };
    std::vector<EdgeRef> canonical_edges() const;

    // The weights of part i, writable by plasticity rules (the part's thread only).
    std::span<float> weights(std::size_t i) { return parts_[i].weight; }

private:
    struct Part {
        SynapseCsr csr;
        std::vector<float> weight;
        std::vector<std::uint16_t> delay; // empty when every delay equals const_delay
        std::uint16_t const_delay = 1;
        std::vector<index_t> tag;   // empty unless the projection has edge tags
        bool tag_is_target = false; // the tags are the target column itself
        IndexRange targets;         // the targets this part's synapses end on
    };
    Part build_part(const ProjectionSetup& s, IndexRange targets);

    std::string name_;
    std::size_t receptor_;
    bool continuous_ = false;
    std::vector<Part> parts_;
    std::uint64_t n_edges_ = 0;
    step_t min_delay_ = 0;
    step_t max_delay_ = 0;
};

// Converts a delay in ms to whole steps; throws std::invalid_argument when out of [1, 65535].
std::uint16_t delay_to_steps(double delay_ms, double dt);

} // namespace gliasim
