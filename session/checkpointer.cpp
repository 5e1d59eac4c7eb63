// SPDX-License-Identifier: MIT
#include "session/checkpointer.hpp"

#include <chrono>

namespace gliasim::session {

void Checkpointer::write(Simulation& sim, const RecordingBackend& backend, step_t step) {
    const auto t0 = std::chrono::steady_clock::now();
    CheckpointArrays arrays;
    sim.save_state(arrays);
    auto a = StateArchive::saving_to(arrays);
    {
        const auto s = a.scope("output");
        backend.save_position(a);
    }
    if (task_states) {
        const auto s = a.scope("task");
        task_states->archive(a);
    }
    header.step = step;
    header.time_ms = static_cast<double>(step) * sim.network().spec().dt;
    last_bytes = write_checkpoint(path, header, arrays);
    mine = written_file_at(path);
    ++written;
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace gliasim::session
