// SPDX-License-Identifier: MIT
#pragma once

// The checkpoint fuzzing entry point: checkpoint arrays against a live kernel. See
// checkpoint_entry.cpp for the input format.

#include <cstddef>
#include <cstdint>
#include <string>

namespace gliasim::fuzz {

// One input: either a checkpoint file's bytes, or edits to a real checkpoint's arrays (with
// their checksums made to fit: what a crafted file can do). Read, restored into a small live
// network and run to its end; refusals (std::runtime_error, CheckpointMismatch) are expected.
void checkpoint_input(const std::uint8_t* data, std::size_t size);

// Writes seed inputs (real checkpoints of the harness's network, and a few edit lists) to `dir`.
void write_checkpoint_seeds(const std::string& dir);

} // namespace gliasim::fuzz
