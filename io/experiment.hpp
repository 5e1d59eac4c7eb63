// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
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

namespace experiment_io {
struct BuildContext; // io/experiment/build_context.hpp
}

// A top-level section that a layer above io/ reads (e.g. [task] by tasks/), so that a new kind
// of such a section changes only that layer. Its reader sees the experiment being built.
struct SectionExtension {
    std::string name; // the top-level table it owns, e.g. "task"
    // Called before [populations] is read, to name times the others may use; may be empty.
    std::function<void(experiment_io::BuildContext&)> prepare;
    // Called after [projections], whether or not the file has the section.
    std::function<void(experiment_io::BuildContext&)> read;
    // When the file has the section, it decides simulation.duration (which may then be absent).
    bool decides_duration = false;
};

// The sections io/ reads through the extension point itself: today [task].
std::vector<SectionExtension> builtin_section_extensions();

// Parses and validates an experiment. `overrides` are "key.path=value" strings (--set).
// Throws InputError naming file:line:column and the key path for every problem.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry);
Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry);
// The same with the given top-level sections instead of builtin_section_extensions().
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry,
                           const std::vector<SectionExtension>& sections);
Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry,
                            const std::vector<SectionExtension>& sections);

} // namespace gliasim
