// SPDX-License-Identifier: MIT
#pragma once

// The run's /metadata, built in one place: what is known once the network is built (the writer
// stores it at open, so even a killed run's file says what was run), then what the run measured,
// then its checkpoints' cost.

#include <chrono>
#include <optional>

#include "analysis/branching_factor.hpp"
#include "core/communicator.hpp"
#include "core/recording.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "session/checkpointer.hpp"

namespace gliasim::session {

// The experiment, the machine and the built network (synapses summed over the ranks); the
// build's wall time counts from `build_started` to now.
RunMetadata metadata_before_run(const Experiment& ex, const Simulation& sim, Communicator& comm,
                                std::chrono::steady_clock::time_point build_started);

// What the run measured: CPU and wall times, rates, the largest rank's peak memory, where the
// time went, why it stopped early. `cpu_run_s` is the process CPU time of the loop.
void record_run(RunMetadata& meta, const RunStats& stats,
                const std::optional<BranchingResult>& branching, const Simulation& sim, double dt,
                Communicator& comm, double cpu_run_s);

// Count, size and cost of the checkpoints written (nothing when there were none).
void record_checkpoints(RunMetadata& meta, const Checkpointer& checkpointer);

} // namespace gliasim::session
