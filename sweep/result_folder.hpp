// SPDX-License-Identifier: MIT
#pragma once

// The result files of a folder for `gliasim analyze DIR`, with the swept parameters of each
// when the folder holds a manifest.

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/analysis_output.hpp"

namespace gliasim::sweep {

struct FolderResult {
    std::filesystem::path file;
    analysis::Parameters parameters; // (name, value), the same names in the same order for all
};

struct FolderContents {
    std::vector<FolderResult> results;
    std::vector<std::string> skipped; // points of the manifest without a result, and why
};

// With DIR/manifest.tsv (written by `gliasim sweep`, read with its reader), the points in
// manifest order, each from its `output` file, with the swept parameters. With
// DIR/manifest.csv (a header row and a column `file`, `output` or `path`, relative to DIR), its
// rows with every other column as a parameter. Without either, every *.h5 in DIR by name.
// Points without a result file are listed in `skipped`. Throws std::runtime_error naming the
// manifest and line for a malformed one.
FolderContents folder_results(const std::filesystem::path& dir);

} // namespace gliasim::sweep
