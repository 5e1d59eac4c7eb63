// SPDX-License-Identifier: MIT
#pragma once

// The typed description of a run, independent of any file format: io/ fills it from an
// experiment file, tests fill it directly.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectivity.hpp"
#include "model.hpp"
#include "value_spec.hpp"

namespace gliasim {

struct PopulationSpec {
    std::string name;
    const ModelInfo* model = nullptr;
    index_t size = 0;
    ParamValues params;
    std::map<std::string, ValueSpec> initial;     // state variable -> initial value
    std::vector<std::vector<double>> spike_times; // [ms], spike sources only
};

struct ProjectionSpec {
    std::string name;
    std::uint32_t source = 0; // population index
    std::uint32_t target = 0;
    ConnectionRule rule;
    ValueSpec weight;
    ValueSpec delay; // [ms]
    std::size_t receptor = 0;
    std::string synapse = "static";
};

struct StimulusSpec {
    std::string name;
    const ModelInfo* model = nullptr;
    std::uint32_t target = 0;
    std::vector<index_t> ids; // empty: every entity of the target
    ParamValues params;
    std::size_t receptor = 0;
    double weight = 0; // spike-injecting devices, in the target's weight unit
    double start = 0;  // [ms]
    double stop = -1;  // [ms]; negative: until the end
};

struct SpikeRecorderSpec {
    std::string name;
    std::vector<std::uint32_t> populations;
};

struct StateRecorderSpec {
    std::string name;
    std::uint32_t population = 0;
    std::vector<std::size_t> variables; // indices into the model's StateSpec list
    std::vector<index_t> ids;           // sorted, unique
    double interval = 1.0;              // [ms]
};

struct NetworkSpec {
    double dt = 0.1;        // [ms]
    double duration = 1000; // [ms]
    std::uint64_t seed = 1;
    int threads = 1;
    double flush_interval = 1000; // [ms] of simulated time
    std::vector<PopulationSpec> populations;
    std::vector<ProjectionSpec> projections;
    std::vector<StimulusSpec> stimuli;
    std::vector<SpikeRecorderSpec> spike_recorders;
    std::vector<StateRecorderSpec> state_recorders;
};

} // namespace gliasim
