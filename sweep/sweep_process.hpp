// SPDX-License-Identifier: MIT
#pragma once

// Starting one sweep point as a child process: this very binary (/proc/self/exe) with
// `run POINT.toml -o OUT.h5 --quiet`, its stdout and stderr in the point's log file.

#include <chrono>
#include <string>
#include <sys/types.h>

#include "sweep_batch_script.hpp"
#include "sweep_manifest.hpp"

namespace gliasim::sweep {

// The running gliasim binary, absolute.
std::string self_executable();

// The command line of a point, as a shell would show it (for --dry-run and the sbatch script).
std::string point_command(const std::string& exe, const fs::path& dir, const PointRecord& r);

// Forks and execs the point's run. The child dies with its parent (PR_SET_PDEATHSIG), so a
// killed sweep leaves no orphan writing into DIR. Throws std::runtime_error if fork fails.
pid_t start_point(const std::string& exe, const fs::path& dir, const PointRecord& r);

// Fills status, exit_code, wall_s and error from the child's wait status and its log; `done`
// also requires the output to carry the completed-run marker.
void finish_point(const fs::path& dir, PointRecord& r, int wait_status, double wall_s);

using SweepClock = std::chrono::steady_clock;
double seconds_since(SweepClock::time_point t0);

} // namespace gliasim::sweep
