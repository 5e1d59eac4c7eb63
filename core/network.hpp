// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <vector>

#include "model.hpp"
#include "network_spec.hpp"
#include "projection.hpp"

namespace gliasim {

// The coupling partners of each of n entities under rule `c` (sorted lists; empty if none).
std::vector<std::vector<index_t>> draw_coupling(const CouplingSpec& c, index_t n,
                                                std::uint64_t seed, std::uint32_t population);

// Splits [0, size) into `parts` contiguous ranges of near-equal size whose boundaries are
// multiples of `grain`.
IndexRange partition_range(index_t size, std::size_t parts, std::size_t part, index_t grain = 1);

// The built network: populations with their state, projections split by thread-owned target
// ranges, and stimuli with their target lists.
class Network {
public:
    Network(const NetworkSpec& spec);

    const NetworkSpec& spec() const { return spec_; }
    std::size_t threads() const { return threads_; }

    std::vector<std::unique_ptr<Population>>& populations() { return populations_; }
    const std::vector<std::unique_ptr<Population>>& populations() const { return populations_; }
    const std::vector<Projection>& projections() const { return projections_; }
    std::vector<Projection>& projections() { return projections_; }
    // The specification of each built projection: the file's, then the ones third-factor
    // rules derived (named <primary>.astrocyte_in / .astrocyte_out).
    const std::vector<ProjectionSpec>& projection_specs() const { return projection_specs_; }
    std::vector<std::unique_ptr<Stimulus>>& stimuli() { return stimuli_; }
    // Per projection: its spike-time dynamics, or null for plain static synapses.
    std::vector<std::unique_ptr<Transmission>>& transmissions() { return transmissions_; }

    // Range of population `pop` owned by thread `t`.
    IndexRange range(std::size_t pop, std::size_t t) const { return ranges_[pop][t]; }

    // Copies the modulator states that populations read (serial; at slice starts).
    void refresh_modulators();

    step_t min_delay() const { return min_delay_; }
    step_t max_delay() const { return max_delay_; }
    std::uint64_t synapses() const;
    std::size_t synapse_bytes() const;
    // Synapses of plastic projections and the bytes they take (graph, weights, rule state).
    std::uint64_t plastic_synapses() const;
    std::size_t plastic_synapse_bytes() const;

private:
    void initialise_state(const PopulationSpec& ps, Population& pop, std::uint32_t id);

    NetworkSpec spec_;
    std::size_t threads_;
    std::vector<std::unique_ptr<Population>> populations_;
    std::vector<std::vector<IndexRange>> ranges_;
    std::vector<ProjectionSpec> projection_specs_;
    std::vector<Projection> projections_;
    std::vector<std::unique_ptr<Transmission>> transmissions_;
    std::vector<std::unique_ptr<Stimulus>> stimuli_;
    struct ModulatorCopy {
        std::size_t source;             // population whose state is read
        std::size_t var;                // its state variable
        std::unique_ptr<double[]> copy; // stable address, bound to the reader
        std::size_t size;
    };
    std::vector<ModulatorCopy> modulator_copies_;
    step_t min_delay_ = 1;
    step_t max_delay_ = 1;
};

} // namespace gliasim
