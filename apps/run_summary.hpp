// SPDX-License-Identifier: MIT
#pragma once

// What `gliasim run` prints while and after it runs: the progress line and the summary.

#include <optional>
#include <string>

#include "analysis/branching_factor.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"

namespace gliasim::app {

// The live progress line: shown once a run has taken more than ~2 s.
class Progress {
public:
    Progress(double total_ms, bool enabled);
    void operator()(double sim_ms, double wall_s);
    void finish();

private:
    double total_ms_;
    bool enabled_, tty_;
    bool shown_ = false;
    double last_line_ = -1e9;
};

// The run's summary on stdout: network, populations, speed, where the time went, output.
void print_summary(const Experiment& ex, const Simulation& sim, const RunStats& stats,
                   const std::optional<BranchingResult>& branching, const RunMetadata& meta,
                   const std::string& out);

} // namespace gliasim::app
