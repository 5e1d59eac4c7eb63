// SPDX-License-Identifier: MIT
#pragma once

// What one run is asked to do (the meaning of `gliasim run`'s options), and the typed answer
// when it cannot be done.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gliasim::session {

// Where the run's recordings go.
enum class OutputMode {
    file,   // <output>.partial, renamed over the output once the run completes (gliasim run)
    memory, // kept in memory, no file written or checked (gliasim compare, C++ tests)
};

struct RunRequest {
    // Each path as given, when given (an empty name is a name, refused where it is used).
    std::optional<std::string> file; // experiment file; none when resuming: the checkpoint's text
    std::vector<std::string> overrides;    // "key=value", in order (--set)
    std::optional<int> threads;            // --threads (0 = all cores)
    std::optional<std::uint64_t> seed;     // --seed
    std::optional<std::string> output;     // -o; none: [output] file, or the checkpoint's output
    std::optional<std::string> checkpoint; // --checkpoint; none: <output>.ckpt
    std::optional<std::string> checkpoint_every;      // simulated time, e.g. "10 s"
    std::optional<std::string> checkpoint_every_wall; // wall-clock time, e.g. "30 min"
    std::optional<std::string> resume;                // checkpoint to continue; none: a new run
    bool overwrite = false;                           // replace the output and stale run files
    bool ignore_resource_limits = false;              // memory and disk estimates only warn
    OutputMode output_mode = OutputMode::file;
    // Run a task's whole stream whatever simulation.duration says, and always score it (what
    // gliasim compare needs: every seed's figures).
    bool whole_task_stream = false;
};

// Why a run was not started (or not built): the one line for stderr, exactly as gliasim run
// prints it, and the exit status. `cause` is the underlying error's own text when there is one
// (for callers that word the message themselves). On the MPI ranks other than rank 0 the
// message is empty: rank 0 says it.
struct Refusal {
    int exit_status = 2;
    std::string message;
    std::string cause;
};

} // namespace gliasim::session
