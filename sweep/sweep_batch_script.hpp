// SPDX-License-Identifier: MIT
#pragma once

// The Slurm batch script of a sweep (DIR/sweep.sbatch). Every value written into it is checked
// against a strict grammar (io/sweep_spec.hpp) and shell-quoted, so that no value from a sweep
// file, an option or a path can add a line or a command to the script.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/sweep_spec.hpp"

namespace gliasim::sweep {

struct BatchScriptRequest {
    std::string sweep_name;           // the sweep file's stem; the job is "gliasim-<stem>"
    std::vector<std::size_t> indices; // the array tasks: indices of the points to run
    std::string dir;                  // the sweep folder, absolute
    std::string exe;                  // the gliasim binary, absolute
    SlurmResources resources;
};

// A value the script cannot hold; what() is one line naming the value.
class BatchScriptError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The script: "#!/bin/bash", #SBATCH lines (job name, array, output, then time, mem,
// cpus-per-task and partition where given), one comment line and one `exec` line. Throws
// BatchScriptError for a value outside its grammar.
std::string batch_script(const BatchScriptRequest& request);

// "0-3,5,7-9" from sorted indices: sbatch's --array syntax.
std::string array_ranges(const std::vector<std::size_t>& indices);

// `s` as one word of a POSIX shell: itself when it holds only [A-Za-z0-9_./:=@%+,-], else in
// single quotes (a ' inside written '\'').
std::string shell_quote(const std::string& s);

// `s` with control characters written as escapes (\n, \t, \x1b): safe to print in one line.
std::string printable(const std::string& s);

} // namespace gliasim::sweep
