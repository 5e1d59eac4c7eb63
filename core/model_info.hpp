// SPDX-License-Identifier: MIT
#pragma once

// What a model declares to the rest of the program: a common part (name, doc, parameter and
// state schema, cross-parameter check) and its role. The role is a type, not a set of flags:
// a neuron, astrocyte or source model carries a population factory, a stimulus a stimulus
// factory, a synapse a transmission factory, each with only the options that make sense for
// it, so a stimulus with a population factory or a synapse with receptors does not compile.
// Readers ask through the small helpers below (is_neuron, synaptic_input, ...).

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model.hpp"
#include "units.hpp"

namespace gliasim {

struct ParamSpec {
    std::string name;
    Dim dim;
    double default_value;
    double min; // valid range, inclusive unless the *_exclusive flag is set
    double max;
    std::string doc;
    bool min_exclusive = false;
    bool max_exclusive = false;
    // A named option (e.g. pairing = "nearest"): the file gives one of these strings and the
    // value is its index. Empty for numeric parameters.
    std::vector<std::string> choices = {};
    // The value is in the weight unit of the projection's target (STDP bounds and amplitudes);
    // `dim` is then only the placeholder shown when no target is known.
    bool in_weight_unit = false;

    bool in_range(double v) const {
        if (min_exclusive ? !(v > min) : !(v >= min)) return false;
        if (max_exclusive ? !(v < max) : !(v <= max)) return false;
        return true;
    }
    std::string range_text() const;
    // The text the file would give for value v ("nearest", "20 ms").
    std::string value_text(double v, Dim weight_dim) const;
};

// A state variable: recordable, and settable at initialisation.
struct StateSpec {
    std::string name;
    Dim dim;
    std::string doc;
};

using PopulationFactory = std::function<std::unique_ptr<Population>(const PopulationSetup&)>;
using StimulusFactory = std::function<std::unique_ptr<Stimulus>(const StimulusSetup&)>;
using TransmissionFactory = std::function<std::unique_ptr<Transmission>(const TransmissionSetup&)>;

// How a population receives synaptic input: the neurons' and astrocytes' side of a projection.
struct SynapticInput {
    std::vector<std::string> receptors; // input channels, e.g. excitatory, inhibitory
    // Continuous-valued inputs (e.g. "SIC"); their ring channels follow the receptors'.
    std::vector<std::string> continuous = {};
    Dim continuous_dim = Dim::current;
    Dim weight_dim = Dim::dimensionless; // unit of synaptic weights onto this model
    bool weights_non_negative = false;   // conductance jumps: the receptor gives the sign
    // Without a `receptor` key a negative weight selects the second receptor (NEST's
    // excitatory/inhibitory convention); false for models whose receptors mean something else.
    bool sign_picks_receptor = true;
};

// A continuous-valued output (an astrocyte's SIC) or what a continuous synapse carries.
struct ContinuousOutput {
    std::string name; // empty: none
    Dim dim = Dim::current;
};

// A per-model input (core/model_inputs.hpp) the model takes: a population key the section
// reader fills (spike_times, coupling) or one a layer above io/ attaches.
struct DeclaredInput {
    std::string_view key;
    bool required = false;
};

struct NeuronModel {
    PopulationFactory make_population;
    SynapticInput input;
    bool reads_modulator = false; // takes `modulator = "pop.var"` (a slow state it reads)
    std::vector<DeclaredInput> inputs = {};
};

struct AstrocyteModel {
    PopulationFactory make_population;
    SynapticInput input;
    ContinuousOutput output = {};
    std::vector<DeclaredInput> inputs = {};
};

struct SourceModel {
    PopulationFactory make_population;
    std::vector<DeclaredInput> inputs = {};
};

struct StimulusModel {
    StimulusFactory make_stimulus;
    bool injects_spikes = false; // has a weight and a receptor (else: a current)
};

struct SynapseModel {
    TransmissionFactory make_transmission = nullptr; // none: weights delivered as they are
    bool plastic = false;                            // weights learn from pre/post spikes
    bool reads_modulator = false;                    // takes `modulator = "pop.var"`
    ContinuousOutput carries = {}; // continuous synapses: the output they carry (e.g. SIC)
};

using ModelRole =
    std::variant<NeuronModel, AstrocyteModel, SourceModel, StimulusModel, SynapseModel>;

struct ModelInfo {
    std::string name;
    std::string doc;
    std::vector<ParamSpec> params = {};
    std::vector<StateSpec> state = {};
    // Cross-parameter constraints (e.g. V_reset < V_th); returns an error text or nothing.
    std::function<std::optional<std::string>(const ParamValues&)> check = nullptr;
    ModelRole role;

    std::optional<std::size_t> param_index(std::string_view n) const;
    std::optional<std::size_t> state_index(std::string_view n) const;
    std::optional<std::size_t> receptor_index(std::string_view n) const;
    ParamValues default_params() const;
};

inline bool is_neuron(const ModelInfo& m) {
    return std::holds_alternative<NeuronModel>(m.role);
}
inline bool is_astrocyte(const ModelInfo& m) {
    return std::holds_alternative<AstrocyteModel>(m.role);
}
inline bool is_source(const ModelInfo& m) {
    return std::holds_alternative<SourceModel>(m.role);
}
inline bool is_stimulus(const ModelInfo& m) {
    return std::holds_alternative<StimulusModel>(m.role);
}
inline bool is_synapse(const ModelInfo& m) {
    return std::holds_alternative<SynapseModel>(m.role);
}
// Models a [populations.X] section can name.
inline bool is_population_model(const ModelInfo& m) {
    return is_neuron(m) || is_astrocyte(m) || is_source(m);
}
// Models that receive synaptic input (projection and stimulus targets).
inline bool receives_input(const ModelInfo& m) {
    return is_neuron(m) || is_astrocyte(m);
}

// "neuron", "astrocyte", "source", "stimulus" or "synapse".
std::string_view model_kind_name(const ModelInfo& m);
// The receiving side of a neuron or astrocyte; for other models none (no receptors,
// dimensionless weights).
const SynapticInput& synaptic_input(const ModelInfo& m);
// An astrocyte's output or what a continuous synapse carries; else an empty name.
const ContinuousOutput& continuous_output(const ModelInfo& m);
// The inputs a population model declares (none for other roles).
const std::vector<DeclaredInput>& declared_inputs(const ModelInfo& m);
const DeclaredInput* declared_input(const ModelInfo& m, std::string_view key);
bool reads_modulator(const ModelInfo& m);
bool plastic(const ModelInfo& m);
// Null for models without that factory (e.g. a static synapse has no transmission).
const PopulationFactory* population_factory(const ModelInfo& m);
const TransmissionFactory* transmission_factory(const ModelInfo& m);
// Builders for the kernel and tests; a model of another role is a programming error
// (std::logic_error).
std::unique_ptr<Population> make_population(const ModelInfo& m, const PopulationSetup& s);
std::unique_ptr<Stimulus> make_stimulus(const ModelInfo& m, const StimulusSetup& s);
std::unique_ptr<Transmission> make_transmission(const ModelInfo& m, const TransmissionSetup& s);

} // namespace gliasim
