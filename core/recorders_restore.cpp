// SPDX-License-Identifier: MIT
// The recorders' part of Simulation::restore_state's checks (simulation_checkpoint.cpp): every
// loaded counter and position against the run, before anything trusts it.
#include "recorders.hpp"

#include <cstring>
#include <fmt/format.h>

#include "state_archive.hpp"

namespace gliasim {

void Recorders::check_restored_kept(std::size_t p, step_t S, std::uint64_t counted) const {
    const auto& pops = net_.spec().populations;
    const std::string where = fmt::format("'kernel/kept_spikes/{}'", p);
    if (keep_from_[p] >= n_steps_ && !kept_[p].empty())
        throw CheckpointMismatch(where + " holds spikes of a population whose spikes are not "
                                         "kept");
    if (kept_[p].size() > counted)
        throw CheckpointMismatch(fmt::format("{} holds {} spikes, more than the {} counted", where,
                                             kept_[p].size(), counted));
    step_t previous = keep_from_[p];
    for (const Spike& s : kept_[p]) {
        if (s.step < previous || s.step >= S || s.index >= pops[p].size)
            throw CheckpointMismatch(
                fmt::format("{} holds a spike (step {}, entity {}) outside the population, the "
                            "kept steps or their order",
                            where, s.step, s.index));
        previous = s.step;
    }
}

void Recorders::check_restored_rows(step_t S) const {
    for (std::size_t r = 0; r < reports_.size(); ++r)
        if (reports_[r].rows_flushed != static_cast<std::uint64_t>(S / reports_[r].interval))
            throw CheckpointMismatch(
                fmt::format("'kernel/report_rows/{}' is {}, where step {} implies {} recorded rows",
                            r, reports_[r].rows_flushed, S, S / reports_[r].interval));
    for (std::size_t w = 0; w < weight_recorders_.size(); ++w)
        if (weight_recorders_[w].last_sample < -1 || weight_recorders_[w].last_sample > S)
            throw CheckpointMismatch(
                fmt::format("'kernel/weight_last_sample/{}' is {}, outside [-1, step {}]", w,
                            weight_recorders_[w].last_sample, S));
}

// Flushes fall on multiples of flush_steps_ and are handled at the first slice boundary at or
// after them: the pending one is the first after the last boundary handled (S, or one slice
// before S when the run stopped there), unless the run ends first. The report buffers hold the
// samples of one flush interval only.
void Recorders::check_restored_events(const EventQueue& boundary, step_t S, step_t slice) const {
    const step_t F = flush_steps_;
    const step_t next_flush = (S / F + 1) * F;
    std::vector<int> seen(weight_recorders_.size() + 1, 0);
    for (const Event& e : boundary.pending()) {
        const bool sample =
            e.kind == EventKind::weight_sample && e.source < weight_recorders_.size();
        const bool flush = e.kind == EventKind::recorder_flush && e.source == 0 &&
                           e.step % F == 0 && e.step > S - slice && e.step <= next_flush &&
                           e.step >= F && e.step < n_steps_;
        if (!(sample || flush) || e.step < 0 || e.step > n_steps_ ||
            ++seen[sample ? e.source : weight_recorders_.size()] > 1)
            throw CheckpointMismatch(fmt::format(
                "'kernel/boundary_events' holds an event (kind {}, source {}, step {}) this "
                "experiment never schedules at step {}",
                static_cast<int>(e.kind), e.source, e.step, S));
    }
    if (seen.back() == 0 && next_flush < n_steps_)
        throw CheckpointMismatch(fmt::format(
            "'kernel/boundary_events' lacks the recorders' flush due at step {}", next_flush));
}

// The output's position (rows of each spike, report and weight dataset; saved by the back-end
// under output/) is what the kernel's state implies, so that resuming can neither drop nor
// duplicate recorded rows.
void Recorders::check_restored_output(const CheckpointArrays& arrays, step_t S,
                                      std::span<const std::uint64_t> spike_counts) const {
    const auto it = arrays.find("output/lengths");
    if (it == arrays.end()) return; // a back-end that keeps no position (tests)
    const RecordingLayout l = layout();
    const std::size_t P = l.populations.size(), R = l.reports.size();
    const std::size_t W = l.weight_reports.size();
    if (it->second.type != ArrayType::u64 || it->second.count() != P + R + W)
        throw CheckpointMismatch(
            fmt::format("'output/lengths' holds {} values where the recorders have {}",
                        it->second.count(), P + R + W));
    std::vector<std::uint64_t> n(P + R + W);
    std::memcpy(n.data(), it->second.bytes.data(), it->second.bytes.size());
    auto refuse = [&](std::size_t k, const std::string& what, std::uint64_t want) {
        throw CheckpointMismatch(fmt::format(
            "'output/lengths' element {} ({}) is {} where the state at step {} implies {}", k, what,
            n[k], S, want));
    };
    for (std::size_t p = 0; p < P; ++p) {
        const std::uint64_t want = record_spikes_[p] ? spike_counts[p] : 0;
        if (n[p] != want) refuse(p, "spikes of '" + l.populations[p].name + "'", want);
    }
    std::size_t k = P;
    const auto& pops = net_.spec().populations;
    for (const auto& r : reports_)
        for (const auto v : r.variables) {
            const auto want = static_cast<std::uint64_t>(S / r.interval);
            if (n[k] != want)
                refuse(k,
                       fmt::format("report '{}/{}'", pops[r.population].name,
                                   pops[r.population].model->state[v].name),
                       want);
            ++k;
        }
    // Weight samples: at most one per due time 0, interval, 2 interval, ... up to the step.
    for (std::size_t w = 0; w < W; ++w, ++k) {
        const auto most = static_cast<std::uint64_t>(S / weight_recorders_[w].interval + 1);
        if (n[k] > most)
            throw CheckpointMismatch(fmt::format(
                "'output/lengths' element {} (weights of '{}') is {}, more than the {} samples "
                "due by step {}",
                k, l.weight_reports[w].projection, n[k], most, S));
    }
}

} // namespace gliasim
