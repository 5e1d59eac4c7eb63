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

#include "branching_factor.hpp"
#include "event_queue.hpp"
#include "network.hpp"
#include "phase_clock.hpp"
#include "recording.hpp"
#include "state_archive.hpp"
#include "state_check.hpp"

namespace gliasim {

// How a run ended: every step simulated, or stopped early at a slice boundary (the output then
// holds everything up to `RunStats::steps`).
enum class RunEnd { completed, numerical_fault, interrupted };

// A state that became NaN or infinite: seen at the check at `step`, finite at the check at
// `last_good_step`.
struct NumericalFault {
    std::size_t population;
    NonFiniteState state;
    step_t last_good_step;
    step_t step;
};

// "numerical fault in population 'exc' (model aeif_cond_alpha_astro): entity 3, V_m = nan at
// t = 12.5 ms (finite at t = 11.5 ms)".
std::string describe(const NumericalFault& fault, const NetworkSpec& spec);

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
    std::optional<BranchingResult> branching;
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

// Owns the network and runs the duty cycle. See run() in simulation.cpp for the phase order.
class Simulation {
public:
    // Over several ranks (`comm`), every rank builds its part of the network and makes the same
    // calls; each hands the same spikes and samples to its back-end only on rank 0 (the other
    // ranks' back-ends get nothing: use a DiscardBackend there).
    explicit Simulation(const NetworkSpec& spec, Communicator comm = {});

    Network& network() { return net_; }
    const Network& network() const { return net_; }
    step_t total_steps() const { return n_steps_; }

    RecordingLayout layout() const;

    // Keeps the spikes of `population` emitted from step `from` on in memory, for analyses and
    // task readouts after the run (call before run()).
    void keep_spikes(std::size_t population, step_t from = 0);
    const std::vector<Spike>& kept_spikes(std::size_t population) const {
        return kept_[population];
    }
    // Hands the spikes of `population` emitted from step `from` on to `sink`, once per slice in
    // canonical order, so a readout can consume them as they come instead of keeping them all
    // (a long task run emits more spikes than memory holds). Call before run().
    using SpikeSink = std::function<void(std::span<const Spike>)>;
    void stream_spikes(std::size_t population, SpikeSink sink, step_t from = 0);
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
    struct ThreadBuffers {
        std::vector<std::vector<Spike>> spikes; // per population, this slice
        std::uint64_t events = 0;
        std::optional<std::pair<std::size_t, NonFiniteState>> fault; // population, state
        std::string model_error; // what a model's update threw (first one of the slice)
    };
    struct ReportState {
        std::size_t population;
        std::vector<std::size_t> variables;
        std::vector<index_t> ids;
        step_t interval;
        std::vector<std::pair<std::size_t, std::size_t>> thread_columns; // [begin, end) per thread
        std::vector<std::vector<float>> buffers;                         // per variable
        std::uint64_t rows_flushed = 0; // samples already handed to the back-end
        std::size_t capacity = 0;       // rows each buffer holds
        std::size_t first_report = 0;   // index of its first variable in the layout
    };
    struct WeightRecorderState {
        std::size_t projection;
        std::vector<Projection::EdgeRef> edges; // sampled synapses (none for a histogram)
        std::uint32_t bins = 0;
        double low = 0, high = 1;
        step_t interval = 1;
        std::vector<float> row;
        step_t last_sample = -1;
    };
    struct StimulusState {
        std::size_t target;
        std::vector<index_t> ids;
        std::vector<std::pair<std::size_t, std::size_t>> thread_ids; // slice of ids per thread
        bool active = false;
        bool every_step = false;
    };

    void update_steps(std::size_t thread, step_t first, step_t last);
    void merge_spikes();
    // How the run goes on after a slice: decided at its end, the same on every rank.
    struct Outcome {
        RunEnd end = RunEnd::completed;
        std::optional<NumericalFault> fault;
        std::string message;
    };
    // Updates `outcome` from this slice's state scan, model errors and the interrupt flag of
    // every rank; returns whether a back-end failed on some rank (every rank then stops).
    bool decide(step_t slice_start, step_t slice_end, bool interrupted, bool write_failed,
                Outcome& outcome);
    void deliver(std::size_t thread, step_t slice_start, step_t slice_end);
    void handle_event(const Event& e, RecordingBackend& backend);
    void recompute_currents(std::size_t population);
    void reset_population(std::size_t population, step_t step);
    void sample_weights(std::size_t recorder, step_t step, RecordingBackend& backend);
    BranchingResult branching() const;
    void flush(RecordingBackend& backend);
    bool state_check_due(step_t slice_start, step_t slice_end) const;
    void check_states(std::size_t thread);
    std::optional<NumericalFault> collect_faults(step_t step);
    void archive(StateArchive& a);
    // restore_state's checks (simulation_restore.cpp): every restored value against the network
    // and the run, before anything trusts it.
    void check_restored_kernel(const CheckpointArrays& arrays,
                               const std::vector<Event>& planned_exact) const;
    void check_restored_events(const std::vector<Event>& planned_exact) const;
    void check_restored_values(const CheckpointArrays& arrays) const;
    void check_restored_output(const CheckpointArrays& arrays) const;

    Network net_;
    step_t n_steps_;
    EventQueue exact_events_;    // must happen at their step (stimulus changes)
    EventQueue boundary_events_; // happen at the first slice boundary at or after their step
    std::vector<ThreadBuffers> thread_buffers_;
    std::vector<PhaseTicks> phase_ticks_;          // per thread
    std::vector<Spike> merge_scratch_;             // merge_spikes' buffer, kept between slices
    std::vector<Phase> population_phase_;          // neurons or astrocytes, per population
    std::vector<std::vector<Spike>> slice_spikes_; // merged, canonical order, per population
    std::vector<std::vector<double>> factors_;     // per projection: weight factor per spike
    std::vector<std::vector<double>> spike_times_; // buffered for output, per population
    std::vector<std::vector<std::uint64_t>> spike_ids_;
    std::vector<bool> record_spikes_;
    std::vector<step_t> keep_from_;        // per population: keep its spikes from this step on
    std::vector<std::vector<Spike>> kept_; // in canonical order
    std::vector<std::vector<std::pair<step_t, SpikeSink>>> sinks_; // per population: from, sink
    std::vector<ReportState> reports_;
    std::vector<StimulusState> stimuli_;
    std::vector<WeightRecorderState> weight_recorders_;
    std::vector<std::uint64_t> spike_counts_;
    // Per population with per-sample resets: each state variable's initial column.
    std::vector<std::vector<std::vector<double>>> initial_state_;
    std::vector<step_t> last_reset_; // per population: step of its latest reset
    double write_seconds_ = 0;
    double write_cpu_seconds_ = 0;
    step_t completed_step_ = 0;       // every step before this one has been simulated
    step_t flush_steps_ = 1;          // steps between flushes of the recorders
    step_t check_every_ = 1;          // steps between scans of the state for NaN/inf
    step_t last_check_ = 0;           // step of the latest scan that found every state finite
    step_t start_step_ = 0;           // where run() starts: 0, or the step of a restored checkpoint
    std::uint64_t events_before_ = 0; // synaptic events before start_step_
    bool restored_ = false;           // restore_state() was called: the back-end is reopened
};

} // namespace gliasim
