// SPDX-License-Identifier: MIT
#pragma once

// What a sweep reads back from its points' result files.

#include <string>
#include <utility>
#include <vector>

namespace gliasim::sweep {

// True when `path` is an HDF5 file whose /metadata carries completed = 1 (written by the
// SonataWriter only when a run closed normally).
bool output_completed(const std::string& path);

// What resume trusts: completed, run from exactly `experiment` (the point's resolved text, which
// the run stores in /metadata/experiment, so an edited experiment file reruns its points), and
// with its /task figures when the experiment scores a task.
bool output_verified(const std::string& path, const std::string& experiment, bool needs_task);

// Summary figures of a finished run, in a stable order: numeric /metadata attributes, /task
// attributes as "task.<name>", and per spike population "spikes.<pop>" and "rate_hz.<pop>"
// (spikes / size / duration, with the size from the stored experiment).
std::vector<std::pair<std::string, std::string>> output_figures(const std::string& path);

} // namespace gliasim::sweep
