// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <vector>

#include "communicator.hpp"
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
//
// Over R ranks of T threads (`comm`), every population is split into R*T contiguous parts;
// rank r owns parts r*T .. r*T+T-1 and its thread t works on part r*T+t, so the order of the
// parts is the order of the entities whatever R and T. A rank builds the synapses of its own
// targets only; every rank keeps the state of every entity (only its own are updated).
struct ThirdFactorLinks;

class Network {
public:
    explicit Network(const NetworkSpec& spec, Communicator comm = {});

    const NetworkSpec& spec() const { return spec_; }
    std::size_t threads() const { return threads_; }
    Communicator& comm() { return comm_; }
    const Communicator& comm() const { return comm_; }

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

    // Range of population `pop` owned by thread `t` (of this rank).
    IndexRange range(std::size_t pop, std::size_t t) const { return ranges_[pop][t]; }
    // Range of population `pop` owned by rank `r` (the union of its threads' ranges).
    IndexRange rank_range(std::size_t pop, int r) const {
        return rank_ranges_[pop][static_cast<std::size_t>(r)];
    }

    // Copies the modulator states that populations read (serial; at slice starts).
    void refresh_modulators();
    // Over several ranks: gives every rank the values that other ranks computed and this rank
    // reads before delivering the slice [first, last): the state columns that synapse models
    // read at delivery (modulators) and the continuous outputs (e.g. SIC) of those steps.
    void exchange_for_delivery(step_t first, step_t last);

    step_t min_delay() const { return min_delay_; }
    step_t max_delay() const { return max_delay_; }
    // Synapses and their bytes held by this rank (all of them with one rank).
    std::uint64_t synapses() const;
    std::size_t synapse_bytes() const;
    // Synapses of plastic projections and the bytes they take (graph, weights, rule state).
    std::uint64_t plastic_synapses() const;
    std::size_t plastic_synapse_bytes() const;

private:
    // The constructor's steps, in order.
    void build_populations();
    void bind_modulators();
    void build_projections(const ThirdFactorLinks& links);
    void set_delay_range();
    void build_stimuli(); // and which input channels anything feeds
    void initialise_state(const PopulationSpec& ps, Population& pop, std::uint32_t id);

    NetworkSpec spec_;
    Communicator comm_;
    std::size_t threads_;
    std::vector<std::unique_ptr<Population>> populations_;
    std::vector<std::vector<IndexRange>> ranges_;
    std::vector<std::vector<IndexRange>> rank_ranges_;
    // Exchanged before delivery over several ranks: (population, variable) state columns that
    // synapse models read, and the populations whose continuous output a projection carries.
    std::vector<std::pair<std::size_t, std::size_t>> read_columns_;
    std::vector<std::size_t> output_sources_;
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
