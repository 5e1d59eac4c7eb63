// SPDX-License-Identifier: MIT
// Simulation::restore_state: a checkpoint's arrays into the network, then every value checked
// against the network rebuilt from the experiment and against the run (its step, dt, the
// recorders' layout), so that a damaged or crafted checkpoint is refused (CheckpointMismatch)
// before the output is touched, and no counter, index or size from the file reaches code that
// trusts it (docs/reliability.md, "Threat model").
#include "simulation.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <limits>

namespace gliasim {

namespace {

// The one value of a scalar array loaded before, or nothing when absent.
template <class T>
std::optional<T> stored_scalar(const CheckpointArrays& arrays, std::string_view name) {
    const auto it = arrays.find(name);
    if (it == arrays.end() || it->second.bytes.size() != sizeof(T)) return std::nullopt;
    T v;
    std::memcpy(&v, it->second.bytes.data(), sizeof v);
    return v;
}

// The first non-finite value of a floating-point array, as (index, value).
template <class T>
std::optional<std::pair<std::size_t, double>> first_non_finite(const StoredArray& a) {
    const std::size_t n = a.bytes.size() / sizeof(T);
    for (std::size_t i = 0; i < n; ++i) {
        T v;
        std::memcpy(&v, a.bytes.data() + i * sizeof(T), sizeof v);
        if (!std::isfinite(v)) return std::make_pair(i, static_cast<double>(v));
    }
    return std::nullopt;
}

} // namespace

void Simulation::restore_state(const CheckpointArrays& arrays) {
    // The stimulus and reset events the experiment plans: those still due must be the ones the
    // checkpoint holds.
    const std::vector<Event> planned_exact = exact_events_.pending();
    auto a = StateArchive::loading_from(arrays);
    archive(a);
    for (auto& tb : thread_buffers_) tb.events = 0;
    check_restored_kernel(arrays, planned_exact);
    check_restored_values(arrays);
    check_restored_output(arrays);
    start_step_ = completed_step_;
    restored_ = true;
}

void Simulation::check_restored_kernel(const CheckpointArrays& arrays,
                                       const std::vector<Event>& planned_exact) const {
    const step_t S = completed_step_;
    const double dt = net_.spec().dt;
    if (S < 0 || S > n_steps_)
        throw CheckpointMismatch(fmt::format(
            "the checkpoint's step {} lies outside this run (0 to {} steps)", S, n_steps_));
    // Runs stop and checkpoint at slice boundaries only (multiples of the slice from 0).
    if (const step_t slice = std::max<step_t>(1, net_.min_delay()); S % slice != 0 && S != n_steps_)
        throw CheckpointMismatch(fmt::format(
            "the checkpoint's step {} is not a slice boundary (every {} steps)", S, slice));
    if (const auto h = stored_scalar<std::int64_t>(arrays, "header/step"); h && *h != S)
        throw CheckpointMismatch(
            fmt::format("the header says step {}, 'kernel/step' holds {}", *h, S));
    if (const auto t = stored_scalar<double>(arrays, "header/time_ms")) {
        const double want = static_cast<double>(S) * dt;
        if (!(std::fabs(*t - want) <= 1e-9 * std::max(1.0, std::fabs(want))))
            throw CheckpointMismatch(fmt::format(
                "the header's time {} ms is not step {} x dt {} ms = {} ms", *t, S, dt, want));
    }
    if (last_check_ < 0 || last_check_ > S)
        throw CheckpointMismatch(
            fmt::format("'kernel/last_check' is {}, outside [0, step {}]", last_check_, S));
    check_restored_events(planned_exact);
    const auto& pops = net_.spec().populations;
    for (std::size_t p = 0; p < pops.size(); ++p) {
        if (last_reset_[p] < 0 || last_reset_[p] > S)
            throw CheckpointMismatch(
                fmt::format("'kernel/last_reset' of population '{}' is {}, outside [0, step {}]",
                            pops[p].name, last_reset_[p], S));
        const std::string where = fmt::format("'kernel/kept_spikes/{}'", p);
        if (keep_from_[p] >= n_steps_ && !kept_[p].empty())
            throw CheckpointMismatch(where + " holds spikes of a population whose spikes are not "
                                             "kept");
        if (kept_[p].size() > spike_counts_[p])
            throw CheckpointMismatch(fmt::format("{} holds {} spikes, more than the {} counted",
                                                 where, kept_[p].size(), spike_counts_[p]));
        step_t previous = keep_from_[p];
        for (const Spike& s : kept_[p]) {
            if (s.step < previous || s.step >= S || s.index >= pops[p].size)
                throw CheckpointMismatch(fmt::format(
                    "{} holds a spike (step {}, entity {}) outside the population, the kept "
                    "steps or their order",
                    where, s.step, s.index));
            previous = s.step;
        }
    }
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

// The events due: exact ones (stimulus changes, resets) are only ever those the experiment
// plans, and those before the step have happened; at a boundary, one weight sample per recorder
// at most and the recorders' flush where the run would have it, since the report buffers hold
// the samples of one flush interval only.
void Simulation::check_restored_events(const std::vector<Event>& planned_exact) const {
    const step_t S = completed_step_;
    std::vector<Event> due;
    for (const Event& e : planned_exact)
        if (e.step >= S) due.push_back(e);
    if (exact_events_.pending() != due)
        throw CheckpointMismatch(fmt::format(
            "'kernel/exact_events' holds {} events, not the {} stimulus and reset events this "
            "experiment has due from step {}",
            exact_events_.size(), due.size(), S));
    // Flushes fall on multiples of flush_steps_ and are handled at the first slice boundary at
    // or after them: the pending one is the first after the last boundary handled (S, or one
    // slice before S when the run stopped there), unless the run ends first.
    const step_t F = flush_steps_;
    const step_t slice = std::max<step_t>(1, net_.min_delay());
    const step_t next_flush = (S / F + 1) * F;
    std::vector<int> seen(weight_recorders_.size() + 1, 0);
    for (const Event& e : boundary_events_.pending()) {
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

// Every floating-point value is finite: a state variable is named with its population and
// entity, the rest by array.
void Simulation::check_restored_values(const CheckpointArrays& arrays) const {
    const NetworkSpec& spec = net_.spec();
    for (std::size_t p = 0; p < spec.populations.size(); ++p) {
        const auto& vars = spec.populations[p].model->state;
        for (std::size_t v = 0; v < vars.size(); ++v) {
            const auto column = net_.populations()[p]->state(v);
            for (std::size_t i = 0; i < column.size(); ++i)
                if (!std::isfinite(column[i]))
                    throw CheckpointMismatch(fmt::format(
                        "population '{}' variable '{}' entity {} is {} (states must be finite)",
                        spec.populations[p].name, vars[v].name, i, column[i]));
        }
    }
    for (const auto& [name, a] : arrays) {
        std::optional<std::pair<std::size_t, double>> bad;
        if (a.type == ArrayType::f64) bad = first_non_finite<double>(a);
        if (a.type == ArrayType::f32) bad = first_non_finite<float>(a);
        if (bad)
            throw CheckpointMismatch(fmt::format("'{}' element {} is {} (must be finite)", name,
                                                 bad->first, bad->second));
    }
}

// The output's position (rows of each spike, report and weight dataset; saved by the back-end
// under output/) is what the kernel's state implies, so that resuming can neither drop nor
// duplicate recorded rows.
void Simulation::check_restored_output(const CheckpointArrays& arrays) const {
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
    const step_t S = completed_step_;
    auto refuse = [&](std::size_t k, const std::string& what, std::uint64_t want) {
        throw CheckpointMismatch(fmt::format(
            "'output/lengths' element {} ({}) is {} where the state at step {} implies {}", k, what,
            n[k], S, want));
    };
    for (std::size_t p = 0; p < P; ++p) {
        const std::uint64_t want = record_spikes_[p] ? spike_counts_[p] : 0;
        if (n[p] != want) refuse(p, "spikes of '" + l.populations[p].name + "'", want);
    }
    std::size_t k = P;
    for (const auto& r : reports_)
        for (const auto v : r.variables) {
            const auto want = static_cast<std::uint64_t>(S / r.interval);
            if (n[k] != want)
                refuse(k,
                       fmt::format("report '{}/{}'", net_.spec().populations[r.population].name,
                                   net_.spec().populations[r.population].model->state[v].name),
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
