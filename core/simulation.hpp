// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "event_queue.hpp"
#include "fault_monitor.hpp"
#include "network.hpp"
#include "phase_clock.hpp"
#include "population_resets.hpp"
#include "recorders.hpp"
#include "recording.hpp"
#include "state_archive.hpp"
#include "stimulus_schedule.hpp"

namespace gliasim {

struct RunStats {
    RunEnd end = RunEnd::completed;
    // When end == numerical_fault: what went wrong (describe() of `fault`, or the message of a
    // model that stopped on its own check), and the scan's finding if it came from the scan.
    std::string fault_message;
    std::optional<NumericalFault> fault;
    step_t steps = 0;                       // steps simulated
    double wall_simulate = 0;               // [s]
    double wall_write = 0;                  // [s] time inside the recording back-end
    double cpu_write = 0;                   // [s] process CPU time inside it
    std::uint64_t synaptic_events = 0;      // since step 0 (a resumed run: both parts)
    std::uint64_t synaptic_events_here = 0; // in this call (what wall_simulate timed)
    std::uint64_t slow_updates = 0;         // astrocyte ODE updates in this call
    // Over several MPI ranks: wall time inside the exchange between ranks during this call
    // (spikes, shared states, continuous outputs, decisions, recorded samples) [s], and the
    // slices simulated (one spike exchange each).
    double wall_exchange = 0;
    std::uint64_t slices = 0;
    // Wall time of the loop by phase [s] (kPhaseNames): the parallel phases averaged over
    // threads, the serial exchange as it is; phase_other is the rest of wall_simulate (threads
    // waiting for each other, events, progress).
    std::array<double, kPhases> phase_seconds{};
    double phase_other = 0;
    std::vector<std::uint64_t> spikes; // per population
};

// Called now and then with the simulated time [ms] and the wall time since the start [s].
using ProgressFn = std::function<void(double simulated_ms, double wall_s)>;

// When run() writes checkpoints: every `every_steps` simulated steps and/or every `every_wall_s`
// seconds of wall time (0: not by that measure), at the first slice boundary due. `write` gets
// the boundary's step after the recorders were flushed; it saves the state (save_state) and the
// back-end's position and writes them. An exception from it stops the run like a write error.
struct CheckpointPolicy {
    step_t every_steps = 0;
    double every_wall_s = 0;
    std::function<void(step_t step)> write;
};

// Owns the network and runs the duty cycle (run() in simulation.cpp: its phases and barriers).
// The parts it drives have a class each: the stimulus schedule, the recorders, the per-sample
// resets and the fault monitor; checkpoints are simulation_checkpoint.cpp.
class Simulation {
public:
    // Over several ranks (`comm`), every rank builds its part of the network and makes the same
    // calls; each hands the same spikes and samples to its back-end only on rank 0 (the other
    // ranks' back-ends get nothing: use a DiscardBackend there).
    explicit Simulation(const NetworkSpec& spec, Communicator comm = {});
    // Its parts hold references to the network.
    Simulation(const Simulation&) = delete;
    Simulation& operator=(const Simulation&) = delete;

    Network& network() { return net_; }
    const Network& network() const { return net_; }
    step_t total_steps() const { return n_steps_; }

    RecordingLayout layout() const { return recorders_.layout(); }

    // Keeps the spikes of `population` emitted from step `from` on in memory, for analyses and
    // task readouts after the run (call before restore_state() and run()).
    void keep_spikes(std::size_t population, step_t from = 0) {
        recorders_.keep_spikes(population, from);
    }
    const std::vector<Spike>& kept_spikes(std::size_t population) const {
        return recorders_.kept_spikes(population);
    }
    // Hands the spikes of `population` emitted from step `from` on to `sink`, once per slice in
    // canonical order, so a readout can consume them as they come instead of keeping them all
    // (a long task run emits more spikes than memory holds). Call before run().
    using SpikeSink = gliasim::SpikeSink;
    void stream_spikes(std::size_t population, SpikeSink sink, step_t from = 0) {
        recorders_.stream_spikes(population, std::move(sink), from);
    }
    // Runs to the end, or to the first slice boundary after `*interrupt` becomes true, a state
    // becomes NaN/inf or a model reports a numerical failure (see RunStats::end). What was recorded
    // is handed to the back-end and flushed in every case; an exception from the back-end stops the
    // run and is rethrown.
    // After restore_state(), the back-end must already hold the run up to the stored step
    // (RecordingBackend::reopen) and the run continues from there.
    RunStats run(RecordingBackend& backend, const ProgressFn& progress = {},
                 const std::atomic<bool>* interrupt = nullptr,
                 const CheckpointPolicy* checkpoint = nullptr);

    // Checkpoints, at a slice boundary: inside CheckpointPolicy::write, or after run() returned
    // early. Everything that changes during a run is saved (docs/design.md, "Checkpoints"); the
    // network itself is rebuilt from the experiment. A network restored from a checkpoint made
    // with the same experiment and thread count continues bit-identically.
    void save_state(CheckpointArrays& arrays);
    // Throws CheckpointMismatch when the arrays do not fit this network. Call before run().
    void restore_state(const CheckpointArrays& arrays);
    // The step a restored simulation continues from (0 for a new one).
    step_t start_step() const { return start_step_; }

private:
    // Slices of min_delay steps: a spike emitted in [begin, end) reaches no target before end,
    // so the threads exchange spikes once per slice.
    struct Slice {
        step_t begin, end;
        bool empty() const { return begin >= end; }
    };
    // A part of a slice with no exact-step event (stimulus change, reset) after its first step.
    struct Segment {
        step_t begin, end;
        bool empty() const { return begin >= end; }
    };
    struct ThreadBuffers {
        std::vector<std::vector<Spike>> spikes; // per population, this slice
        std::uint64_t events = 0;
    };
    struct RunContext; // what one run() shares between its phases (simulation.cpp)

    Slice slice_after(step_t begin) const;
    void run_threads(RunContext& run);
    // The phases of the duty cycle, in their order.
    Segment begin_segment(RunContext& run, Slice s, step_t from);
    void update(std::size_t thread, Slice s, Segment g);
    void update_steps(std::size_t thread, step_t first, step_t last);
    void exchange(RunContext& run, Slice s);
    void merge_spikes();
    void deliver(std::size_t thread, Slice s);

    void handle_event(const Event& e, RecordingBackend& backend);
    void checkpoint_if_due(RunContext& run);
    RunStats statistics(const RunContext& run);

    void archive(StateArchive& a);
    // restore_state's checks (simulation_checkpoint.cpp): every restored value against the
    // network and the run, before anything trusts it.
    void check_restored_kernel(const CheckpointArrays& arrays,
                               const std::vector<Event>& planned_exact) const;
    void check_restored_events(const std::vector<Event>& planned_exact) const;
    void check_restored_values(const CheckpointArrays& arrays) const;

    Network net_;
    step_t n_steps_;
    EventQueue exact_events_;    // must happen at their step (stimulus changes, resets)
    EventQueue boundary_events_; // happen at the first slice boundary at or after their step
    StimulusSchedule stimuli_;
    Recorders recorders_;
    PopulationResets resets_;
    FaultMonitor faults_;
    std::vector<ThreadBuffers> thread_buffers_;
    std::vector<PhaseTicks> phase_ticks_;          // per thread
    std::vector<Spike> merge_scratch_;             // merge_spikes' buffer, kept between slices
    std::vector<Phase> population_phase_;          // neurons or astrocytes, per population
    std::vector<std::vector<Spike>> slice_spikes_; // merged, canonical order, per population
    std::vector<std::vector<double>> factors_;     // per projection: weight factor per spike
    std::vector<std::uint64_t> spike_counts_;
    step_t completed_step_ = 0;       // every step before this one has been simulated
    step_t start_step_ = 0;           // where run() starts: 0, or the step of a restored checkpoint
    std::uint64_t events_before_ = 0; // synaptic events before start_step_
    bool restored_ = false;           // restore_state() was called: the back-end is reopened
};

} // namespace gliasim
