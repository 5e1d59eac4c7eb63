// SPDX-License-Identifier: MIT
#pragma once

// The sweep manifest (DIR/manifest.tsv): one row per point with its parameters, status, exit
// code, wall time, output path and error. Always written whole to a temporary file and renamed,
// so a sweep killed at any moment leaves the previous complete manifest.

#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/sweep_spec.hpp"

namespace gliasim::sweep {

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
// Reads DIR/manifest.tsv; nullopt when there is none. Throws SweepFolderError naming the file
// and line when it is malformed, a link, or names a point file outside the folder's layout.
std::optional<std::vector<PointRecord>> read_manifest(const fs::path& dir);

// Per-point status files (DIR/status/<id>.tsv), written by `gliasim sweep-task` inside Slurm
// array tasks so that concurrent tasks never write the same file.
void write_status_file(const fs::path& dir, const PointRecord& r);
// Applies a point's status file to its record, if there is one. Returns whether it did.
bool apply_status_file(const fs::path& dir, PointRecord& r);

// A sweep folder whose content gliasim did not write (a symbolic link where it writes, a
// manifest it cannot read, another sweep's folder): refused with exit status 2.
class SweepFolderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws SweepFolderError when `path` is a symbolic link: gliasim never writes through a link
// in a sweep folder (it could point at any file of the user).
void refuse_symlink(const fs::path& path);
// The whole of a small text file of a sweep folder, never through a link; nullopt when there is
// none. Throws SweepFolderError for a link, a non-regular file or one over `max_bytes`.
std::optional<std::string> read_folder_file(const fs::path& path, std::size_t max_bytes);
// DIR made absolute and normal, without a trailing '/'.
fs::path sweep_folder_absolute(const fs::path& dir);
// A manifest cell: '\\', tab, line feed and carriage return written as \\, \t, \n, \r, so
// that any value (a multi-line TOML string) fits one cell and reads back exactly.
std::string escape_cell(const std::string& value);
std::string unescape_cell(const std::string& cell);

// Replaces tabs and line breaks so that a message fits one TSV cell.
std::string one_line(const std::string& text);
// Writes `text` to `path` through a temporary file (created new, never through a link) and a
// rename. Throws SweepFolderError when `path` is a symbolic link.
void write_file_atomically(const fs::path& path, const std::string& text);

} // namespace gliasim::sweep
