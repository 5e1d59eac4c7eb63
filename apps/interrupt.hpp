// SPDX-License-Identifier: MIT
#pragma once

#include <atomic>

namespace gliasim::app {

// While alive, SIGINT and SIGTERM (e.g. Slurm pre-emption) set a flag that the simulation reads
// at each slice boundary, so the run stops cleanly with its output flushed and closed. A second
// signal ends the process at once, with the signal's default action.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    const std::atomic<bool>* flag() const;
    // The signal that set the flag (0 if none).
    int signal() const;
};

} // namespace gliasim::app
