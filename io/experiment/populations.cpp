// SPDX-License-Identifier: MIT
// [populations.X]: model, size, the model's parameters, initial values, the structural keys
// (positions, reset, modulator) whose readers live in population_parts.cpp and placement.cpp,
// and the inputs models declare (spike_times, coupling: population_inputs.cpp).
#include "sections.hpp"

#include <fmt/format.h>
#include <limits>

#include "initial_values.hpp"

namespace gliasim::experiment_io {

namespace {

constexpr std::int64_t kMaxPopulationSize = std::numeric_limits<std::int32_t>::max();

// `initial = { V_m = "-70 mV", ... }`: each variable a constant or a distribution.
void read_initial(const BuildContext& ctx, const Key& initial, const ModelInfo& m,
                  PopulationSpec& ps) {
    const toml::table& it = initial.table();
    SectionReader s(ctx.r, it, initial.path());
    for (const auto& sv : m.state) s.get(sv.name);
    s.finish(fmt::format("initial state of model {}", m.name));
    for (const auto& [k, v] : it) {
        const std::string var(k.str());
        const std::string key = initial.path() + "." + var;
        const auto vi = m.state_index(var);
        ps.initial[var] = ctx.r.value_spec(v, key, m.state[*vi].dim);
        if (auto why = initial_value_problem(m, m.state[*vi], ps.initial[var]))
            ctx.r.fail(&v, key, *why);
    }
}

PopulationSpec read_population(BuildContext& ctx, const std::string& name, const toml::table& pt) {
    const std::string path = "populations." + name;
    SectionReader s(ctx.r, pt, path);
    const Key model = s.get("model"), size = s.get("size"), initial = s.get("initial");
    const std::vector<Key> inputs = declare_population_inputs(s);
    const Key positions = s.get("positions"), reset = s.get("reset");
    s.get("modulator"); // read by read_population_modulators, once every population is known
    PopulationSpec ps;
    ps.name = name;
    const ModelInfo& m =
        ctx.model(model.required("a neuron or source model name"), is_population_model);
    ps.model = &m;
    ps.size =
        static_cast<index_t>(size.required("number of entities")
                                 .integer(1, kMaxPopulationSize, "a positive population size"));
    ps.params = ctx.params(s, ctx.written("populations", name), m);
    if (initial) read_initial(ctx, initial, m, ps);
    if (positions) read_placement(ctx, positions, ctx.ex.network.populations.size(), ps.size);
    if (reset) ps.resets = read_resets(ctx, reset);
    read_population_inputs(ctx, inputs, m, ps);
    return ps;
}

} // namespace

void read_populations(BuildContext& ctx) {
    const toml::table* t = ctx.section("populations");
    if (!t || t->empty())
        ctx.r.fail(
            t ? t : &ctx.doc, "populations",
            "the experiment defines no populations ([populations.<name>] with model and size)");
    for (const auto& [name, pt] : ordered_tables(ctx.r, *t, "populations"))
        ctx.ex.network.populations.push_back(read_population(ctx, name, *pt));
}

void read_population_modulators(BuildContext& ctx) {
    const toml::table* t = ctx.section("populations");
    auto& pops = ctx.ex.network.populations;
    std::size_t p = 0;
    for (const auto& [name, pt] : ordered_tables(ctx.r, *t, "populations")) {
        const Key modulator(ctx.r, *pt, pt->get("modulator"), "populations." + name + ".modulator");
        if (modulator)
            pops[p].modulator = read_modulator(ctx, modulator, *pops[p].model, pops[p], true);
        ++p;
    }
}

} // namespace gliasim::experiment_io
