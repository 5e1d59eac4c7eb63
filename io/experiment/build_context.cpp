// SPDX-License-Identifier: MIT
#include "build_context.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "io/experiment_names.hpp"

namespace gliasim::experiment_io {

const toml::table* BuildContext::section(const char* name) const {
    const toml::node* n = doc.get(name);
    return n ? &r.table(*n, name) : nullptr;
}

toml::table& BuildContext::written(const char* section, const std::string& name) const {
    return *doc.get(section)->as_table()->get(name)->as_table();
}

bool BuildContext::duration_decided_by_section() const {
    return std::any_of(extensions.begin(), extensions.end(), [&](const SectionExtension& e) {
        return e.decides_duration && doc.get(e.name);
    });
}

std::uint32_t BuildContext::population_index(const toml::node& n, const std::string& key) const {
    const std::string name = r.string(n, key);
    const auto& pops = ex.network.populations;
    for (std::uint32_t i = 0; i < pops.size(); ++i)
        if (pops[i].name == name) return i;
    std::vector<std::string> names;
    for (const auto& p : pops) names.push_back(p.name);
    r.fail(&n, key,
           fmt::format("no population named '{}'{}", name,
                       did_you_mean_or(name, names, " (populations: " + join(names) + ")")));
}

const ModelInfo& BuildContext::model(const Key& k, bool (*fits)(const ModelInfo&)) const {
    const std::string name = k.string();
    const ModelInfo* m = registry.find(name);
    std::vector<std::string> names;
    for (const auto& mi : registry.all())
        if (fits(mi)) names.push_back(mi.name);
    if (!m || !fits(*m))
        k.fail(fmt::format("unknown model '{}'{}", name,
                           did_you_mean_or(name, names, " (known: " + join(names) + ")")));
    return *m;
}

void BuildContext::whole_steps(const Key& k, double ms) const {
    const double steps = ms / ex.network.dt;
    if (std::abs(steps - std::round(steps)) > 1e-6 * std::max(1.0, steps))
        k.fail(
            fmt::format("{} ms is not a whole number of steps of dt = {} ms", ms, ex.network.dt));
}

ParamValues BuildContext::params(SectionReader& s, toml::table& w, const ModelInfo& m,
                                 Dim weight_dim) const {
    std::vector<Key> keys;
    for (const auto& p : m.params) keys.push_back(s.get(p.name));
    s.finish(fmt::format("{} (model {})", s.path(), m.name));
    ParamValues v = m.default_params();
    for (std::size_t i = 0; i < m.params.size(); ++i) {
        const ParamSpec& ps = m.params[i];
        const Key& k = keys[i];
        const Dim dim = ps.in_weight_unit ? weight_dim : ps.dim;
        if (k && !ps.choices.empty()) {
            const std::string c = k.string();
            const auto it = std::find(ps.choices.begin(), ps.choices.end(), c);
            if (it == ps.choices.end())
                k.fail(
                    fmt::format("unknown {} '{}'{}", ps.name, c,
                                did_you_mean_or(c, ps.choices, "; expected " + ps.range_text())));
            v[i] = static_cast<double>(it - ps.choices.begin());
        } else if (k) {
            v[i] = k.quantity(dim);
            if (!ps.in_range(v[i]))
                k.fail(fmt::format("{} is out of range; {} must be in {}", quantity_text(v[i], dim),
                                   ps.name, ps.range_text()));
        } else if (!ps.choices.empty()) {
            w.insert(ps.name, ps.value_text(v[i], dim));
        } else {
            w.insert(ps.name, quantity_text(v[i], dim));
        }
    }
    if (m.check)
        if (auto err = m.check(v)) s.fail(*err);
    return v;
}

std::size_t BuildContext::receptor(const Key& k, toml::table& w, const ModelInfo& tm,
                                   double mean_weight) const {
    if (k) {
        const std::string rec = k.string();
        const auto ri = tm.receptor_index(rec);
        if (!ri)
            k.fail(fmt::format("model {} has no receptor '{}' (receptors: {})", tm.name, rec,
                               join(synaptic_input(tm).receptors)));
        return *ri;
    }
    const SynapticInput& in = synaptic_input(tm);
    const std::size_t ri =
        in.sign_picks_receptor && mean_weight < 0 && in.receptors.size() > 1 ? 1 : 0;
    w.insert("receptor", in.receptors[ri]);
    return ri;
}

ValueSpec BuildContext::delay(const Key& k, toml::table& w, const char* name,
                              double default_ms) const {
    const double dt = ex.network.dt;
    if (!k) {
        w.insert(name, quantity_text(default_ms, Dim::time));
        return ValueSpec::constant(default_ms, Dim::time);
    }
    ValueSpec d = k.value_spec(Dim::time);
    if (d.min_value() < dt * 0.5)
        k.fail(fmt::format(
            "delays must be at least dt = {} ms; this one can be {} (give a "
            "distribution a 'low' bound)",
            dt, d.is_constant() ? quantity_text(d.a, Dim::time) : std::string("smaller")));
    if (!std::isfinite(d.max_value()) || d.max_value() / dt > 65535)
        k.fail(fmt::format("delays must be at most 65535 steps ({} ms); give a distribution "
                           "a 'high' bound",
                           65535 * dt));
    return d;
}

std::vector<std::pair<std::string, const toml::table*>>
ordered_tables(const Reader& r, const toml::table& t, const std::string& path) {
    std::vector<std::pair<std::string, const toml::table*>> out;
    for (const auto& [k, v] : t) {
        if (const auto why = unsafe_name_reason(k.str()))
            r.fail_at(k.source().begin.line, k.source().begin.column,
                      path + "." + printable_name(k.str()), *why);
        out.emplace_back(std::string(k.str()), &r.table(v, path + "." + std::string(k.str())));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const auto la = a.second->source().begin.line, lb = b.second->source().begin.line;
        const auto ka = la == 0 ? std::numeric_limits<std::uint32_t>::max() : la;
        const auto kb = lb == 0 ? std::numeric_limits<std::uint32_t>::max() : lb;
        return ka < kb;
    });
    return out;
}

} // namespace gliasim::experiment_io
