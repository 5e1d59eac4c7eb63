// SPDX-License-Identifier: MIT
// What plastic synapses and modulated models need: targets that spike, initial weights within
// the bounds, and `modulator = "population.variable"` references.
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace gliasim::experiment_io {

void check_plastic(const BuildContext& ctx, const toml::table& t, const std::string& path,
                   const ProjectionSpec& pj, const ModelInfo& syn, const ModelInfo& tm) {
    const auto& pops = ctx.ex.network.populations;
    if (!is_neuron(tm))
        ctx.r.fail(t.get("synapse"), path + ".synapse",
                   fmt::format("synapse '{}' learns from postsynaptic spikes, but population '{}' "
                               "(model {}) is not a spiking neuron",
                               syn.name, pops[pj.target].name, tm.name));
    auto value = [&](const char* name) -> std::optional<double> {
        const auto i = syn.param_index(name);
        return i ? std::optional<double>(pj.synapse_params[*i]) : std::nullopt;
    };
    if (const auto lo_param = value("w_min"); lo_param && synaptic_input(tm).weights_non_negative) {
        const double lo = *lo_param;
        if (lo < 0)
            ctx.r.fail(t.get("w_min"), path + ".w_min",
                       fmt::format("weights onto {} must be >= 0, so w_min must be too (got {})",
                                   tm.name, quantity_text(lo, synaptic_input(tm).weight_dim)));
    }
    if (const auto* n = t.get("third_factor"))
        ctx.r.fail(n, path + ".third_factor",
                   fmt::format("synapse '{}' is plastic; third factors (tripartite links) pair "
                               "static or tsodyks_markram synapses only",
                               syn.name));
    const auto from = value("learn_from"), until = value("learn_until");
    if (from && until && *until != -1 && !(*until >= *from))
        ctx.r.fail(t.get("learn_until"), path + ".learn_until",
                   fmt::format("learn_until ({} ms) must be -1 (never freeze) or at least "
                               "learn_from ({} ms)",
                               *until, *from));
}

// Clipping the initial weights silently would change the network the user described.
void check_plastic_weight_bounds(const BuildContext&, const Key& weight, const ProjectionSpec& pj,
                                 const ModelInfo& syn, Dim wd) {
    const auto lo_i = syn.param_index("w_min"), hi_i = syn.param_index("w_max");
    if (!lo_i || !hi_i) return;
    const double lo = pj.synapse_params[*lo_i], hi = pj.synapse_params[*hi_i];
    if (pj.weight.min_value() < lo || pj.weight.max_value() > hi)
        weight.fail(fmt::format("the initial weights of a plastic synapse must lie within "
                                "[w_min, w_max] = [{}, {}]; this weight can be {} (truncate a "
                                "distribution with low/high)",
                                quantity_text(lo, wd), quantity_text(hi, wd),
                                pj.weight.describe()));
}

// For a synapse rule the modulator has one value or one per target; for a neuron model
// (`blocks`) one value per block of consecutive entities (the size must divide the
// population's).
ModulatorRef read_modulator(const BuildContext& ctx, const Key& modulator, const ModelInfo& reader,
                            const PopulationSpec& target, bool blocks) {
    if (!reads_modulator(reader))
        modulator.fail(is_synapse(reader)
                           ? fmt::format("synapse '{}' reads no modulator; modulators scale "
                                         "plasticity rules such as synapse = \"stdp\"",
                                         reader.name)
                           : fmt::format("model {} reads no modulator (amsu does)", reader.name));
    const std::string text = modulator.string();
    const auto dot = text.find('.');
    if (dot == std::string::npos)
        modulator.fail(
            fmt::format("expected \"population.variable\" (e.g. \"astro.A\"), got '{}'", text));
    const std::string pop = text.substr(0, dot), var = text.substr(dot + 1);
    const auto& pops = ctx.ex.network.populations;
    std::vector<std::string> names;
    for (const auto& p : pops) names.push_back(p.name);
    const auto it = std::find(names.begin(), names.end(), pop);
    if (it == names.end())
        modulator.fail(
            fmt::format("no population '{}' to read the modulator from{}", pop,
                        did_you_mean_or(pop, names, " (populations: " + join(names) + ")")));
    const PopulationSpec& ps = pops[static_cast<std::size_t>(it - names.begin())];
    const auto vi = ps.model->state_index(var);
    if (!vi) {
        std::vector<std::string> vars;
        for (const auto& s : ps.model->state) vars.push_back(s.name);
        modulator.fail(fmt::format("population '{}' (model {}) has no state variable '{}'{}", pop,
                                   ps.model->name, var,
                                   did_you_mean_or(var, vars, " (it has: " + join(vars) + ")")));
    }
    if (blocks && target.size % ps.size != 0)
        modulator.fail(fmt::format("each modulator entity covers a block of equal size: '{}' has "
                                   "{} entities, which does not divide the {} of '{}'",
                                   pop, ps.size, target.size, target.name));
    if (!blocks && ps.size != 1 && ps.size != target.size)
        modulator.fail(fmt::format("a modulator is one value (a population of size 1) or one per "
                                   "target; '{}' has {} entities and target '{}' has {}",
                                   pop, ps.size, target.name, target.size));
    if (&ps == &target) modulator.fail("a population cannot be its own modulator");
    return {true, static_cast<std::uint32_t>(it - names.begin()), *vi};
}

} // namespace gliasim::experiment_io
