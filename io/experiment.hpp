// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/network_spec.hpp"
#include "core/registry.hpp"
#include "task_spec.hpp"
#include "input_error.hpp"

namespace gliasim {

struct Experiment {
    NetworkSpec network;
    std::string source;                // file name as given (or "<string>")
    std::string output_file;           // from [output] file, or <stem>.h5
    std::string resolved_toml;         // the experiment after overrides and defaults: re-runnable
    std::uint64_t estimated_bytes = 0; // memory estimate of the built network
    TaskSpec task;                     // [task], when the experiment is a task run
};

// Parses and validates an experiment. `overrides` are "key.path=value" strings (--set).
// Throws InputError naming file:line:column and the key path for every problem.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry);
Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry);

} // namespace gliasim
