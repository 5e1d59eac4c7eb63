// SPDX-License-Identifier: MIT
// Experiment files: TOML in, a validated NetworkSpec out. This file applies the overrides,
// checks the top-level tables and calls the section readers in their order (which decides the
// order of checks, and so which problem of a file with several is reported).
#include "io/experiment.hpp"
#include "sections.hpp"

#include <fmt/format.h>
#include <limits>
#include <set>
#include <sstream>

#include "core/resource_estimate.hpp"
#include "io/experiment_document.hpp"
#include "io/experiment_source.hpp"

namespace gliasim {

namespace experiment_io {

namespace {

// Splits "a.b.c=value" and writes value into the document, creating tables on the way.
std::string apply_override(toml::table& doc, const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw InputError("--set " + text, 0, 0, "", "expected key.path=value");
    const std::string path = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    std::vector<std::string> parts;
    std::stringstream ss(path);
    for (std::string p; std::getline(ss, p, '.');) {
        if (p.empty()) throw InputError("--set " + text, 0, 0, path, "empty key in key path");
        parts.push_back(p);
    }
    toml::table* t = &doc;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        toml::node* n = t->get(parts[i]);
        if (!n) {
            t->insert(parts[i], toml::table{});
            n = t->get(parts[i]);
        }
        if (!n->is_table())
            throw InputError(
                "--set " + text, 0, 0, path,
                fmt::format("'{}' is not a table, cannot set a key inside it", parts[i]));
        t = n->as_table();
    }
    // The value is TOML when it parses as TOML; otherwise it is taken as a string, so that
    // --set simulation.duration=10s works without shell quoting of inner quotes.
    try {
        toml::table v = toml::parse("v = " + value);
        t->insert_or_assign(parts.back(), *v.get("v"));
    } catch (const toml::parse_error&) {
        t->insert_or_assign(parts.back(), value);
    }
    return path;
}

// Refuses top-level tables nobody reads. [sweep] is read by `gliasim sweep` only.
void check_top_level(const Reader& r, const toml::table& doc,
                     const std::vector<SectionExtension>& sections) {
    SectionReader s(r, doc, "");
    for (const char* name :
         {"simulation", "output", "populations", "projections", "stimuli", "recorders", "analysis"})
        s.get(name);
    for (const auto& e : sections) s.get(e.name);
    s.get("sweep");
    s.finish("the experiment file");
}

// The built network's memory; `gliasim run` compares it with the machine's (validation
// does not: a file may be meant for a bigger machine).
std::uint64_t estimated_memory(const NetworkSpec& net) {
    // Clamped: a gigantic network's estimate may not fit 64 bits (the cast would be UB).
    const double bytes = estimate_resources(net).memory_bytes;
    return bytes < 1.8e19 ? static_cast<std::uint64_t>(bytes)
                          : std::numeric_limits<std::uint64_t>::max();
}

Experiment build(toml::table doc, const std::string& source,
                 const std::vector<std::string>& overrides, const ModelRegistry& registry,
                 const std::vector<SectionExtension>& sections) {
    std::set<std::string> overridden;
    for (const auto& o : overrides) overridden.insert(apply_override(doc, o));
    Reader r(source, overridden);
    check_top_level(r, doc, sections);
    BuildContext ctx{r, registry, doc, sections};
    ctx.ex.source = source;
    read_simulation(ctx);
    read_output(ctx);
    for (const auto& e : sections)
        if (e.prepare) e.prepare(ctx);
    read_populations(ctx);
    place_populations(ctx);
    read_population_modulators(ctx);
    read_projections(ctx);
    for (const auto& e : sections)
        if (e.read) e.read(ctx);
    read_analysis(ctx);
    read_stimuli(ctx);
    read_recorders(ctx);
    ctx.ex.estimated_bytes = estimated_memory(ctx.ex.network);
    ctx.ex.resolved_toml = resolved_text(doc, ctx.ex.network);
    return std::move(ctx.ex);
}

} // namespace

} // namespace experiment_io

Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry,
                            const std::vector<SectionExtension>& sections) {
    return experiment_io::build(read_experiment_document(text, source_name), source_name, overrides,
                                registry, sections);
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry,
                           const std::vector<SectionExtension>& sections) {
    auto read = read_experiment_source(path);
    if (const auto* why = std::get_if<std::string>(&read)) {
        // The old wording for a missing file; the others say what the path is instead.
        if (why->starts_with("cannot open"))
            throw InputError(path, 0, 0, "", "cannot open the experiment file" + why->substr(11));
        throw InputError(path, 0, 0, "", "the experiment file " + *why);
    }
    return parse_experiment(std::get<SourceFile>(read).text, path, overrides, registry, sections);
}

} // namespace gliasim
