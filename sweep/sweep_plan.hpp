// SPDX-License-Identifier: MIT
#pragma once

// From an experiment file with a [sweep] table to the list of points to run: each point is
// validated by the experiment parser, gets a resolved experiment file in DIR/points/, and is
// marked done when an earlier run of the same point finished and its output verifies.

#include <string>
#include <vector>

#include "sweep_manifest.hpp"

namespace gliasim::sweep {

struct SweepPlan {
    fs::path dir;
    SweepSpec spec;
    std::vector<PointRecord> records; // one per point, in index order
    std::size_t already_done = 0;     // points skipped because an earlier run finished them
    std::size_t invalid = 0;          // points the experiment parser rejected
};

// Throws InputError for a bad [sweep] table, or when every point is invalid (then the first
// point's error); SweepFolderError, before writing anything, for a symbolic link where the
// sweep writes, or a DIR that holds the sweep of another file (DIR/sweep.hash) unless
// `overwrite`. `write_files` = false (dry run) writes nothing into `dir`.
SweepPlan plan_sweep(const std::string& file, const fs::path& dir,
                     const std::vector<std::string>& base_overrides, bool write_files,
                     bool overwrite);

// The records of DIR/manifest.tsv with the per-point status files of Slurm tasks applied.
// Throws std::runtime_error when DIR holds no manifest.
std::vector<PointRecord> current_records(const fs::path& dir);

// Takes DIR/sweep.lock (flock) for the rest of the process, so that one process at a time
// rewrites the manifest; false when another holds it. Not inherited by the runs (O_CLOEXEC).
bool try_lock_sweep_directory(const fs::path& dir);

// Where a point's files go, relative to DIR.
std::string point_experiment_path(const std::string& id);
std::string point_output_path(const std::string& id);
std::string point_log_path(const std::string& id);

} // namespace gliasim::sweep
