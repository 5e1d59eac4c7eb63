// SPDX-License-Identifier: MIT
#pragma once

// Helpers shared by the in-process integration tests.

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/registry.hpp"
#include "models/builtin.hpp"

namespace gliasim::test {

inline const ModelRegistry& registry() {
    static const ModelRegistry r = models::builtin_registry();
    return r;
}

// The text of a shipped experiment file (experiments/<name>).
inline std::string read_text(const std::string& name) {
    const auto p = std::filesystem::path(GLIASIM_SOURCE_DIR) / "experiments" / name;
    std::ifstream in(p, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace gliasim::test
