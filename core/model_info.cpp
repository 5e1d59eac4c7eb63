// SPDX-License-Identifier: MIT
#include "model_info.hpp"

#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

namespace gliasim {

std::string ParamSpec::range_text() const {
    if (!choices.empty()) {
        std::string t;
        for (const auto& c : choices) t += (t.empty() ? "\"" : ", \"") + c + "\"";
        return "one of " + t;
    }
    auto bound = [&](double v) {
        if (std::isinf(v)) return std::string(v < 0 ? "-inf" : "inf");
        return format_quantity(v, dim);
    };
    return fmt::format("{}{}, {}{}", min_exclusive ? "(" : "[", bound(min), bound(max),
                       max_exclusive ? ")" : "]");
}

std::string ParamSpec::value_text(double v, Dim weight_dim) const {
    if (!choices.empty()) {
        const auto i = static_cast<std::size_t>(v);
        return i < choices.size() ? choices[i] : std::string("?");
    }
    return format_quantity(v, in_weight_unit ? weight_dim : dim);
}

namespace {
template <typename T>
std::optional<std::size_t> find_name(const std::vector<T>& v, std::string_view n) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].name == n) return i;
    return std::nullopt;
}
} // namespace

std::optional<std::size_t> ModelInfo::param_index(std::string_view n) const {
    return find_name(params, n);
}
std::optional<std::size_t> ModelInfo::state_index(std::string_view n) const {
    return find_name(state, n);
}
std::optional<std::size_t> ModelInfo::receptor_index(std::string_view n) const {
    const auto& receptors = synaptic_input(*this).receptors;
    for (std::size_t i = 0; i < receptors.size(); ++i)
        if (receptors[i] == n) return i;
    return std::nullopt;
}

ParamValues ModelInfo::default_params() const {
    ParamValues v;
    v.reserve(params.size());
    for (const auto& p : params) v.push_back(p.default_value);
    return v;
}

namespace {
// Overloaded lambdas for std::visit.
template <class... F> struct Overloaded : F... { using F::operator()...; };
template <class... F> Overloaded(F...) -> Overloaded<F...>;

template <typename Role> const Role& role_or_throw(const ModelInfo& m, const char* what) {
    if (const auto* r = std::get_if<Role>(&m.role)) return *r;
    throw std::logic_error(
        fmt::format("model {} is a {}, not {}", m.name, model_kind_name(m), what));
}
} // namespace

std::string_view model_kind_name(const ModelInfo& m) {
    return std::visit(Overloaded{[](const NeuronModel&) { return "neuron"; },
                                 [](const AstrocyteModel&) { return "astrocyte"; },
                                 [](const SourceModel&) { return "source"; },
                                 [](const StimulusModel&) { return "stimulus"; },
                                 [](const SynapseModel&) { return "synapse"; }},
                      m.role);
}

const SynapticInput& synaptic_input(const ModelInfo& m) {
    static const SynapticInput none{.receptors = {}};
    if (const auto* n = std::get_if<NeuronModel>(&m.role)) return n->input;
    if (const auto* a = std::get_if<AstrocyteModel>(&m.role)) return a->input;
    return none;
}

const ContinuousOutput& continuous_output(const ModelInfo& m) {
    static const ContinuousOutput none{};
    if (const auto* a = std::get_if<AstrocyteModel>(&m.role)) return a->output;
    if (const auto* s = std::get_if<SynapseModel>(&m.role)) return s->carries;
    return none;
}

const std::vector<DeclaredInput>& declared_inputs(const ModelInfo& m) {
    static const std::vector<DeclaredInput> none;
    return std::visit(Overloaded{[](const NeuronModel& r) -> const auto& { return r.inputs;
}
, [](const AstrocyteModel& r) -> const auto& {
    return r.inputs;
}
, [](const SourceModel& r) -> const auto& {
    return r.inputs;
}
, [](const auto&) -> const std::vector<DeclaredInput>& { return none; }
} // namespace gliasim
,
                      m.role);
}

const DeclaredInput* declared_input(const ModelInfo& m, std::string_view key) {
    for (const auto& d : declared_inputs(m))
        if (d.key == key) return &d;
    return nullptr;
}

bool reads_modulator(const ModelInfo& m) {
    if (const auto* n = std::get_if<NeuronModel>(&m.role)) return n->reads_modulator;
    if (const auto* s = std::get_if<SynapseModel>(&m.role)) return s->reads_modulator;
    return false;
}

bool plastic(const ModelInfo& m) {
    const auto* s = std::get_if<SynapseModel>(&m.role);
    return s && s->plastic;
}

const PopulationFactory* population_factory(const ModelInfo& m) {
    return std::visit(
        Overloaded{
            [](const NeuronModel& r) -> const PopulationFactory* { return &r.make_population; },
            [](const AstrocyteModel& r) -> const PopulationFactory* { return &r.make_population; },
            [](const SourceModel& r) -> const PopulationFactory* { return &r.make_population; },
            [](const auto&) -> const PopulationFactory* { return nullptr; }},
        m.role);
}

const TransmissionFactory* transmission_factory(const ModelInfo& m) {
    const auto* s = std::get_if<SynapseModel>(&m.role);
    return s && s->make_transmission ? &s->make_transmission : nullptr;
}

std::unique_ptr<Population> make_population(const ModelInfo& m, const PopulationSetup& s) {
    const PopulationFactory* f = population_factory(m);
    if (!f) throw std::logic_error(fmt::format("model {} builds no population", m.name));
    return (*f)(s);
}

std::unique_ptr<Stimulus> make_stimulus(const ModelInfo& m, const StimulusSetup& s) {
    return role_or_throw<StimulusModel>(m, "a stimulus").make_stimulus(s);
}

std::unique_ptr<Transmission> make_transmission(const ModelInfo& m, const TransmissionSetup& s) {
    const TransmissionFactory* f = transmission_factory(m);
    if (!f) throw std::logic_error(fmt::format("model {} has no synapse dynamics", m.name));
    return (*f)(s);
}

} // namespace gliasim
