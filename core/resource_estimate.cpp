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
        const double channels =
            static_cast<double>(ps.model->receptors.size() + ps.model->continuous_inputs.size());
        e.memory_bytes +=
            static_cast<double>(ps.size) *
            (8.0 * static_cast<double>(ps.model->state.size() + 2) + 8.0 * channels * ring_slots);
    }
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
