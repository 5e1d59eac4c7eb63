// SPDX-License-Identifier: MIT
#pragma once

// Experiment files as every program reads them: io/experiment.hpp's reader given the
// top-level sections the layers above io/ own (section_extensions(): today [task], read by
// task_section.cpp). The run session, the sweep, the commands, the fuzz harnesses and the
// tests all read experiments through the two functions below, so no caller forgets a section.

#include <string>
#include <string_view>
#include <vector>

#include "io/experiment.hpp"
#include "task_spec.hpp"

namespace gliasim {

// Parses and validates an experiment (io/experiment.hpp) with section_extensions().
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry);
Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry);

namespace tasks {

// [task]: the common keys, then the kind's own (TaskKind::read); decides the duration.
SectionExtension task_section();
// Every top-level section read above io/, in the order they are read.
std::vector<SectionExtension> section_extensions();

// The experiment's [task], or null when it has none.
const TaskSpec* task_of(const Experiment& ex);
TaskSpec* task_of(Experiment& ex);

} // namespace tasks

} // namespace gliasim
