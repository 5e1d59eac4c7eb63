// SPDX-License-Identifier: MIT
#include "resource_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace gliasim {

namespace {

// Expected connections of `rule` from n_source onto n_target entities (the distance rule's
// peak probability bounds its count from above).
double expected_connections(const ConnectionRule& rule, double n_source, double n_target) {
    switch (rule.kind) {
    case ConnectionRule::Kind::all_to_all:
        return n_source * n_target;
    case ConnectionRule::Kind::one_to_one:
        return std::min(n_source, n_target);
    case ConnectionRule::Kind::bernoulli:
    case ConnectionRule::Kind::distance:
        return std::clamp(rule.p, 0.0, 1.0) * n_source * n_target;
    case ConnectionRule::Kind::fixed_indegree:
        return static_cast<double>(rule.k) * n_target;
    }
    return 0;
}

// Ring-buffer slots: the longest delay in steps (unbounded distributions count as 100 ms).
double delay_steps(const NetworkSpec& spec) {
    double longest = 1;
    for (const auto& pj : spec.projections) {
        const double d = std::min(pj.delay.max_value(), 100.0);
        longest = std::max(longest, d / spec.dt);
    }
    return longest + 1;
}

// Memory of the recorders while running (not the output file): state-recorder buffers hold
// the rows between two flushes, weight recorders their sampled synapses and one row.
double recorder_memory(const NetworkSpec& spec, double ring_slots) {
    double bytes = 0;
    const double steps = std::max(1.0, spec.duration / spec.dt);
    const double flush_steps = std::min(std::max(1.0, spec.flush_interval / spec.dt), steps);
    for (const auto& r : spec.state_recorders) {
        const double interval = std::max(1.0, std::round(r.interval / spec.dt));
        const double rows = (flush_steps + ring_slots) / interval + 2;
        const double columns = static_cast<double>(r.ids.size()) * (1.0 + r.variables.size());
        bytes += 4.0 * rows * columns + kBytesPerReportDataset * r.variables.size();
    }
    for (const auto& w : spec.weight_recorders) {
        const auto& pj =
            spec.projections[std::min<std::size_t>(w.projection, spec.projections.size() - 1)];
        const double all = expected_connections(pj.rule, spec.populations[pj.source].size,
                                                spec.populations[pj.target].size);
        // Sampling draws from the list of all synapses; a histogram reads them in place.
        const double cols = w.bins > 0     ? w.bins
                            : w.sample > 0 ? static_cast<double>(w.sample)
                                           : all;
        bytes += kBytesPerWeightColumn * cols + (w.bins == 0 ? kBytesPerEdgeRef * all : 0) +
                 kBytesPerReportDataset;
    }
    return bytes;
}

// Reset schedules: one queued event per reset time (and the sorted list they come from), and a
// copy of the initial state to go back to.
double reset_memory(const NetworkSpec& spec) {
    double bytes = 0;
    for (const auto& ps : spec.populations) {
        if (ps.resets.empty()) continue;
        bytes += 8.0 * static_cast<double>(ps.model->state.size()) * ps.size;
        for (const auto& r : ps.resets) {
            const double until = r.until < 0 ? spec.duration : std::min(r.until, spec.duration);
            const double every = std::max(r.every, spec.dt);
            bytes += kBytesPerReset * std::max(0.0, std::ceil((until - r.from) / every));
        }
    }
    return bytes;
}

// Spikes kept for the whole run (the branching factor), listed spike times.
double spike_memory(const NetworkSpec& spec) {
    double bytes = 0;
    if (spec.branching.enabled)
        for (auto p : spec.branching.populations)
            bytes += kBytesPerKeptSpike * kAssumedRateHz *
                     std::max(0.0, spec.duration - spec.branching.from) * 1e-3 *
                     spec.populations[p].size;
    for (const auto& ps : spec.populations) bytes += ps.inputs.bytes();
    return bytes;
}

} // namespace

ResourceEstimate estimate_resources(const NetworkSpec& spec) {
    ResourceEstimate e;
    for (const auto& pj : spec.projections) {
        const double n = expected_connections(pj.rule, spec.populations[pj.source].size,
                                              spec.populations[pj.target].size);
        const bool stateful = pj.synapse_model != nullptr || pj.third_factor.gliotransmission;
        e.synapses += n;
        e.memory_bytes += n * (stateful ? kBytesPerStatefulSynapse : kBytesPerStaticSynapse);
        if (pj.third_factor.enabled) { // astrocyte links in and out per paired connection
            e.synapses += 2 * pj.third_factor.p * n;
            e.memory_bytes += 2 * pj.third_factor.p * n * kBytesPerStaticSynapse;
        }
    }
    const double ring_slots = delay_steps(spec);
    const double seconds = spec.duration * 1e-3;
    for (const auto& ps : spec.populations) {
        const SynapticInput& in = synaptic_input(*ps.model);
        const double channels = static_cast<double>(in.receptors.size() + in.continuous.size());
        e.memory_bytes +=
            static_cast<double>(ps.size) *
            (8.0 * static_cast<double>(ps.model->state.size() + 2) + 8.0 * channels * ring_slots);
    }
    e.memory_bytes += recorder_memory(spec, ring_slots) + reset_memory(spec) + spike_memory(spec);
    for (const auto& sr : spec.spike_recorders)
        for (auto p : sr.populations) // a double time and a 64-bit id per spike
            e.output_bytes += 16.0 * kAssumedRateHz * seconds * spec.populations[p].size;
    for (const auto& r : spec.state_recorders)
        e.output_bytes += 4.0 * static_cast<double>(r.ids.size() * r.variables.size()) *
                          std::floor(spec.duration / r.interval);
    for (const auto& w : spec.weight_recorders) {
        const auto& pj =
            spec.projections[std::min<std::size_t>(w.projection, spec.projections.size() - 1)];
        const double cols = w.bins > 0 ? w.bins
                            : w.sample > 0
                                ? static_cast<double>(w.sample)
                                : expected_connections(pj.rule, spec.populations[pj.source].size,
                                                       spec.populations[pj.target].size);
        e.output_bytes += (4.0 * cols + 8.0) * (std::floor(spec.duration / w.interval) + 1);
    }
    return e;
}

} // namespace gliasim
