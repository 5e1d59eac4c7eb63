// SPDX-License-Identifier: MIT
#pragma once

// The exit statuses of gliasim, shared by every subcommand and by the run session's refusals.

namespace gliasim::session {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1; // a run failed after it started (I/O, numerics)
constexpr int kExitUsage = 2;   // bad command line or bad experiment file: nothing was simulated
constexpr int kExitInterrupted = 3; // SIGINT/SIGTERM: stopped early, output flushed and closed

} // namespace gliasim::session
