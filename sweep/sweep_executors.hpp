// SPDX-License-Identifier: MIT
#pragma once

// The executors of a planned sweep: a local process pool and Slurm job arrays.

#include <string>

#include "sweep_plan.hpp"

namespace gliasim::sweep {

// Runs every pending point with at most `jobs` children at once, rewriting the manifest at
// every start and finish. Returns the number of failed points.
std::size_t run_local(SweepPlan& plan, int jobs, bool quiet);

// Writes DIR/sweep.sbatch (one array task per pending point) and submits it with
// `sbatch --parsable`; the job id goes to DIR/slurm_job_id. Returns an exit status.
int submit_slurm(SweepPlan& plan, const SlurmResources& resources, const std::string& exe,
                 bool submit);

// `gliasim sweep --status DIR`: per-point status from the manifest, the tasks' status files and,
// for a submitted sweep, `scontrol show job`. Returns 0 when no point failed, else 1.
int print_status(const fs::path& dir);

// One Slurm array task: runs point `index` of DIR and records it in DIR/status/<id>.tsv.
// Returns the point's exit status.
int run_sweep_task(const fs::path& dir, std::size_t index);

} // namespace gliasim::sweep
