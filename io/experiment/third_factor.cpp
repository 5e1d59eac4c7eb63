// SPDX-License-Identifier: MIT
// [projections.X.third_factor]: pair the projection's connections with astrocytes (pools,
// weights and delays into and out of them, gliotransmission).
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace gliasim::experiment_io {

namespace {

struct ThirdFactorKeys {
    Key population, p, pool_type, pool_size, weight_in, delay_in, weight_out, delay_out,
        gliotransmission;
};

// The astrocyte population, and the target input its output acts on.
void read_astrocytes(const BuildContext& ctx, const ThirdFactorKeys& k, const ProjectionSpec& pj,
                     ThirdFactorSpec& tf) {
    const auto& pops = ctx.ex.network.populations;
    tf.population = ctx.population_index(k.population.required("an astrocyte population"));
    const ModelInfo& am = *pops[tf.population].model;
    const ModelInfo& tm = *pops[pj.target].model;
    const SynapticInput& tin = synaptic_input(tm);
    if (!is_astrocyte(am) || synaptic_input(am).receptors.empty())
        k.population.fail(fmt::format("population '{}' (model {}) is not an astrocyte population",
                                      pops[tf.population].name, am.name));
    const std::string& output = continuous_output(am).name;
    tf.has_output = !output.empty();
    if (tf.has_output) {
        const auto it = std::find(tin.continuous.begin(), tin.continuous.end(), output);
        if (it == tin.continuous.end())
            k.population.fail(
                fmt::format("the target population '{}' (model {}) has no {} input for "
                            "the astrocytes to act on",
                            pops[pj.target].name, tm.name, output));
        tf.channel_out =
            tin.receptors.size() + static_cast<std::size_t>(it - tin.continuous.begin());
    } else {
        for (const Key* out : {&k.weight_out, &k.delay_out})
            if (*out)
                out->fail(fmt::format("model {} sends no slow inward current; it acts on "
                                      "synapses through gliotransmission only",
                                      am.name));
    }
}

// p, pool_type and pool_size: which astrocytes each connection is paired with.
void read_pools(const BuildContext& ctx, const ThirdFactorKeys& k, toml::table& w,
                const ProjectionSpec& pj, ThirdFactorSpec& tf) {
    const auto& pops = ctx.ex.network.populations;
    const index_t n_astro = pops[tf.population].size, n_target = pops[pj.target].size;
    if (k.p) {
        tf.p = k.p.number();
        if (!(tf.p >= 0 && tf.p <= 1))
            k.p.fail(fmt::format("probability must be in [0, 1], got {}", tf.p));
    } else {
        w.insert("p", 1.0);
    }
    std::string pool = "random";
    if (k.pool_type)
        pool = k.pool_type.string();
    else
        w.insert("pool_type", pool);
    if (pool == "random")
        tf.pool = ThirdFactorSpec::Pool::random;
    else if (pool == "block")
        tf.pool = ThirdFactorSpec::Pool::block;
    else
        k.pool_type.fail(
            fmt::format("unknown pool_type '{}'; expected \"random\" or \"block\"", pool));
    if (k.pool_size) {
        tf.pool_size = static_cast<std::uint32_t>(
            k.pool_size.integer(1, n_astro, "a pool size no larger than the astrocyte population"));
    } else {
        tf.pool_size = tf.pool == ThirdFactorSpec::Pool::random ? n_astro : 1;
        w.insert("pool_size", static_cast<std::int64_t>(tf.pool_size));
    }
    if (tf.pool == ThirdFactorSpec::Pool::block) {
        const bool ok = tf.pool_size == 1
                            ? n_target % n_astro == 0
                            : static_cast<std::uint64_t>(n_target) * tf.pool_size == n_astro;
        if (!ok)
            k.pool_size.fail_or_at_table(
                fmt::format("block pools need the target size ({}) to be a multiple of "
                            "the astrocyte count ({}) when pool_size = 1, or target size x "
                            "pool_size = astrocyte count when pool_size > 1 (here {} x {} "
                            "!= {}); use pool_type = \"random\" otherwise",
                            n_target, n_astro, n_target, tf.pool_size, n_astro));
    }
}

void read_gliotransmission(const ThirdFactorKeys& k, toml::table& w, const ModelInfo& am,
                           const ProjectionSpec& pj, ThirdFactorSpec& tf) {
    if (!k.gliotransmission) {
        w.insert("gliotransmission", false);
        return;
    }
    tf.gliotransmission = k.gliotransmission.boolean();
    if (!tf.gliotransmission) return;
    const auto var = am.state_index("Gamma_S");
    if (!var)
        k.gliotransmission.fail(
            fmt::format("model {} releases no gliotransmitter (it has no Gamma_S); "
                        "use astrocyte_gchi",
                        am.name));
    if (!pj.synapse_model || !transmission_factory(*pj.synapse_model) ||
        !pj.synapse_model->param_index("alpha"))
        k.gliotransmission.fail(
            fmt::format("gliotransmission modulates release: the projection needs "
                        "synapse = \"tsodyks_markram\" (it has '{}')",
                        pj.synapse));
    tf.modulator_var = *var;
}

} // namespace

// `w` is the same table in the document, where defaults are written for the resolved text.
ThirdFactorSpec read_third_factor(const BuildContext& ctx, const Key& third_factor, toml::table& w,
                                  const ProjectionSpec& pj) {
    SectionReader s(ctx.r, third_factor.table(), third_factor.path());
    const ThirdFactorKeys k{s.get("population"), s.get("p"),         s.get("pool_type"),
                            s.get("pool_size"),  s.get("weight_in"), s.get("delay_in"),
                            s.get("weight_out"), s.get("delay_out"), s.get("gliotransmission")};
    s.finish(third_factor.path());
    ThirdFactorSpec tf;
    tf.enabled = true;
    read_astrocytes(ctx, k, pj, tf);
    tf.receptor_in = 0;
    read_pools(ctx, k, w, pj, tf);
    const ModelInfo& am = *ctx.ex.network.populations[tf.population].model;
    const SynapticInput& ain = synaptic_input(am);
    if (k.weight_in) {
        tf.weight_in = k.weight_in.value_spec(ain.weight_dim);
        if (ain.weights_non_negative && tf.weight_in.min_value() < 0)
            k.weight_in.fail(fmt::format("weights onto {} must be >= 0; this one can be {}",
                                         am.name, tf.weight_in.describe()));
    } else {
        tf.weight_in = ValueSpec::constant(1.0, ain.weight_dim);
        w.insert("weight_in", 1.0);
    }
    tf.delay_in = ctx.delay(k.delay_in, w, "delay_in",
                            pj.delay.is_constant() ? pj.delay.a : ctx.ex.network.dt);
    if (tf.has_output) {
        if (k.weight_out) {
            tf.weight_out = k.weight_out.value_spec(Dim::dimensionless);
        } else {
            tf.weight_out = ValueSpec::constant(1.0);
            w.insert("weight_out", 1.0);
        }
        tf.delay_out = ctx.delay(k.delay_out, w, "delay_out", std::max(1.0, ctx.ex.network.dt));
    }
    read_gliotransmission(k, w, am, pj, tf);
    return tf;
}

} // namespace gliasim::experiment_io
