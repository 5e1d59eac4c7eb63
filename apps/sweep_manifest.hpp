// SPDX-License-Identifier: MIT
#pragma once

// The sweep manifest (DIR/manifest.tsv): one row per point with its parameters, status, exit
// code, wall time, output path and error. Always written whole to a temporary file and renamed,
// so a sweep killed at any moment leaves the previous complete manifest.

#include <cmath>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "io/sweep_spec.hpp"

namespace gliasim::app {

namespace fs = std::filesystem;

// pending: not run yet (or submitted to Slurm); running: started; done: exited 0 with a
// verified output; failed: invalid point, non-zero exit, or an output that does not verify.
struct PointRecord {
    std::size_t index = 0;
    std::string id;
    std::string status = "pending";
    int exit_code = -1;           // -1 = not run
    double wall_s = std::nan(""); // seconds from start to exit, as seen by the executor
    std::string output;           // result file, relative to DIR
    std::string experiment;       // resolved experiment file, relative to DIR
    std::string error;            // one line: why the point failed
    std::vector<SweepParameter> parameters;
};

// The fixed columns of manifest.tsv; every further column is a swept key path.
inline const std::vector<std::string> kManifestColumns = {
    "index", "id", "status", "exit_code", "wall_s", "output", "experiment", "error"};

void write_manifest(const fs::path& dir, const std::vector<PointRecord>& records);
// Reads DIR/manifest.tsv; nullopt when there is none. Throws std::runtime_error naming the
// file and line when it is malformed.
std::optional<std::vector<PointRecord>> read_manifest(const fs::path& dir);

// Per-point status files (DIR/status/<id>.tsv), written by `gliasim sweep-task` inside Slurm
// array tasks so that concurrent tasks never write the same file.
void write_status_file(const fs::path& dir, const PointRecord& r);
// Applies a point's status file to its record, if there is one. Returns whether it did.
bool apply_status_file(const fs::path& dir, PointRecord& r);

// Replaces tabs and line breaks so that a message fits one TSV cell.
std::string one_line(const std::string& text);
// Writes `text` to `path` through a temporary file and a rename.
void write_file_atomically(const fs::path& path, const std::string& text);

} // namespace gliasim::app
