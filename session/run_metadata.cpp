// SPDX-License-Identifier: MIT
#include "session/run_metadata.hpp"

#include <fmt/format.h>

#include "session/process_info.hpp"

namespace gliasim::session {

RunMetadata metadata_before_run(const Experiment& ex, const Simulation& sim, Communicator& comm,
                                std::chrono::steady_clock::time_point build_started) {
    RunMetadata meta;
    meta.experiment_toml = ex.resolved_toml;
    meta.experiment_file = ex.source;
    meta.seed = ex.network.seed;
    meta.version = GLIASIM_VERSION;
    meta.threads = ex.network.threads;
    meta.ranks = comm.size();
    meta.dt = ex.network.dt;
    meta.duration = static_cast<double>(sim.total_steps()) * ex.network.dt;
    // Each rank holds its targets' synapses: the network's are the sums over the ranks.
    std::uint64_t synapse_counts[] = {sim.network().synapses(), sim.network().synapse_bytes(),
                                      sim.network().plastic_synapses(),
                                      sim.network().plastic_synapse_bytes()};
    comm.sum(synapse_counts);
    meta.synapses = synapse_counts[0];
    meta.bytes_per_synapse =
        meta.synapses ? static_cast<double>(synapse_counts[1]) / static_cast<double>(meta.synapses)
                      : 0;
    meta.wall_build =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - build_started).count();
    if (const auto plastic = synapse_counts[2]) {
        meta.figures.emplace_back("plastic_synapses", static_cast<double>(plastic));
        meta.figures.emplace_back("bytes_per_plastic_synapse",
                                  static_cast<double>(synapse_counts[3]) /
                                      static_cast<double>(plastic));
    }
    return meta;
}

void record_run(RunMetadata& meta, const RunStats& stats,
                const std::optional<BranchingResult>& branching, const Simulation& sim, double dt,
                Communicator& comm, double cpu_run_s) {
    // Process CPU time of the loop, for comparisons on a busy machine (Brian 2's standalone
    // reports its loop in CPU time too, and writes its results after it): without the
    // recorders' flushes, which are reported apart, like the wall times.
    meta.figures.emplace_back("cpu_simulate_s", cpu_run_s - stats.cpu_write);
    meta.figures.emplace_back("cpu_write_s", stats.cpu_write);
    const double stopped_ms = static_cast<double>(stats.steps) * dt;
    if (stats.end == RunEnd::numerical_fault)
        meta.stopped = stats.fault_message;
    else if (stats.end == RunEnd::interrupted)
        meta.stopped = fmt::format("interrupted by a signal at t = {:g} ms", stopped_ms);

    meta.wall_simulate = stats.wall_simulate;
    meta.wall_write = stats.wall_write;
    // A resumed run times only its own part.
    const double simulated_ms = static_cast<double>(sim.total_steps() - sim.start_step()) * dt;
    meta.real_time_factor = simulated_ms > 0 ? stats.wall_simulate / (simulated_ms * 1e-3) : 0;
    meta.synaptic_events = static_cast<double>(stats.synaptic_events);
    meta.synaptic_events_per_s =
        stats.wall_simulate > 0
            ? static_cast<double>(stats.synaptic_events_here) / stats.wall_simulate
            : 0;
    meta.astrocyte_updates_per_s =
        stats.wall_simulate > 0 ? static_cast<double>(stats.slow_updates) / stats.wall_simulate : 0;
    step_t peak[] = {static_cast<step_t>(peak_memory_bytes())};
    comm.max(peak);
    meta.peak_memory_bytes = static_cast<std::uint64_t>(peak[0]);
    meta.wall_exchange = stats.wall_exchange;
    for (std::size_t k = 0; k < kPhases; ++k)
        meta.figures.emplace_back(fmt::format("phase_{}_s", kPhaseNames[k]),
                                  stats.phase_seconds[k]);
    meta.figures.emplace_back("phase_other_s", stats.phase_other);
    if (comm.size() > 1)
        meta.figures.emplace_back("exchange_slices", static_cast<double>(stats.slices));
    if (branching) {
        meta.figures.emplace_back("branching_factor", branching->branching_factor);
        meta.figures.emplace_back("branching_factor_pooled", branching->pooled);
        meta.figures.emplace_back("branching_spikes_counted",
                                  static_cast<double>(branching->spikes_counted));
    }
    meta.completed = stats.end == RunEnd::completed;
}

void record_checkpoints(RunMetadata& meta, const Checkpointer& checkpointer) {
    if (checkpointer.written == 0) return;
    meta.figures.emplace_back("checkpoints_written", checkpointer.written);
    meta.figures.emplace_back("checkpoint_bytes", static_cast<double>(checkpointer.last_bytes));
    meta.figures.emplace_back("checkpoint_write_s", checkpointer.seconds);
}

} // namespace gliasim::session
