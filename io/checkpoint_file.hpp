// SPDX-License-Identifier: MIT
#pragma once

// Checkpoint files: the arrays of a StateArchive with a header that says which run they belong
// to. HDF5, so that h5py can look inside; written atomically (temporary file, fsync, rename).

#include <cstdint>
#include <string>
#include <string_view>

#include "core/state_archive.hpp"
#include "core/types.hpp"

namespace gliasim {

inline constexpr std::uint32_t kCheckpointFormatVersion = 2;

struct CheckpointHeader {
    std::uint32_t format_version = kCheckpointFormatVersion;
    std::string gliasim_version;
    std::string experiment_toml; // the resolved experiment (after --set), as stored in outputs
    std::string experiment_file;
    std::uint64_t experiment_hash = 0;
    std::string output; // the output file the run writes
    step_t step = 0;    // the slice boundary the state belongs to
    double time_ms = 0;
    std::uint32_t threads = 1;
    std::string run_id; // the run's random id, also in its output's /metadata (run_id)
};

struct Checkpoint {
    CheckpointHeader header;
    CheckpointArrays arrays;
};

// FNV-1a of the resolved experiment's text: the identity a checkpoint is resumed against.
std::uint64_t experiment_hash(std::string_view resolved_toml);

// Writes `path` atomically: a crash while writing leaves the previous checkpoint (if any).
// Returns the file's size in bytes. Throws std::runtime_error naming the path on failure.
std::uint64_t write_checkpoint(const std::string& path, const CheckpointHeader& header,
                               const CheckpointArrays& arrays);

// Throws std::runtime_error with a message that names the file and what is wrong with it.
Checkpoint read_checkpoint(const std::string& path);

} // namespace gliasim
