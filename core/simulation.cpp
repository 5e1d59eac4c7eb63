// SPDX-License-Identifier: MIT
#include "simulation.hpp"

#include "step_barrier.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <omp.h>
#include <stdexcept>

namespace gliasim {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Checkpoints by simulated time fall on the first boundary at or after each multiple of
// every_steps, so that where they fall does not depend on where a run was resumed.
step_t next_checkpoint(const CheckpointPolicy* policy, step_t after) {
    return policy && policy->every_steps > 0
               ? (after / policy->every_steps + 1) * policy->every_steps
               : std::numeric_limits<step_t>::max();
}
} // namespace

// What one run() call shares between its threads and phases. Written only in serial phases (on
// thread 0) and read by the other threads after the barrier that ends them.
struct Simulation::RunContext {
    RecordingBackend& backend;
    const ProgressFn& progress;
    const std::atomic<bool>* interrupt;
    const CheckpointPolicy* checkpoint;
    Clock::time_point t_start = Clock::now();
    std::uint64_t clock_start = phase_clock();
    Clock::time_point t_last_progress = t_start;
    Clock::time_point t_checkpoint = t_start;
    step_t checkpoint_step = 0;
    double exchange_start = 0; // the communicator's exchange time before the run [s]
    std::uint64_t slices = 0;
    Segment segment{0, 0};            // the segment begin_segment chose
    Outcome outcome{};                // decided in each exchange
    std::exception_ptr write_error{}; // from the back-end, inside a serial phase
    bool write_failed = false;        // on any rank
};

Simulation::Simulation(const NetworkSpec& spec, Communicator comm)
    : net_(spec, comm), n_steps_(static_cast<step_t>(std::llround(spec.duration / spec.dt))),
      stimuli_(net_, exact_events_), recorders_(net_, n_steps_, boundary_events_),
      resets_(net_, n_steps_, exact_events_), faults_(net_, n_steps_) {
    const std::size_t P = net_.populations().size();
    thread_buffers_.resize(net_.threads());
    for (auto& tb : thread_buffers_) tb.spikes.resize(P);
    phase_ticks_.resize(net_.threads());
    for (const auto& ps : spec.populations)
        population_phase_.push_back(is_astrocyte(*ps.model) ? Phase::astrocytes : Phase::neurons);
    slice_spikes_.resize(P);
    factors_.resize(net_.projections().size());
    spike_counts_.assign(P, 0);
}

Simulation::Slice Simulation::slice_after(step_t begin) const {
    return {begin, std::min(begin + std::max<step_t>(1, net_.min_delay()), n_steps_)};
}

// The duty cycle. Per slice of min_delay steps:
//   1. events   (serial)   flushes at slice boundaries; stimulus on/off at their exact step,
//                          splitting the slice into segments
//   2. update   (parallel) stimuli -> neuron updates -> state sampling, per thread's targets
//   3. exchange (serial)   merge the threads' spikes into canonical order (over several MPI
//                          ranks: gather every rank's spikes, and the states and continuous
//                          outputs that delivery reads), buffer for output, decide whether to go on
//   4. deliver  (parallel) each thread adds the slice's spikes to the ring buffers of its own
//                          targets; a spike needs at least min_delay steps, so no delivery can
//                          land inside the slice just simulated.
// Serial phases run on thread 0 and end at a barrier (StepBarrier: the OpenMP runtime's barrier
// makes a system call at every release); besides those, one barrier opens each slice, so that
// its events see every thread's delivery done. One thread runs outside any parallel region.
// Over several ranks the serial phases make the same MPI calls on every rank, in the same order.
void Simulation::run_threads(RunContext& run) {
    const std::size_t T = net_.threads();
    StepBarrier barrier(static_cast<unsigned>(T));
    // Thread 0 runs fn while the others wait; all leave together.
    const auto serial = [&](std::size_t t, auto&& fn) {
        if (t == 0) fn();
        barrier.wait();
    };
    const auto thread_loop = [&](std::size_t t) {
        step_t done = start_step_;
        for (Slice s = slice_after(start_step_); !s.empty(); s = slice_after(s.end)) {
            barrier.wait(); // 1. events read what the last slice delivered
            for (Segment g{s.begin, s.begin}; g.end < s.end;) {
                serial(t, [&] { run.segment = begin_segment(run, s, g.end); });
                g = run.segment;
                update(t, s, g); // 2.
                barrier.wait();
            }
            serial(t, [&] { exchange(run, s); }); // 3.
            if (run.write_failed) break;          // nothing more is simulated or written
            deliver(t, s);                        // 4.
            done = s.end;
            if (run.outcome.end != RunEnd::completed) break;
        }
        if (t == 0) completed_step_ = done;
    };
    if (T == 1) {
        thread_loop(0);
        return;
    }
    bool short_team = false;
    const int team = static_cast<int>(T);
#pragma omp parallel num_threads(team) default(shared)
    {
        // Every thread owns a part of each population, and the barrier counts T of them.
        if (omp_get_num_threads() != team) {
#pragma omp atomic write
            short_team = true;
        } else {
            thread_loop(static_cast<std::size_t>(omp_get_thread_num()));
        }
    }
    if (short_team)
        throw std::runtime_error(fmt::format("the OpenMP runtime started fewer than the {} "
                                             "threads asked for (see OMP_THREAD_LIMIT)",
                                             T));
}

// 1. Serial: the events due before the segment that starts at `from`, and the segment's end
// (the next exact event or the slice's end).
Simulation::Segment Simulation::begin_segment(RunContext& run, Slice s, step_t from) {
    if (from == s.begin) {
        completed_step_ = s.begin;
        try {
            while (!boundary_events_.empty() && boundary_events_.top().step <= s.begin)
                handle_event(boundary_events_.pop(), run.backend);
            checkpoint_if_due(run);
        } catch (...) {
            // An exception must not leave a parallel region: the slice is not simulated, and
            // the exchange stops every thread and rank.
            run.write_error = std::current_exception();
            return {s.end, s.end};
        }
    }
    // Events due at the slice end wait for the next slice, so that a reset there comes after
    // this slice's spikes are delivered (and dropped).
    while (!exact_events_.empty() && exact_events_.top().step <= from)
        handle_event(exact_events_.pop(), run.backend);
    // Modulators that neurons read: the values at the segment start.
    net_.refresh_modulators();
    return {from, std::min(s.end, exact_events_.next_step(s.end))};
}

// 2. Parallel: thread `t` updates its own entities over the segment; the last segment of a slice
// ends with the state scan when one is due.
void Simulation::update(std::size_t t, Slice s, Segment g) {
    if (g.empty()) return;
    try {
        update_steps(t, g.begin, g.end);
    } catch (const std::exception& e) {
        // A model's own check (e.g. an ODE step size underflow): it must not leave the parallel
        // region; the run stops at the end of the slice.
        faults_.model_failed(t, e.what());
    }
    if (g.end == s.end && faults_.check_due(s.begin, s.end)) faults_.check_states(t);
}

// One step range for one thread: stimuli, then neuron updates, then state sampling.
void Simulation::update_steps(std::size_t t, step_t first, step_t last) {
    auto& pops = net_.populations();
    PhaseTicks& ticks = phase_ticks_[t];
    std::uint64_t clock = phase_clock();
    for (step_t step = first; step < last; ++step) {
        stimuli_.apply_step(t, step);
        for (std::size_t p = 0; p < pops.size(); ++p) {
            pops[p]->update(step, net_.range(p, t), thread_buffers_[t].spikes[p]);
            const std::uint64_t now = phase_clock();
            ticks.add(population_phase_[p], clock, now);
            clock = now;
        }
        recorders_.sample(t, step, ticks, clock);
    }
}

// 3. Serial: the slice's spikes in canonical order on every rank, the spike-time synapse
// dynamics, and whether the run goes on.
void Simulation::exchange(RunContext& run, Slice s) {
    const std::uint64_t exchange_from = phase_clock();
    merge_spikes();
    net_.exchange_for_delivery(s.begin, s.end);
    ++run.slices;
    // Spike-time synapse dynamics advance once per spike, here, in spike order.
    for (std::size_t i = 0; i < factors_.size(); ++i)
        if (auto& tr = net_.transmissions()[i])
            tr->on_spikes(slice_spikes_[net_.projection_specs()[i].source], factors_[i]);
    run.write_failed = faults_.decide(s.begin, s.end, run.interrupt && run.interrupt->load(),
                                      run.write_error != nullptr, run.outcome);
    phase_ticks_[0].add(Phase::exchange, exchange_from, phase_clock());
    if (run.progress && seconds_since(run.t_last_progress) > 0.25) {
        run.t_last_progress = Clock::now();
        run.progress(static_cast<double>(s.end) * net_.spec().dt, seconds_since(run.t_start));
    }
}

// Puts each population's spikes of the slice into the canonical order (step, index), whatever
// the number of threads and ranks: every thread's list is already ordered, threads own
// ascending index ranges of their rank, and ranks own ascending blocks of those ranges, so a
// stable sort by step of the concatenation (by thread, then by rank) gives that order. Every
// rank ends up with every spike of the slice (one exchange between ranks per slice).
void Simulation::merge_spikes() {
    const bool one_rank = net_.comm().size() == 1;
    const auto by_step = [](const Spike& a, const Spike& b) { return a.step < b.step; };
    for (std::size_t p = 0; p < slice_spikes_.size(); ++p) {
        auto& merged = slice_spikes_[p];
        merged.clear();
        if (thread_buffers_.size() == 1) {
            merged.swap(thread_buffers_[0].spikes[p]); // both keep their capacity
            continue;
        }
        for (auto& tb : thread_buffers_) {
            auto& run = tb.spikes[p];
            // Each thread's run is ordered by step: merging it in keeps the prefix ordered,
            // stably (the lower threads' spikes first within a step). Over several ranks the
            // sort below does it. std::merge into a kept buffer: nothing is allocated.
            if (!one_rank || merged.empty() || run.empty() ||
                merged.back().step <= run.front().step) {
                merged.insert(merged.end(), run.begin(), run.end());
            } else {
                merge_scratch_.clear();
                std::merge(merged.begin(), merged.end(), run.begin(), run.end(),
                           std::back_inserter(merge_scratch_), by_step);
                merged.swap(merge_scratch_);
            }
            run.clear();
        }
    }
    net_.comm().allgather(slice_spikes_);
    for (std::size_t p = 0; p < slice_spikes_.size(); ++p) {
        auto& merged = slice_spikes_[p];
        if (!one_rank) std::stable_sort(merged.begin(), merged.end(), by_step);
        spike_counts_[p] += merged.size();
        recorders_.take_spikes(p, merged);
    }
}

// 4. Parallel: thread `t` adds the slice's spikes to the ring buffers of its own targets.
void Simulation::deliver(std::size_t t, Slice s) {
    const std::uint64_t deliver_from = phase_clock();
    auto& projections = net_.projections();
    auto& pops = net_.populations();
    std::uint64_t& events = thread_buffers_[t].events;
    // Spikes of this slice emitted before a reset of their target inside it are not delivered
    // (the reset dropped everything pending for the target).
    auto since = [&](std::size_t source, std::size_t target) {
        std::span<const Spike> all = slice_spikes_[source];
        const step_t reset = resets_.last_reset(target);
        if (reset <= s.begin) return all;
        const auto it = std::lower_bound(all.begin(), all.end(), reset,
                                         [](const Spike& x, step_t step) { return x.step < step; });
        return all.subspan(static_cast<std::size_t>(it - all.begin()));
    };
    for (std::size_t i = 0; i < projections.size(); ++i) {
        const auto& pj = net_.projection_specs()[i];
        if (pj.continuous)
            events += projections[i].deliver_continuous(*pops[pj.source], s.begin, s.end, t,
                                                        pops[pj.target]->ring());
        else if (auto& tr = net_.transmissions()[i]; tr && tr->delivers())
            events += tr->deliver({projections[i], since(pj.source, pj.target),
                                   since(pj.target, pj.target), t, net_.range(pj.target, t),
                                   pops[pj.target]->ring(), s.begin, s.end});
        else if (const auto pre = since(pj.source, pj.target);
                 pre.size() == slice_spikes_[pj.source].size())
            events += projections[i].deliver(pre, t, pops[pj.target]->ring(),
                                             tr ? factors_[i].data() : nullptr);
        else // factors are per spike of the whole slice: skip the dropped ones
            events += projections[i].deliver(
                pre, t, pops[pj.target]->ring(),
                tr ? factors_[i].data() + (slice_spikes_[pj.source].size() - pre.size()) : nullptr);
    }
    phase_ticks_[t].add(Phase::delivery, deliver_from, phase_clock());
}

void Simulation::handle_event(const Event& e, RecordingBackend& backend) {
    switch (e.kind) {
    case EventKind::stimulus_on:
    case EventKind::stimulus_off:
        stimuli_.switch_stimulus(e.source, e.kind == EventKind::stimulus_on);
        break;
    case EventKind::population_reset:
        resets_.reset(e.source, e.step);
        break;
    case EventKind::weight_sample:
    case EventKind::recorder_flush:
        recorders_.handle(e, completed_step_, backend, boundary_events_);
        break;
    case EventKind::progress:
        break;
    }
}

// At a slice boundary after the start, when the simulated or the wall time since the last one
// asks for it: the recorders flushed, then the policy writes the state.
void Simulation::checkpoint_if_due(RunContext& run) {
    const CheckpointPolicy* policy = run.checkpoint;
    if (!policy || completed_step_ <= start_step_) return;
    const bool by_wall =
        policy->every_wall_s > 0 && seconds_since(run.t_checkpoint) >= policy->every_wall_s;
    if (completed_step_ < run.checkpoint_step && !by_wall) return;
    recorders_.flush(completed_step_, run.backend);
    policy->write(completed_step_);
    run.checkpoint_step = next_checkpoint(policy, completed_step_);
    run.t_checkpoint = Clock::now();
}

RunStats Simulation::run(RecordingBackend& backend, const ProgressFn& progress,
                         const std::atomic<bool>* interrupt, const CheckpointPolicy* checkpoint) {
    if (!restored_) backend.open(layout());
    recorders_.allocate(std::max<step_t>(1, net_.min_delay()));
    for (auto& tb : thread_buffers_) tb.events = 0;
    RunContext run{backend, progress, interrupt, checkpoint};
    for (auto& p : phase_ticks_) p = PhaseTicks{};
    completed_step_ = start_step_;
    if (!restored_) faults_.start_fresh();
    run.checkpoint_step = next_checkpoint(checkpoint, start_step_);
    run.exchange_start = net_.comm().exchange_seconds();

    run_threads(run);

    if (run.write_error) std::rethrow_exception(run.write_error);
    if (run.write_failed) throw std::runtime_error("the output could not be written on MPI rank 0");
    if (run.outcome.end == RunEnd::completed) {
        // Weight samples due in the last slice or at the end: the final weights.
        while (!boundary_events_.empty()) {
            const Event e = boundary_events_.pop();
            if (e.kind == EventKind::weight_sample) handle_event(e, backend);
        }
    }
    recorders_.flush(completed_step_, backend);
    return statistics(run);
}

RunStats Simulation::statistics(const RunContext& run) {
    RunStats stats;
    stats.end = run.outcome.end;
    stats.fault = run.outcome.fault;
    stats.fault_message = run.outcome.message;
    stats.steps = completed_step_;
    stats.wall_simulate = seconds_since(run.t_start) - recorders_.write_seconds();
    stats.wall_write = recorders_.write_seconds();
    stats.cpu_write = recorders_.write_cpu_seconds();
    stats.wall_exchange = net_.comm().exchange_seconds() - run.exchange_start;
    // Clock ticks to seconds over the whole call (the flushes included on both sides).
    const double ticks = static_cast<double>(phase_clock() - run.clock_start);
    const double seconds_per_tick = ticks > 0 ? seconds_since(run.t_start) / ticks : 0;
    double phases = 0;
    for (std::size_t k = 0; k < kPhases; ++k) {
        double sum = 0;
        for (const auto& p : phase_ticks_) sum += static_cast<double>(p.ticks[k]);
        // The serial exchange runs on thread 0 while the others wait for it: all of it counts.
        const double threads = k == static_cast<std::size_t>(Phase::exchange)
                                   ? 1.0
                                   : static_cast<double>(phase_ticks_.size());
        stats.phase_seconds[k] = sum * seconds_per_tick / threads;
        phases += stats.phase_seconds[k];
    }
    stats.phase_other = std::max(0.0, stats.wall_simulate - phases);
    stats.slices = run.slices;
    for (const auto& tb : thread_buffers_) stats.synaptic_events_here += tb.events;
    stats.synaptic_events_here = net_.comm().sum(stats.synaptic_events_here);
    stats.synaptic_events = events_before_ + stats.synaptic_events_here;
    stats.spikes = spike_counts_;
    for (const auto& pop : net_.populations())
        stats.slow_updates +=
            pop->slow_updates(completed_step_) - pop->slow_updates(start_step_); // this call's
    return stats;
}

} // namespace gliasim
