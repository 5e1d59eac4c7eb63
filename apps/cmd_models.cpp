// SPDX-License-Identifier: MIT
// gliasim models [NAME]: the model registry, as a user reads it.
#include <fmt/format.h>

#include "commands.hpp"
#include "log.hpp"
#include "model_reference.hpp"
#include "models/builtin.hpp"
#include "options.hpp"

namespace gliasim::app {

namespace {

void print_model(const ModelInfo& m) {
    fmt::print("{} ({}): {}\n", m.name, model_kind_name(m), m.doc);
    if (!m.params.empty()) {
        fmt::print("\nparameters:\n  {:<17} {:<6} {:>12}  {:<26} {}\n", "name", "unit", "default",
                   "valid range", "description");
        for (const auto& p : m.params) {
            const std::string unit = !p.choices.empty() ? ""
                                     : p.in_weight_unit ? "weight"
                                                        : std::string(internal_unit(p.dim));
            const std::string value = p.choices.empty() ? fmt::format("{:g}", p.default_value)
                                                        : p.value_text(p.default_value, p.dim);
            fmt::print("  {:<17} {:<6} {:>12}  {:<26} {}\n", p.name, unit, value, p.range_text(),
                       p.doc);
        }
    }
    if (!m.state.empty()) {
        fmt::print("\nstate variables (recordable, settable under 'initial'):\n");
        for (const auto& s : m.state)
            fmt::print("  {:<12} {:<6} {}\n", s.name, internal_unit(s.dim), s.doc);
    }
    const SynapticInput& in = synaptic_input(m);
    const ContinuousOutput& co = continuous_output(m);
    if (!in.receptors.empty()) {
        fmt::print("\nreceptors: ");
        for (std::size_t i = 0; i < in.receptors.size(); ++i)
            fmt::print("{}{}", i ? ", " : "", in.receptors[i]);
        fmt::print("; synaptic weights in {}{}\n", internal_unit(in.weight_dim),
                   !in.weights_non_negative ? ""
                   : in.weight_dim == Dim::conductance
                       ? " (non-negative; the receptor gives the sign)"
                       : " (non-negative)");
    }
    for (const auto& c : in.continuous)
        fmt::print("continuous input: {} [{}] (from synapse = \"sic\" projections or third "
                   "factors)\n",
                   c, internal_unit(in.continuous_dim));
    if (!co.name.empty())
        fmt::print("continuous output: {} [{}], sent every step to neurons through synapse = "
                   "\"{}\"\n",
                   co.name, internal_unit(co.dim), is_synapse(m) ? m.name : std::string("sic"));
}

} // namespace

int cmd_models(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")(
        "markdown", "print the parameter reference of every model as Markdown");
    po::options_description hidden;
    hidden.add_options()("name", po::value<std::string>(), "model name");
    po::positional_options_description pos;
    pos.add("name", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden, "usage: gliasim models [NAME]", code);
    if (!vm) return code;
    const ModelRegistry registry = models::builtin_registry();
    if (vm->count("markdown")) {
        fmt::print("{}", model_reference_markdown(registry));
        return kExitOk;
    }
    if (vm->count("name")) {
        const std::string name = (*vm)["name"].as<std::string>();
        const ModelInfo* m = registry.find(name);
        if (!m) {
            const auto guess = closest_match(name, registry.names());
            log::error("", fmt::format("unknown model '{}'{}", name,
                                       guess.empty() ? "" : "; did you mean '" + guess + "'?"));
            return kExitUsage;
        }
        print_model(*m);
        return kExitOk;
    }
    for (const auto& m : registry.all())
        fmt::print("{:<20} {:<9} {}\n", m.name, model_kind_name(m), m.doc);
    fmt::print("\n'gliasim models NAME' shows a model's parameters, units, defaults and ranges.\n");
    return kExitOk;
}

} // namespace gliasim::app
