// SPDX-License-Identifier: MIT
// Simulation's checkpoints: archive() names everything that changes during a run, in both
// directions. restore_state: a checkpoint's arrays into the network, then every value checked
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

// Everything that changes during a run; the network's structure and the initial state for resets
// are rebuilt from the experiment. Called at a slice boundary, when the recorders' buffers are
// empty (flushed) and no thread is running.
void Simulation::archive(StateArchive& a) {
    const NetworkSpec& spec = net_.spec();
    {
        const auto k = a.scope("kernel");
        a.scalar("step", completed_step_);
        faults_.archive(a);
        std::uint64_t events = events_before_;
        for (const auto& tb : thread_buffers_) events += tb.events;
        a.scalar("synaptic_events", events);
        if (a.loading()) events_before_ = events;
        std::vector<Event> exact = exact_events_.pending(), boundary = boundary_events_.pending();
        a.io_resizable("exact_events", exact);
        a.io_resizable("boundary_events", boundary);
        if (a.loading()) {
            exact_events_.assign(std::move(exact));
            boundary_events_.assign(std::move(boundary));
        }
        stimuli_.archive(a);
        a.io("spike_counts", spike_counts_);
        resets_.archive(a);
        recorders_.archive(a);
    }
    auto& pops = net_.populations();
    for (std::size_t p = 0; p < pops.size(); ++p) {
        const auto s = a.scope("population/" + spec.populations[p].name);
        const auto& vars = spec.populations[p].model->state;
        for (std::size_t v = 0; v < vars.size(); ++v) a.io(vars[v].name, pops[p]->state(v));
        a.io("ring", pops[p]->ring().values());
        pops[p]->archive_extra(a);
        if (a.loading()) stimuli_.recompute_currents(p); // from the restored on/off flags
    }
    for (std::size_t i = 0; i < net_.projections().size(); ++i) {
        auto& tr = net_.transmissions()[i];
        if (!tr) continue;
        const auto s = a.scope("projection/" + net_.projection_specs()[i].name);
        tr->archive(a);
        // Rules that deliver spikes themselves may change weights; plain ones never do.
        if (tr->delivers())
            for (std::size_t part = 0; part < net_.projections()[i].parts(); ++part)
                a.io("weights/" + std::to_string(part), net_.projections()[i].weights(part));
    }
    for (std::size_t i = 0; i < net_.stimuli().size(); ++i) {
        const auto s = a.scope("stimulus/" + std::to_string(i));
        net_.stimuli()[i]->archive(a);
    }
}

void Simulation::save_state(CheckpointArrays& arrays) {
    auto a = StateArchive::saving_to(arrays);
    archive(a);
}

void Simulation::restore_state(const CheckpointArrays& arrays) {
    // The stimulus and reset events the experiment plans: those still due must be the ones the
    // checkpoint holds.
    const std::vector<Event> planned_exact = exact_events_.pending();
    auto a = StateArchive::loading_from(arrays);
    archive(a);
    for (auto& tb : thread_buffers_) tb.events = 0;
    check_restored_kernel(arrays, planned_exact);
    check_restored_values(arrays);
    recorders_.check_restored_output(arrays, completed_step_, spike_counts_);
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
    if (const step_t c = faults_.last_check(); c < 0 || c > S)
        throw CheckpointMismatch(
            fmt::format("'kernel/last_check' is {}, outside [0, step {}]", c, S));
    check_restored_events(planned_exact);
    const auto& pops = net_.spec().populations;
    for (std::size_t p = 0; p < pops.size(); ++p) {
        resets_.check_restored(p, S);
        recorders_.check_restored_kept(p, S, spike_counts_[p]);
    }
    recorders_.check_restored_rows(S);
}

// The events due: exact ones (stimulus changes, resets) are only ever those the experiment
// plans, and those before the step have happened; the boundary ones are the recorders'.
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
    recorders_.check_restored_events(boundary_events_, S, std::max<step_t>(1, net_.min_delay()));
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

} // namespace gliasim
