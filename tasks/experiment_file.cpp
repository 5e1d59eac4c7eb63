// SPDX-License-Identifier: MIT
// Experiment files with the sections of the layers above io/ (today [task]), and where an
// experiment keeps what they read.
#include "experiment_file.hpp"

namespace gliasim::tasks {

std::vector<SectionExtension> section_extensions() {
    return {task_section()};
}

const TaskSpec* task_of(const Experiment& ex) {
    const auto it = ex.extensions.find("task");
    return it == ex.extensions.end() ? nullptr : std::any_cast<TaskSpec>(&it->second);
}

TaskSpec* task_of(Experiment& ex) {
    const auto it = ex.extensions.find("task");
    return it == ex.extensions.end() ? nullptr : std::any_cast<TaskSpec>(&it->second);
}

} // namespace gliasim::tasks

namespace gliasim {

Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry) {
    return parse_experiment(text, source_name, overrides, registry, tasks::section_extensions());
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry) {
    return load_experiment(path, overrides, registry, tasks::section_extensions());
}

} // namespace gliasim
