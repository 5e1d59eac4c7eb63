// SPDX-License-Identifier: MIT
#pragma once

#include <any>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/network_spec.hpp"
#include "core/registry.hpp"
#include "input_error.hpp"

namespace gliasim {

struct Experiment {
    NetworkSpec network;
    std::string source;                // file name as given (or "<string>")
    std::string output_file;           // from [output] file, or <stem>.h5
    std::string resolved_toml;         // the experiment after overrides and defaults: re-runnable
    std::uint64_t estimated_bytes = 0; // memory estimate of the built network
    // What the sections of the layers above read (SectionExtension), by section name, when the
    // file has them: e.g. "task", a TaskSpec (tasks::task_of).
    std::map<std::string, std::any> extensions;
};

namespace experiment_io {
struct BuildContext; // io/experiment/build_context.hpp
}

// A top-level section that a layer above io/ reads (e.g. [task] by tasks/), so that a new kind
// of such a section changes only that layer. Its reader sees the experiment being built and
// keeps what it read in Experiment::extensions.
struct SectionExtension {
    std::string name; // the top-level table it owns, e.g. "task"
    // Called before [populations] is read, to name times the others may use; may be empty.
    std::function<void(experiment_io::BuildContext&)> prepare;
    // Called after [projections], whether or not the file has the section.
    std::function<void(experiment_io::BuildContext&)> read;
    // When the file has the section, it decides simulation.duration (which may then be absent).
    bool decides_duration = false;
};

// Parses and validates an experiment with the top-level sections io/ reads and those given.
// `overrides` are "key.path=value" strings (--set). Throws InputError naming file:line:column
// and the key path for every problem. Programs call the overloads without `sections` in
// tasks/experiment_file.hpp, which give the sections of every layer above io/.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry,
                           const std::vector<SectionExtension>& sections);
Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry,
                            const std::vector<SectionExtension>& sections);

} // namespace gliasim
