// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"

namespace gliasim {

// One swept key and the value it takes at one point. `value` is TOML text ("\"6 nS\"", "0.02",
// "3"), exactly what `--set key=value` accepts, so values keep their TOML type and units.
struct SweepParameter {
    std::string key;
    std::string value;
    std::uint32_t line = 0, column = 0; // where the value is written in the [sweep] table
    bool operator==(const SweepParameter& o) const { return key == o.key && value == o.value; }
};

struct SweepPoint {
    std::size_t index = 0;
    std::string id; // zero-padded index and a hash of the parameters: "0003-1a2b3c4d"
    std::vector<SweepParameter> parameters;
    // "key=value" strings for parse_experiment / `gliasim run --set`.
    std::vector<std::string> overrides() const;
};

// Where a swept key is written in the [sweep] table, so that a bad value at one point is
// reported at the line that produced it.
struct SweepKeySource {
    std::string key; // the experiment key path, e.g. "projections.exc_exc.weight"
    std::string
        sweep_key; // where it sits in the file, e.g. "sweep.grid.projections.exc_exc.weight"
    std::uint32_t line = 0, column = 0;
};

// Per-task resources of a Slurm job array ([sweep.slurm]); empty / 0 = Slurm's default.
struct SlurmResources {
    std::string time, mem, partition;
    int cpus_per_task = 0;
};

// The grammar of every value that reaches a batch script (it is written into #SBATCH lines,
// where a line break would start a shell command). Each returns an empty string for a valid
// value, else what is wrong with it, in words.
//   time:      MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS (digits), or UNLIMITED / INFINITE
//   memory:    digits with an optional K, M, G or T suffix (either case)
//   partition: [A-Za-z0-9_.-]+ (several joined by commas), at most 128 characters
//   job name:  printable ASCII without quotes or backslashes, at most 128 characters
//   path:      no control characters (a line break would end the #SBATCH line)
std::string slurm_time_problem(std::string_view value);
std::string slurm_memory_problem(std::string_view value);
std::string slurm_partition_problem(std::string_view value);
std::string slurm_job_name_problem(std::string_view value);
std::string batch_path_problem(std::string_view value);

struct SweepSpec {
    std::string source;               // the experiment file as named
    std::string text;                 // the whole file; parse_experiment ignores its [sweep] table
    std::vector<SweepKeySource> keys; // swept keys in column order
    std::vector<SweepPoint> points;
    SlurmResources slurm;
};

// Reads the [sweep] table of an experiment file and expands it into points:
//   [sweep.grid]   "key.path" = [v1, v2, ...]   cartesian product over keys
//   [sweep.zip]    "key.path" = [v1, v2, ...]   lists in lock-step (equal lengths)
//   [sweep.random] n = N, seed = S, "key.path" = { min = A, max = B, distribution = "uniform"
//                  | "log_uniform" }            N samples of every key
//   [sweep] seeds = N (1..N) or [s1, s2, ...]   repeats every point with simulation.seed = s
// The groups combine as a product: grid x zip x random x seeds, seeds varying fastest.
// Throws InputError naming file:line:column and the key for every problem.
SweepSpec load_sweep(const std::string& path);
SweepSpec parse_sweep(std::string_view text, const std::string& source_name);

// A short, stable hash of a point's parameters (FNV-1a over "key=value" lines), hex.
std::string parameter_hash(const std::vector<SweepParameter>& parameters);

} // namespace gliasim
