// SPDX-License-Identifier: MIT
#pragma once

// The result files of a folder for `gliasim analyze DIR`, with the swept parameters of each
// when the folder holds a manifest.

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/analysis_output.hpp"

namespace gliasim::app {

struct FolderResult {
    std::filesystem::path file;
    analysis::Parameters parameters; // (name, value), the same names in the same order for all
};

struct FolderContents {
    std::vector<FolderResult> results;
    std::vector<std::string> skipped; // points of the manifest without a result, and why
};

// With DIR/manifest.tsv (written by `gliasim sweep`: index, id, status, exit_code, wall_s,
// output, experiment, error, then one column per swept parameter) or DIR/manifest.csv (any
// columns, one of them `file`, `output` or `path`), the manifest's rows in its order, paths
// relative to DIR, the parameter columns attached. Without one, every *.h5 in DIR by name.
// Throws std::runtime_error naming the manifest and line for a malformed one.
FolderContents folder_results(const std::filesystem::path& dir);

} // namespace gliasim::app
