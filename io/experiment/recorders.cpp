// SPDX-License-Identifier: MIT
// [recorders.X]: kind = "spikes", "state", "weights" or "weight_histogram", each with its keys.
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace gliasim::experiment_io {

namespace {

// Every kind's keys are declared together: a key of another kind is refused by that kind with
// "not a key of a X recorder", not as unknown.
struct RecorderKeys {
    Key kind, populations, population, variables, ids, sample, interval, projection, bins, range;
};

void disallow(std::initializer_list<const Key*> keys, const std::string& kind) {
    for (const Key* key : keys)
        if (*key) key->fail(fmt::format("not a key of a {} recorder", kind));
}

SpikeRecorderSpec spike_recorder(const BuildContext& ctx, const RecorderKeys& k,
                                 const std::string& name) {
    SpikeRecorderSpec s{name, {}};
    if (k.populations) {
        if (!k.populations.value().is_array())
            k.populations.fail("expected an array of population names");
        std::size_t i = 0;
        for (const auto& e : *k.populations.value().as_array())
            s.populations.push_back(
                ctx.population_index(e, fmt::format("{}[{}]", k.populations.path(), i++)));
    } else {
        for (std::uint32_t i = 0; i < ctx.ex.network.populations.size(); ++i)
            s.populations.push_back(i);
    }
    return s;
}

std::vector<std::size_t> state_variables(const BuildContext& ctx, const Key& variables,
                                         const ModelInfo& m) {
    std::vector<std::size_t> out;
    if (!variables) {
        for (std::size_t i = 0; i < m.state.size(); ++i) out.push_back(i);
        return out;
    }
    const auto vars = variables.string_list();
    if (vars.empty()) variables.fail("expected at least one variable");
    std::vector<std::string> names;
    for (const auto& sv : m.state) names.push_back(sv.name);
    for (std::size_t i = 0; i < vars.size(); ++i) {
        const auto vi = m.state_index(vars[i]);
        if (!vi)
            ctx.r.fail(
                &(*variables.value().as_array())[i], fmt::format("{}[{}]", variables.path(), i),
                fmt::format("model {} has no state variable '{}'{}", m.name, vars[i],
                            did_you_mean_or(vars[i], names, " (variables: " + join(names) + ")")));
        if (std::find(out.begin(), out.end(), *vi) != out.end())
            variables.fail(fmt::format("variable '{}' listed twice", vars[i]));
        out.push_back(*vi);
    }
    return out;
}

StateRecorderSpec state_recorder(const BuildContext& ctx, const RecorderKeys& k,
                                 const toml::table& rt, const std::string& path,
                                 const std::string& name) {
    StateRecorderSpec s;
    s.name = name;
    s.population = ctx.population_index(k.population.required("a population name"));
    const PopulationSpec& ps = ctx.ex.network.populations[s.population];
    const ModelInfo& m = *ps.model;
    s.variables = state_variables(ctx, k.variables, m);
    if (s.variables.empty())
        ctx.r.fail(&rt, path, fmt::format("model {} has no recordable state", m.name));
    if (k.ids && k.sample) k.sample.fail("give either ids or sample, not both");
    if (k.ids) {
        s.ids = k.ids.id_list(ps.size);
    } else if (k.sample) {
        const auto n = static_cast<index_t>(
            k.sample.integer(1, ps.size, "a sample size no larger than the population"));
        // Evenly spread over the population.
        for (index_t i = 0; i < n; ++i)
            s.ids.push_back(static_cast<index_t>(static_cast<std::uint64_t>(i) * ps.size / n));
    } else {
        for (index_t i = 0; i < ps.size; ++i) s.ids.push_back(i);
    }
    const double dt = ctx.ex.network.dt;
    if (k.interval) {
        s.interval = k.interval.quantity(Dim::time);
        const double steps = s.interval / dt;
        if (!(steps >= 1 - 1e-9) || std::abs(steps - std::round(steps)) > 1e-6)
            k.interval.fail(fmt::format(
                "interval must be a positive multiple of dt = {} ms, got {} ms", dt, s.interval));
    } else {
        s.interval = std::max(dt, 1.0);
    }
    return s;
}

// The projection a weight recorder names; one recorder of each kind per projection.
std::uint32_t recorded_projection(const BuildContext& ctx, const Key& projection,
                                  const std::string& kind) {
    const std::string proj = projection.required("a projection name").string();
    const auto& pjs = ctx.ex.network.projections;
    std::vector<std::string> names;
    for (const auto& pj : pjs) names.push_back(pj.name);
    const auto it = std::find(names.begin(), names.end(), proj);
    if (it == names.end())
        projection.fail(
            fmt::format("no projection named '{}'{}", proj,
                        did_you_mean_or(proj, names, " (projections: " + join(names) + ")")));
    const auto index = static_cast<std::uint32_t>(it - names.begin());
    const ProjectionSpec& pj = pjs[index];
    if (pj.continuous)
        projection.fail(fmt::format("projection '{}' is continuous ({}); it has no synaptic "
                                    "weights that change",
                                    proj, pj.synapse));
    for (const auto& other : ctx.ex.network.weight_recorders)
        if (other.projection == index && (other.bins > 0) == (kind != "weights"))
            projection.fail(fmt::format("recorder '{}' already records {} of projection '{}'",
                                        other.name, kind, proj));
    return index;
}

// kind = "weights": projection, sample (synapses; default all), interval.
// kind = "weight_histogram": projection, bins, range = [low, high], interval.
WeightRecorderSpec weight_recorder(const BuildContext& ctx, const RecorderKeys& k,
                                   const std::string& name, const std::string& kind) {
    WeightRecorderSpec w;
    w.name = name;
    w.projection = recorded_projection(ctx, k.projection, kind);
    const ProjectionSpec& pj = ctx.ex.network.projections[w.projection];
    const Dim wd = synaptic_input(*ctx.ex.network.populations[pj.target].model).weight_dim;
    if (kind == "weights") {
        for (const Key* key : {&k.bins, &k.range})
            if (*key) key->fail("belongs to kind = \"weight_histogram\"");
        if (k.sample)
            w.sample = static_cast<std::uint64_t>(k.sample.integer(
                1, std::numeric_limits<std::int64_t>::max(), "a positive number of synapses"));
    } else {
        if (k.sample) k.sample.fail("a histogram counts every synapse; it takes no sample");
        w.bins =
            static_cast<std::uint32_t>(k.bins.required("the number of bins")
                                           .integer(1, 100000, "a number of bins in [1, 100000]"));
        const toml::node& rn = k.range.required("[low, high] in the weight unit").value();
        if (!rn.is_array() || rn.as_array()->size() != 2) k.range.fail("expected [low, high]");
        w.low = ctx.r.quantity((*rn.as_array())[0], k.range.path() + "[0]", wd);
        w.high = ctx.r.quantity((*rn.as_array())[1], k.range.path() + "[1]", wd);
        if (!(w.high > w.low))
            k.range.fail(fmt::format("high ({}) must exceed low ({})", w.high, w.low));
    }
    if (k.interval) {
        w.interval = k.interval.quantity(Dim::time);
        if (!(w.interval >= ctx.ex.network.dt))
            k.interval.fail(fmt::format("interval must be at least dt = {} ms", ctx.ex.network.dt));
        ctx.whole_steps(k.interval, w.interval);
    }
    return w;
}

void read_recorder(BuildContext& ctx, const std::string& name, const toml::table& rt) {
    const std::string path = "recorders." + name;
    SectionReader s(ctx.r, rt, path);
    const RecorderKeys k{s.get("kind"),      s.get("populations"), s.get("population"),
                         s.get("variables"), s.get("ids"),         s.get("sample"),
                         s.get("interval"),  s.get("projection"),  s.get("bins"),
                         s.get("range")};
    s.finish(path);
    const std::string kind = k.kind.required("\"spikes\" or \"state\"").string();
    auto& net = ctx.ex.network;
    if (kind == "spikes") {
        disallow({&k.population, &k.variables, &k.ids, &k.sample, &k.interval}, kind);
        net.spike_recorders.push_back(spike_recorder(ctx, k, name));
    } else if (kind == "state") {
        disallow({&k.populations}, kind);
        net.state_recorders.push_back(state_recorder(ctx, k, rt, path, name));
    } else if (kind == "weights" || kind == "weight_histogram") {
        disallow({&k.populations, &k.population, &k.variables, &k.ids}, kind);
        net.weight_recorders.push_back(weight_recorder(ctx, k, name, kind));
    } else {
        k.kind.fail(fmt::format("unknown recorder kind '{}'; expected \"spikes\", \"state\", "
                                "\"weights\" or \"weight_histogram\"",
                                kind));
    }
}

} // namespace

void read_recorders(BuildContext& ctx) {
    const toml::table* t = ctx.section("recorders");
    if (!t) return;
    for (const auto& [name, rt] : ordered_tables(ctx.r, *t, "recorders"))
        read_recorder(ctx, name, *rt);
}

} // namespace gliasim::experiment_io
