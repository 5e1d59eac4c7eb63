// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>

#include "core/resource_estimate.hpp"

namespace gliasim::session {

struct PreflightOptions {
    bool overwrite = false;     // --overwrite: an existing output may be replaced
    bool ignore_limits = false; // --ignore-resource-limits: memory and disk estimates only warn
};

// Checks made before anything is built or written: the output's directory exists and is
// writable, its partial file (output + ".partial") can be created, an existing output is replaced
// only when allowed, the network's estimated memory fits in the available memory and the estimated
// output in the free disk space. Returns the error message for the first failure (the caller exits
// with status 2).
std::optional<std::string> check_before_run(const std::string& output, const ResourceEstimate& need,
                                            const PreflightOptions& options);

// Human-readable byte counts: "512 B", "3.2 MiB", "1.5 GiB".
std::string format_bytes(double bytes);

} // namespace gliasim::session
