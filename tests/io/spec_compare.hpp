// SPDX-License-Identifier: MIT
#pragma once

// Two parsed networks compared item by item (tests/io/test_experiment.cpp): by name, for a
// re-parse of the resolved text, or position by position, which a re-run needs since positions
// key the random streams.

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "core/network_spec.hpp"
#include "models/spike_times.hpp"
#include "test_support.hpp"

namespace gliasim::test {

inline const ProjectionSpec& projection(const NetworkSpec& s, const std::string& name) {
    return s.projections[projection_index(s, name)];
}

inline void check_same_value(const ValueSpec& a, const ValueSpec& b) {
    CHECK(a.kind == b.kind);
    CHECK(a.dim == b.dim);
    CHECK(a.a == b.a);
    CHECK(a.b == b.b);
    CHECK(a.low == b.low);
    CHECK(a.high == b.high);
}

inline void check_same_population(const PopulationSpec& a, const PopulationSpec& b) {
    INFO("population " << a.name);
    CHECK(a.name == b.name);
    REQUIRE(a.model != nullptr);
    REQUIRE(b.model != nullptr);
    CHECK(a.model->name == b.model->name);
    CHECK(a.size == b.size);
    CHECK(a.params == b.params);
    REQUIRE(a.initial.size() == b.initial.size());
    for (const auto& [k, v] : a.initial) {
        INFO("initial " << k);
        REQUIRE(b.initial.count(k) == 1);
        check_same_value(v, b.initial.at(k));
    }
    const auto ta = a.inputs.find(kSpikeTimesInput), tb = b.inputs.find(kSpikeTimesInput);
    REQUIRE(!ta == !tb);
    if (ta) CHECK(*ta == *tb);
}

inline void check_same_projection(const NetworkSpec& sa, const ProjectionSpec& a,
                                  const NetworkSpec& sb, const ProjectionSpec& b) {
    INFO("projection " << a.name);
    CHECK(a.name == b.name);
    CHECK(sa.populations[a.source].name == sb.populations[b.source].name);
    CHECK(sa.populations[a.target].name == sb.populations[b.target].name);
    CHECK(a.rule.kind == b.rule.kind);
    CHECK(a.rule.p == b.rule.p);
    CHECK(a.rule.k == b.rule.k);
    CHECK(a.rule.allow_autapses == b.rule.allow_autapses);
    CHECK(a.rule.allow_multapses == b.rule.allow_multapses);
    check_same_value(a.weight, b.weight);
    check_same_value(a.delay, b.delay);
    CHECK(a.receptor == b.receptor);
    CHECK(a.synapse == b.synapse);
}

inline void check_same_stimulus(const NetworkSpec& sa, const StimulusSpec& a, const NetworkSpec& sb,
                                const StimulusSpec& b) {
    INFO("stimulus " << a.name);
    CHECK(a.name == b.name);
    CHECK(a.model->name == b.model->name);
    CHECK(sa.populations[a.target].name == sb.populations[b.target].name);
    CHECK(a.ids == b.ids);
    CHECK(a.params == b.params);
    CHECK(a.receptor == b.receptor);
    CHECK(a.weight == b.weight);
    CHECK(a.start == b.start);
    CHECK(a.stop == b.stop);
}

inline void check_same_globals(const NetworkSpec& a, const NetworkSpec& b) {
    CHECK(a.dt == b.dt);
    CHECK(a.duration == b.duration);
    CHECK(a.seed == b.seed);
    CHECK(a.threads == b.threads);
    CHECK(a.flush_interval == b.flush_interval);
}

// Same content, each item looked up by name (order ignored).
inline void check_same_spec_by_name(const NetworkSpec& a, const NetworkSpec& b) {
    check_same_globals(a, b);
    REQUIRE(a.populations.size() == b.populations.size());
    for (const auto& p : a.populations)
        check_same_population(p, b.populations[pop_index(b, p.name)]);
    REQUIRE(a.projections.size() == b.projections.size());
    for (const auto& p : a.projections) check_same_projection(a, p, b, projection(b, p.name));
    REQUIRE(a.stimuli.size() == b.stimuli.size());
    for (const auto& s : a.stimuli) {
        auto it = std::find_if(b.stimuli.begin(), b.stimuli.end(),
                               [&](const StimulusSpec& x) { return x.name == s.name; });
        REQUIRE(it != b.stimuli.end());
        check_same_stimulus(a, s, b, *it);
    }
    REQUIRE(a.spike_recorders.size() == b.spike_recorders.size());
    REQUIRE(a.state_recorders.size() == b.state_recorders.size());
    for (const auto& r : a.state_recorders) {
        auto it = std::find_if(b.state_recorders.begin(), b.state_recorders.end(),
                               [&](const StateRecorderSpec& x) { return x.name == r.name; });
        REQUIRE(it != b.state_recorders.end());
        CHECK(a.populations[r.population].name == b.populations[it->population].name);
        CHECK(r.variables == it->variables);
        CHECK(r.ids == it->ids);
        CHECK(r.interval == it->interval);
    }
}

// Identical spec, position by position: what a re-run needs, since population and projection
// positions key the random streams.
inline void check_same_spec_in_order(const NetworkSpec& a, const NetworkSpec& b) {
    check_same_globals(a, b);
    REQUIRE(a.populations.size() == b.populations.size());
    for (std::size_t i = 0; i < a.populations.size(); ++i)
        check_same_population(a.populations[i], b.populations[i]);
    REQUIRE(a.projections.size() == b.projections.size());
    for (std::size_t i = 0; i < a.projections.size(); ++i) {
        CHECK(a.projections[i].source == b.projections[i].source);
        CHECK(a.projections[i].target == b.projections[i].target);
        check_same_projection(a, a.projections[i], b, b.projections[i]);
    }
    REQUIRE(a.stimuli.size() == b.stimuli.size());
    for (std::size_t i = 0; i < a.stimuli.size(); ++i) {
        CHECK(a.stimuli[i].target == b.stimuli[i].target);
        check_same_stimulus(a, a.stimuli[i], b, b.stimuli[i]);
    }
}

} // namespace gliasim::test
