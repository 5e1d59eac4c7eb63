// SPDX-License-Identifier: MIT
// [stimuli.X]: a stimulus model with its parameters, the target population and ids, the window
// (start, stop), and for spike-injecting models the weight and receptor.
#include "sections.hpp"

#include <fmt/format.h>

namespace gliasim::experiment_io {

namespace {

StimulusSpec read_stimulus(const BuildContext& ctx, const std::string& name,
                           const toml::table& st) {
    const auto& pops = ctx.ex.network.populations;
    const std::string path = "stimuli." + name;
    toml::table& w = ctx.written("stimuli", name);
    SectionReader sr(ctx.r, st, path);
    const Key model = sr.get("model"), target = sr.get("target"), ids = sr.get("ids"),
              start = sr.get("start"), stop = sr.get("stop"), weight = sr.get("weight"),
              receptor = sr.get("receptor");
    StimulusSpec s;
    s.name = name;
    const ModelInfo& m = ctx.model(model.required("a stimulus model name"), is_stimulus);
    s.model = &m;
    s.params = ctx.params(sr, w, m);
    s.target = ctx.population_index(target.required("a population name"));
    const ModelInfo& tm = *pops[s.target].model;
    if (!receives_input(tm))
        target.fail(fmt::format("population '{}' (model {}) cannot receive stimuli",
                                pops[s.target].name, tm.name));
    if (ids) s.ids = ids.id_list(pops[s.target].size);
    if (start) s.start = start.quantity(Dim::time);
    if (s.start < 0) start.fail("start must be >= 0");
    if (stop) {
        s.stop = stop.quantity(Dim::time);
        if (!(s.stop >= s.start))
            stop.fail(
                fmt::format("stop ({} ms) must not be before start ({} ms)", s.stop, s.start));
    }
    if (std::get<StimulusModel>(m.role).injects_spikes) {
        const SynapticInput& tin = synaptic_input(tm);
        s.weight = weight
                       .required(fmt::format("a {} such as {}", dim_name(tin.weight_dim),
                                             example_for(tin.weight_dim)))
                       .quantity(tin.weight_dim);
        s.receptor = ctx.receptor(receptor, w, tm, s.weight);
        if (tin.weights_non_negative && s.weight < 0)
            weight.fail("conductance weights must be >= 0 (choose the receptor instead)");
    } else {
        for (const Key* k : {&weight, &receptor})
            if (*k)
                k->fail(fmt::format("model {} takes no {}", m.name,
                                    k == &weight ? "weight" : "receptor"));
    }
    return s;
}

} // namespace

void read_stimuli(BuildContext& ctx) {
    const toml::table* t = ctx.section("stimuli");
    if (!t) return;
    for (const auto& [name, st] : ordered_tables(ctx.r, *t, "stimuli"))
        ctx.ex.network.stimuli.push_back(read_stimulus(ctx, name, *st));
}

} // namespace gliasim::experiment_io
