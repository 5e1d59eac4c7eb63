// SPDX-License-Identifier: MIT
#pragma once

// Helpers shared by the tests of every folder (tests/README.md): the registry, repository
// files, parsing and running an experiment given as text, and finding things by name.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/registry.hpp"
#include "core/simulation.hpp"
#include "models/builtin.hpp"
#include "tasks/experiment_file.hpp"

namespace gliasim::test {

inline const ModelRegistry& registry() {
    static const ModelRegistry r = models::builtin_registry();
    return r;
}

// The text of a file of the repository, e.g. "tests/fixtures/amsu_external.toml".
inline std::string repository_file(const std::string& path) {
    std::ifstream in(std::filesystem::path(GLIASIM_SOURCE_DIR) / path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The text of a shipped experiment file (experiments/<name>).
inline std::string read_text(const std::string& name) {
    return repository_file("experiments/" + name);
}

// The network of an experiment given as text.
inline NetworkSpec spec_of(const std::string& text,
                           const std::vector<std::string>& overrides = {}) {
    return parse_experiment(text, "test.toml", overrides, registry()).network;
}

// A whole run in memory.
struct Result {
    MemoryBackend mb;
    RunStats stats;
};
inline Result run(const NetworkSpec& spec) {
    Result r;
    Simulation sim(spec);
    r.stats = sim.run(r.mb);
    return r;
}

inline std::size_t pop_index(const NetworkSpec& s, const std::string& name) {
    for (std::size_t i = 0; i < s.populations.size(); ++i)
        if (s.populations[i].name == name) return i;
    FAIL("no population " << name);
    return 0;
}

// Index of the projection named `name` in a network.
inline std::size_t projection_index(const NetworkSpec& s, const std::string& name) {
    for (std::size_t i = 0; i < s.projections.size(); ++i)
        if (s.projections[i].name == name) return i;
    FAIL("no projection " << name);
    return 0;
}

// The state report of population `pop`'s variable `var` in a run's memory back-end.
inline std::size_t report_index(const MemoryBackend& mb, const std::string& pop,
                                const std::string& var) {
    for (std::size_t i = 0; i < mb.layout.reports.size(); ++i)
        if (mb.layout.reports[i].population == pop && mb.layout.reports[i].variable == var)
            return i;
    FAIL("no report " << pop << "/" << var);
    return 0;
}

} // namespace gliasim::test
