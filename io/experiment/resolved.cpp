// SPDX-License-Identifier: MIT
#include "sections.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace gliasim::experiment_io {

// The resolved experiment as TOML, with populations, projections, stimuli and recorders in
// the order the network uses (toml++ would sort them by name, and that order decides random
// streams and summation order, so a re-run of the text must see the same order).
std::string resolved_text(const toml::table& doc, const NetworkSpec& net) {
    std::string out;
    auto emit = [&](const std::string& section, const std::string& name, const toml::node& n) {
        toml::table wrapper;
        if (name.empty()) {
            wrapper.insert(section, n);
        } else {
            toml::table inner;
            inner.insert(name, n);
            wrapper.insert(section, std::move(inner));
        }
        std::ostringstream o;
        o << toml::toml_formatter{wrapper};
        out += o.str();
        out += "\n\n";
    };
    const std::set<std::string> named = {"populations", "projections", "stimuli", "recorders"};
    for (const char* k : {"simulation", "output"})
        if (const toml::node* n = doc.get(k)) emit(k, "", *n);
    for (const auto& [k, v] : doc) {
        const std::string key(k.str());
        // A resolved experiment is one run: the [sweep] that produced it is not part of it.
        if (!named.count(key) && key != "simulation" && key != "output" && key != "sweep")
            emit(key, "", v);
    }
    auto emit_all = [&](const std::string& section, const std::vector<std::string>& names) {
        const toml::node* t = doc.get(section);
        if (!t || !t->is_table()) return;
        for (const auto& name : names)
            if (const toml::node* n = t->as_table()->get(name)) emit(section, name, *n);
    };
    std::vector<std::string> names;
    for (const auto& p : net.populations) names.push_back(p.name);
    emit_all("populations", names);
    names.clear();
    for (const auto& p : net.projections) names.push_back(p.name);
    emit_all("projections", names);
    names.clear();
    for (const auto& s : net.stimuli) names.push_back(s.name);
    emit_all("stimuli", names);
    // Recorders do not affect the dynamics; keep their order for a faithful file anyway.
    names.clear();
    for (const auto& r : net.spike_recorders) names.push_back(r.name);
    for (const auto& r : net.state_recorders) names.push_back(r.name);
    for (const auto& r : net.weight_recorders) names.push_back(r.name);
    std::vector<std::pair<std::uint32_t, std::string>> by_line;
    if (const toml::node* t = doc.get("recorders"); t && t->is_table())
        for (const auto& name : names)
            if (const toml::node* n = t->as_table()->get(name))
                by_line.emplace_back(n->source().begin.line, name);
    std::stable_sort(by_line.begin(), by_line.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    names.clear();
    for (const auto& [line, name] : by_line) names.push_back(name);
    emit_all("recorders", names);
    return out;
}

} // namespace gliasim::experiment_io
