// SPDX-License-Identifier: MIT
// [projections.X]: source and target, the synapse model and its parameters, the connection
// rule, weight, receptor and delay; third factors and plasticity checks live in their own files.
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace gliasim::experiment_io {

namespace {

const std::vector<std::string> kRules = {"bernoulli", "fixed_indegree", "one_to_one", "all_to_all",
                                         "distance"};

// The keys of a projection besides its synapse model's parameters.
struct ProjectionKeys {
    Key source, target, rule, p, indegree, allow_autapses, allow_multapses, synapse, weight, delay,
        receptor, third_factor, modulator, C, lambda;
};

ProjectionKeys declare_keys(SectionReader& s) {
    return {s.get("source"),
            s.get("target"),
            s.get("rule"),
            s.get("p"),
            s.get("indegree"),
            s.get("allow_autapses"),
            s.get("allow_multapses"),
            s.get("synapse"),
            s.get("weight"),
            s.get("delay"),
            s.get("receptor"),
            s.get("third_factor"),
            s.get("modulator"),
            s.get("C"),
            s.get("lambda")};
}

// The same unless a disallowed key is present.
void disallow(const Key& k, const std::string& why) {
    if (k) k.fail(why);
}

// Continuous coupling (e.g. sic): source output and target input must match; spike-carrying
// synapses need a spiking source and a target with receptors.
void check_endpoints(const BuildContext& ctx, const ProjectionKeys& k, const ModelInfo& syn,
                     ProjectionSpec& pj) {
    const auto& pops = ctx.ex.network.populations;
    const ModelInfo& sm = *pops[pj.source].model;
    const ModelInfo& tm = *pops[pj.target].model;
    const SynapticInput& tin = synaptic_input(tm);
    if (pj.continuous) {
        const std::string& what = continuous_output(syn).name;
        if (continuous_output(sm).name != what)
            k.source.fail(fmt::format("population '{}' (model {}) has no {} output, which "
                                      "synapse '{}' carries",
                                      pops[pj.source].name, sm.name, what, syn.name));
        const auto it = std::find(tin.continuous.begin(), tin.continuous.end(), what);
        if (it == tin.continuous.end())
            k.target.fail(fmt::format("population '{}' (model {}) has no {} input",
                                      pops[pj.target].name, tm.name, what));
        pj.receptor = tin.receptors.size() + static_cast<std::size_t>(it - tin.continuous.begin());
    } else {
        if (is_astrocyte(sm))
            k.source.fail(fmt::format("population '{}' (model {}) sends no spikes; couple it to "
                                      "neurons with synapse = \"sic\"",
                                      pops[pj.source].name, sm.name));
        if (tin.receptors.empty())
            k.target.fail(fmt::format("population '{}' (model {}) takes no synaptic input",
                                      pops[pj.target].name, tm.name));
    }
}

void read_distance_rule(const BuildContext& ctx, const ProjectionKeys& k, ProjectionSpec& pj) {
    const auto& pops = ctx.ex.network.populations;
    pj.rule.kind = ConnectionRule::Kind::distance;
    pj.rule.p = k.C.required("peak probability of p = C exp(-(d/lambda)^2)").number();
    if (!(pj.rule.p >= 0 && pj.rule.p <= 1))
        k.C.fail(fmt::format("C is a probability and must be in [0, 1], got {}", pj.rule.p));
    pj.rule.lambda = k.lambda.required("length scale (grid units)").number();
    if (!(pj.rule.lambda > 0))
        k.lambda.fail(fmt::format("lambda must be > 0, got {}", pj.rule.lambda));
    const auto& space_of = ctx.space_of;
    if (space_of.count(pj.source) && space_of.count(pj.target) &&
        space_of.at(pj.source) != space_of.at(pj.target))
        k.rule.fail(fmt::format("rule distance measures within one space; '{}' is in space "
                                "'{}' and '{}' in space '{}'",
                                pops[pj.source].name, ctx.spaces[space_of.at(pj.source)].name,
                                pops[pj.target].name, ctx.spaces[space_of.at(pj.target)].name));
    for (auto [pi, role] : {std::pair{pj.source, "source"}, {pj.target, "target"}})
        if (pops[pi].positions.empty())
            k.rule.fail(fmt::format("rule distance needs positions; {} population '{}' has "
                                    "none (give it positions = {{ grid = [nx, ny, nz] }})",
                                    role, pops[pi].name));
    disallow(k.p, "p belongs to rule = \"bernoulli\"; distance uses C and lambda");
    disallow(k.indegree, "indegree belongs to rule = \"fixed_indegree\"");
}

void read_rule(const BuildContext& ctx, const ProjectionKeys& k, ProjectionSpec& pj) {
    const auto& pops = ctx.ex.network.populations;
    const std::string rule = k.rule.required(join(kRules)).string();
    const index_t ns = pops[pj.source].size, nt = pops[pj.target].size;
    if (rule == "bernoulli") {
        pj.rule.kind = ConnectionRule::Kind::bernoulli;
        pj.rule.p = k.p.required("connection probability").number();
        if (!(pj.rule.p >= 0 && pj.rule.p <= 1))
            k.p.fail(fmt::format("probability must be in [0, 1], got {}", pj.rule.p));
        disallow(k.indegree, "indegree belongs to rule = \"fixed_indegree\"");
    } else if (rule == "fixed_indegree") {
        pj.rule.kind = ConnectionRule::Kind::fixed_indegree;
        pj.rule.k =
            static_cast<std::uint32_t>(k.indegree.required("connections per target")
                                           .integer(0, 1'000'000'000, "a non-negative in-degree"));
        disallow(k.p, "p belongs to rule = \"bernoulli\"");
    } else if (rule == "one_to_one") {
        pj.rule.kind = ConnectionRule::Kind::one_to_one;
        if (ns != nt)
            k.rule.fail(
                fmt::format("one_to_one needs equal sizes; source has {}, target {}", ns, nt));
        disallow(k.p, "p belongs to rule = \"bernoulli\"");
        disallow(k.indegree, "indegree belongs to rule = \"fixed_indegree\"");
    } else if (rule == "distance") {
        read_distance_rule(ctx, k, pj);
    } else if (rule == "all_to_all") {
        pj.rule.kind = ConnectionRule::Kind::all_to_all;
        disallow(k.p, "p belongs to rule = \"bernoulli\"");
        disallow(k.indegree, "indegree belongs to rule = \"fixed_indegree\"");
    } else {
        k.rule.fail(fmt::format("unknown rule '{}'{}", rule,
                                did_you_mean_or(rule, kRules, " (rules: " + join(kRules) + ")")));
    }
    if (k.allow_autapses) pj.rule.allow_autapses = k.allow_autapses.boolean();
    if (k.allow_multapses) pj.rule.allow_multapses = k.allow_multapses.boolean();
    if (pj.rule.kind == ConnectionRule::Kind::fixed_indegree && !pj.rule.allow_multapses) {
        const index_t pool = ns - (pj.source == pj.target && !pj.rule.allow_autapses ? 1 : 0);
        if (pj.rule.k > pool)
            k.indegree.fail(fmt::format("indegree {} exceeds the {} distinct sources available "
                                        "without multapses",
                                        pj.rule.k, pool));
    }
}

void read_weight(const BuildContext& ctx, const ProjectionKeys& k, toml::table& w,
                 const ModelInfo& syn, ProjectionSpec& pj) {
    const ModelInfo& tm = *ctx.ex.network.populations[pj.target].model;
    const SynapticInput& tin = synaptic_input(tm);
    const Dim weight_dim = pj.continuous ? Dim::dimensionless : tin.weight_dim;
    pj.weight =
        k.weight
            .required(fmt::format("a {} such as {}", dim_name(weight_dim), example_for(weight_dim)))
            .value_spec(weight_dim);
    if (plastic(syn)) check_plastic_weight_bounds(ctx, k.weight, pj, syn, weight_dim);
    if (pj.continuous)
        disallow(k.receptor, fmt::format("a {} projection goes to the {} input; it "
                                         "takes no receptor",
                                         pj.synapse, continuous_output(syn).name));
    else
        pj.receptor = ctx.receptor(k.receptor, w, tm, pj.weight.mean());
    if (!pj.continuous && tin.weights_non_negative && pj.weight.min_value() < 0)
        k.weight.fail(tin.weight_dim == Dim::conductance
                          ? fmt::format("weights onto {} are conductances and must be >= 0 "
                                        "(choose the receptor with receptor = \"inhibitory\"); "
                                        "this weight can be {}",
                                        tm.name, pj.weight.describe())
                          : fmt::format("weights onto {} must be >= 0 (it accepts excitatory "
                                        "input only); this weight can be {}",
                                        tm.name, pj.weight.describe()));
}

ProjectionSpec read_projection(const BuildContext& ctx, const std::string& name,
                               const toml::table& pt) {
    const auto& pops = ctx.ex.network.populations;
    const std::string path = "projections." + name;
    toml::table& w = ctx.written("projections", name);
    SectionReader s(ctx.r, pt, path);
    const ProjectionKeys k = declare_keys(s);
    ProjectionSpec pj;
    pj.name = name;
    pj.source = ctx.population_index(k.source.required("a population name"));
    pj.target = ctx.population_index(k.target.required("a population name"));
    const ModelInfo& tm = *pops[pj.target].model;
    const ModelInfo* syn = ctx.registry.find(pj.synapse);
    if (k.synapse)
        syn = &ctx.model(k.synapse, is_synapse);
    else
        w.insert("synapse", pj.synapse);
    pj.synapse = syn->name;
    pj.continuous = !continuous_output(*syn).name.empty();
    const SynapticInput& tin = synaptic_input(tm);
    // The synapse model's parameters sit flat in the projection table.
    pj.synapse_params = ctx.params(s, w, *syn, pj.continuous ? Dim::dimensionless : tin.weight_dim);
    if (plastic(*syn)) check_plastic(ctx, pt, path, pj, *syn, tm);
    if (k.modulator) pj.modulator = read_modulator(ctx, k.modulator, *syn, pops[pj.target]);
    if (!syn->params.empty() || transmission_factory(*syn)) pj.synapse_model = syn;
    check_endpoints(ctx, k, *syn, pj);
    read_rule(ctx, k, pj);
    read_weight(ctx, k, w, *syn, pj);
    pj.delay = ctx.delay(k.delay, w, "delay", ctx.ex.network.dt);
    if (k.third_factor) {
        if (pj.continuous)
            k.third_factor.fail("a third factor pairs spike-carrying connections; this "
                                "projection is continuous");
        pj.third_factor =
            read_third_factor(ctx, k.third_factor, *w.get("third_factor")->as_table(), pj);
    }
    const bool feeds_level =
        pj.continuous || (pj.third_factor.enabled && pj.third_factor.has_output);
    if (feeds_level && !pops[pj.target].resets.empty())
        k.target.fail(fmt::format("population '{}' has per-sample resets, which would break the "
                                  "level of the continuous ({}) input this projection feeds it",
                                  pops[pj.target].name,
                                  tin.continuous.empty() ? "SIC" : tin.continuous[0]));
    return pj;
}

} // namespace

void read_projections(BuildContext& ctx) {
    const toml::table* t = ctx.section("projections");
    if (!t) return;
    for (const auto& [name, pt] : ordered_tables(ctx.r, *t, "projections"))
        ctx.ex.network.projections.push_back(read_projection(ctx, name, *pt));
}

} // namespace gliasim::experiment_io
