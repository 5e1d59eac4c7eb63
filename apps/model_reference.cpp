// SPDX-License-Identifier: MIT
#include "model_reference.hpp"

#include <fmt/format.h>

namespace gliasim::app {

namespace {

// Table cells may not hold a bare '|'.
std::string cell(std::string s) {
    for (std::size_t p = 0; (p = s.find('|', p)) != std::string::npos; p += 2)
        s.replace(p, 1, "\\|");
    return s;
}

std::string model_section(const ModelInfo& m) {
    std::string out = fmt::format("## `{}` ({})\n\n{}\n", m.name, model_kind_name(m), m.doc);
    if (!m.params.empty()) {
        out += "\n| parameter | unit | default | valid range | meaning |\n|---|---|---|---|---|\n";
        for (const auto& p : m.params) {
            const std::string unit = !p.choices.empty() ? ""
                                     : p.in_weight_unit ? "weight unit"
                                                        : std::string(internal_unit(p.dim));
            const std::string value = p.choices.empty()
                                          ? fmt::format("{:g}", p.default_value)
                                          : "`" + p.value_text(p.default_value, p.dim) + "`";
            out += fmt::format("| `{}` | {} | {} | {} | {} |\n", p.name, unit, value,
                               cell(p.range_text()), cell(p.doc));
        }
    }
    if (!m.state.empty()) {
        out += "\nState variables (recordable, settable under `initial`): ";
        for (std::size_t i = 0; i < m.state.size(); ++i)
            out += fmt::format("{}`{}` [{}] {}", i ? "; " : "", m.state[i].name,
                               internal_unit(m.state[i].dim), m.state[i].doc);
        out += ".\n";
    }
    const SynapticInput& in = synaptic_input(m);
    const ContinuousOutput& co = continuous_output(m);
    if (!in.receptors.empty()) {
        out += "\nReceptors: ";
        for (std::size_t i = 0; i < in.receptors.size(); ++i)
            out += fmt::format("{}`{}`", i ? ", " : "", in.receptors[i]);
        out += fmt::format("; synaptic weights in {}{}.\n", internal_unit(in.weight_dim),
                           in.weights_non_negative ? " (non-negative)" : "");
    }
    for (const auto& c : in.continuous)
        out += fmt::format("\nContinuous input `{}` [{}], from `synapse = \"sic\"` projections or "
                           "third factors.\n",
                           c, internal_unit(in.continuous_dim));
    if (!co.name.empty())
        out += fmt::format("\nContinuous output `{}` [{}].\n", co.name, internal_unit(co.dim));
    return out;
}

} // namespace

std::string model_reference_markdown(const ModelRegistry& registry) {
    std::string out =
        "# Model parameter reference\n\n"
        "Generated from the model registry by `gliasim models --markdown`; do not edit by hand "
        "(the test `docs.model_reference` fails when this file and the registry differ; "
        "regenerate with `gliasim models --markdown > docs/model-reference.md`). Equations and "
        "validation are in [models.md](models.md), the experiment-file syntax in "
        "[experiment-files.md](experiment-files.md).\n\n"
        "Values are written with units in experiment files (`tau_m = \"20 ms\"`); the unit column "
        "is the internal unit a bare number is read in. \"weight unit\" is the unit of the "
        "target's synaptic weights.\n\n";
    for (const auto& m : registry.all())
        out += fmt::format("- [`{}`](#{}) ({})\n", m.name, m.name, model_kind_name(m));
    for (const auto& m : registry.all()) out += "\n" + model_section(m);
    return out;
}

} // namespace gliasim::app
