// SPDX-License-Identifier: MIT
#pragma once

// The checkpoints of one run: where they go, what their header says, and what they cost.

#include <cstdint>
#include <optional>
#include <string>

#include "core/simulation.hpp"
#include "io/checkpoint_file.hpp"
#include "io/file_ownership.hpp"
#include "tasks/runner.hpp"

namespace gliasim::session {

struct Checkpointer {
    std::string path;
    CheckpointHeader header;
    int written = 0;
    std::optional<WrittenFile> mine; // the file last written, to remove it at the end
    std::uint64_t last_bytes = 0;
    double seconds = 0;
    tasks::StateAccumulator* task_states = nullptr; // a task run's readout, saved under task/

    // The simulation's state, the output's position (under output/) and the readout's (under
    // task/) at `step`, a slice boundary.
    void write(Simulation& sim, const RecordingBackend& backend, step_t step);
};

} // namespace gliasim::session
