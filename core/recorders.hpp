// SPDX-License-Identifier: MIT
#pragma once

// The recorders: what a run hands to its back-end (spike times, state reports, weight samples)
// and the spikes it keeps or streams for analyses and readouts. The kernel calls them at fixed
// points of its duty cycle: sample() at the end of each step's update (parallel, each thread its
// own columns), take_spikes() in the serial exchange, handle() for the slice-boundary events it
// schedules (flushes, weight samples), flush() at the end.

#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "event_queue.hpp"
#include "network.hpp"
#include "phase_clock.hpp"
#include "recording.hpp"

namespace gliasim {

class StateArchive;

// A consumer of a population's spikes, called once per slice in canonical order.
using SpikeSink = std::function<void(std::span<const Spike>)>;

class Recorders {
public:
    // Schedules the first flush and each weight recorder's first sample into `boundary`.
    Recorders(Network& net, step_t n_steps, EventQueue& boundary);

    RecordingLayout layout() const;

    void keep_spikes(std::size_t population, step_t from);
    const std::vector<Spike>& kept_spikes(std::size_t population) const {
        return kept_[population];
    }
    void stream_spikes(std::size_t population, SpikeSink sink, step_t from);

    // Before a run over slices of `slice` steps: the report buffers, sized for one flush.
    void allocate(step_t slice);
    // Thread `t`'s columns of every report due at the end of `step`; the time goes to the
    // recording phase (`clock`: the phase clock when the last phase ended, advanced here).
    void sample(std::size_t t, step_t step, PhaseTicks& ticks, std::uint64_t& clock);
    // A slice's spikes of `population` in canonical order: kept, streamed, buffered for output.
    void take_spikes(std::size_t population, std::span<const Spike> spikes);
    // A weight_sample or recorder_flush event at the slice boundary `now`; schedules the next.
    void handle(const Event& e, step_t now, RecordingBackend& backend, EventQueue& boundary);
    // Hands everything recorded before `completed` to the back-end and flushes it.
    void flush(step_t completed, RecordingBackend& backend);

    double write_seconds() const { return write_seconds_; }
    double write_cpu_seconds() const { return write_cpu_seconds_; }

    // Checkpoints: the kept spikes and the output's position, saved or loaded; then the loaded
    // values checked against the run at step `step` (CheckpointMismatch).
    void archive(StateArchive& a);
    // The kept spikes of `population`: in order, inside it and before `step`, no more than the
    // `counted` spikes.
    void check_restored_kept(std::size_t population, step_t step, std::uint64_t counted) const;
    // The output's position at `step`: the report rows flushed and the last weight samples.
    void check_restored_rows(step_t step) const;
    // The boundary events a checkpoint at `step` may hold: the flush where the run would have it
    // and at most one sample per weight recorder.
    void check_restored_events(const EventQueue& boundary, step_t step, step_t slice) const;
    // The rows of each output dataset (saved by the back-end under output/) are those the state
    // at `step` implies.
    void check_restored_output(const CheckpointArrays& arrays, step_t step,
                               std::span<const std::uint64_t> spike_counts) const;

private:
    struct Report {
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
    struct WeightRecorder {
        std::size_t projection;
        std::vector<Projection::EdgeRef> edges; // sampled synapses (none for a histogram)
        std::uint32_t bins = 0;
        double low = 0, high = 1;
        step_t interval = 1;
        std::vector<float> row;
        step_t last_sample = -1;
    };
    void add_report(const StateRecorderSpec& rs, std::size_t first_report);
    void add_weight_recorder(std::size_t i, EventQueue& boundary);
    void sample_weights(std::size_t recorder, step_t step, RecordingBackend& backend);

    Network& net_;
    step_t n_steps_;
    step_t flush_steps_ = 1; // steps between flushes
    std::vector<Report> reports_;
    std::vector<WeightRecorder> weight_recorders_;
    std::vector<bool> record_spikes_;              // per population
    std::vector<std::vector<double>> spike_times_; // buffered for output, per population
    std::vector<std::vector<std::uint64_t>> spike_ids_;
    std::vector<step_t> keep_from_;        // per population: keep its spikes from this step on
    std::vector<std::vector<Spike>> kept_; // in canonical order
    std::vector<std::vector<std::pair<step_t, SpikeSink>>> sinks_; // per population: from, sink
    double write_seconds_ = 0;
    double write_cpu_seconds_ = 0;
};

} // namespace gliasim
