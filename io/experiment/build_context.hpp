// SPDX-License-Identifier: MIT
#pragma once

// What the section readers share while an experiment is built: the reader (positions, overrides,
// named times), the document (defaults are written back into it for the resolved text), the
// experiment so far, and lookups every section needs (populations by name, models by name,
// model parameters, receptors, delays).

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <toml++/toml.h>
#include <utility>
#include <vector>

#include "io/experiment.hpp"
#include "reader.hpp"
#include "section_reader.hpp"

namespace gliasim::experiment_io {

// A grid of sites shared by the populations that name it (`positions.space`).
struct Space {
    std::string name;
    std::array<std::int64_t, 3> grid;
    std::vector<std::pair<std::size_t, index_t>> members; // population, size
    const toml::node* node;
    std::string key;
};

struct BuildContext {
    Reader& r;
    const ModelRegistry& registry;
    toml::table& doc;
    const std::vector<SectionExtension>& extensions;
    Experiment ex = {};
    std::vector<Space> spaces = {};
    std::map<std::size_t, std::size_t> space_of = {}; // population -> its space

    // The top-level table `name`, or null when the file has none.
    const toml::table* section(const char* name) const;
    // The table `section.name` of the document, where defaults are written.
    toml::table& written(const char* section, const std::string& name) const;
    // Whether a section the file has (e.g. [task]) decides simulation.duration.
    bool duration_decided_by_section() const;

    std::uint32_t population_index(const toml::node& n, const std::string& key) const;
    std::uint32_t population_index(const Key& k) const {
        return population_index(k.value(), k.path());
    }
    // The model named by k, among those `fits` accepts (e.g. is_stimulus); others are unknown.
    const ModelInfo& model(const Key& k, bool (*fits)(const ModelInfo&)) const;
    // A time that must be a whole number of steps (schedules, windows).
    void whole_steps(const Key& k, double ms) const;

    // Model parameters given flat in the section: declares them, finishes the section and reads
    // them against the schema; defaults are written into `w`. `weight_dim` is the unit of
    // parameters given in the target's weight unit.
    ParamValues params(SectionReader& s, toml::table& w, const ModelInfo& m,
                       Dim weight_dim = Dim::dimensionless) const;
    // The `receptor` key of a projection or stimulus onto model `tm`; when absent, NEST's
    // convention applies (a negative weight selects the second, inhibitory receptor) and the
    // choice is written into the resolved experiment.
    std::size_t receptor(const Key& k, toml::table& w, const ModelInfo& tm,
                         double mean_weight) const;
    // A delay key (`default_ms` when absent): at least dt, at most 65535 steps, bounded.
    ValueSpec delay(const Key& k, toml::table& w, const char* name, double default_ms) const;
};

// Sub-tables in the order they appear in the file (tables from --set go last, by name); their
// names must be safe names (io/experiment_names.hpp).
std::vector<std::pair<std::string, const toml::table*>>
ordered_tables(const Reader& r, const toml::table& t, const std::string& path);

} // namespace gliasim::experiment_io
