// SPDX-License-Identifier: MIT
#pragma once

// The typed description of a run, independent of any file format: io/ fills it from an
// experiment file, tests fill it directly.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connectivity.hpp"
#include "model_info.hpp"
#include "value_spec.hpp"

namespace gliasim {

struct ModulatorRef {
    bool enabled = false;
    std::uint32_t population = 0;
    std::size_t var = 0;
};

// Resets at from, from + every, ... before until (never at 0); until < 0: to the end of the run.
struct ResetSchedule {
    double every = 0;
    double from = 0;
    double until = -1;
};

struct PopulationSpec {
    std::string name;
    const ModelInfo* model = nullptr;
    index_t size = 0;
    ParamValues params;
    std::map<std::string, ValueSpec> initial; // state variable -> initial value
    // The inputs the model declares (e.g. spike_times, coupling), by key.
    ModelInputs inputs = {};
    // x, y, z of each entity (grid units) when the population is placed in space; else empty.
    std::vector<float> positions = {};
    // Per-sample resets of reservoir protocols: at each of these times the state goes back to
    // its initial values and pending input is dropped.
    std::vector<ResetSchedule> resets = {};
    // A slow state of another population this model reads (models that accept one).
    ModulatorRef modulator = {};
};

// Pairs connections of a projection with astrocytes (NEST's third_factor_bernoulli_with_pool):
// each primary connection s -> t is, with probability p, paired with one astrocyte a drawn
// from t's pool, which adds a -> t (continuous, e.g. SIC) and s -> a (spikes) links.
struct ThirdFactorSpec {
    bool enabled = false;
    std::uint32_t population = 0; // the astrocytes
    double p = 1.0;
    enum class Pool { random, block };
    Pool pool = Pool::random;
    std::uint32_t pool_size = 1;
    ValueSpec weight_in; // s -> a, in the astrocyte's weight unit
    ValueSpec delay_in;  // [ms]
    std::size_t receptor_in = 0;
    ValueSpec weight_out;        // a -> t, dimensionless factor on the astrocyte's output
    ValueSpec delay_out;         // [ms]
    std::size_t channel_out = 0; // target ring channel of the continuous input
    std::string synapse_out = "sic";
    bool has_output = true; // the astrocytes send a continuous output (SIC) to the target
    // Gliotransmission: the covering astrocyte's state `modulator_var` (e.g. Gamma_S) modulates
    // the primary synapses (and the astrocyte's own input links) through their synapse model.
    bool gliotransmission = false;
    std::size_t modulator_var = 0;
};

struct ProjectionSpec {
    std::string name;
    std::uint32_t source = 0; // population index
    std::uint32_t target = 0;
    ConnectionRule rule;
    ValueSpec weight;
    ValueSpec delay;          // [ms]
    std::size_t receptor = 0; // ring channel of the target (continuous inputs follow receptors)
    std::string synapse = "static";
    const ModelInfo* synapse_model = nullptr; // set when the synapse has parameters/dynamics
    ParamValues synapse_params;
    bool continuous = false; // carries the source's continuous output (e.g. SIC), every step
    ThirdFactorSpec third_factor;
    // Set by the network for synapses tagged with a modulating population's entity.
    bool modulated = false;
    std::uint32_t modulator_population = 0;
    std::size_t modulator_var = 0;
    // A slow state a plasticity rule reads at event time (`modulator = "astro.A"`): one value of
    // a population of size 1, or one per target entity.
    ModulatorRef modulator;
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

// The NALSM branching factor of a set of populations (the liquid), computed from their spikes
// in [from, end) cut into samples of sample_length ms (0: one sample), after the run.
// Why it stays in core/: core itself reads `populations` and `from` in estimate_resources (the
// kept spikes' memory, which must be known before anything is built); Simulation keeps spikes
// through the generic keep_spikes, which analysis/ calls. [analysis] could now be read like
// [task], through io/'s SectionExtension into Experiment::extensions, but the estimate would
// still need these fields here; four plain fields cost less than that detour.
struct BranchingSpec {
    bool enabled = false;
    std::vector<std::uint32_t> populations;
    double sample_length = 0;
    double from = 0;
};

// Synaptic weights of one projection, every `interval` ms: the weights of `sample` synapses
// (0: all), or with bins > 0 a histogram of all weights over [low, high).
struct WeightRecorderSpec {
    std::string name;
    std::uint32_t projection = 0;
    std::uint64_t sample = 0;
    double interval = 100; // [ms]
    std::uint32_t bins = 0;
    double low = 0, high = 1;
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
    std::vector<WeightRecorderSpec> weight_recorders;
    BranchingSpec branching;
};

} // namespace gliasim
