// SPDX-License-Identifier: MIT
#pragma once

// Reading an experiment file (the one given on the command line, or one it `extends`) without
// trusting what the path names: read_regular_file (regular_file.hpp) with the limit below, its
// refusals worded for experiment files.

#include <cstdint>
#include <string>
#include <variant>

namespace gliasim {

constexpr std::uint64_t kMaxExperimentFileBytes = 16ull << 20; // 16 MiB

struct SourceFile {
    std::string text;
    std::uint64_t device = 0, inode = 0; // identity, to find extends cycles through links
};

// The file's contents, or why it cannot be read (one line, without the path: the caller says
// which file and where it was named).
std::variant<SourceFile, std::string> read_experiment_source(const std::string& path);

} // namespace gliasim
