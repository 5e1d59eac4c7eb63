// SPDX-License-Identifier: MIT
#include "task_kind.hpp"

#include <stdexcept>

namespace gliasim::tasks {

void TaskKindRegistry::add(TaskKind kind) {
    if (find(kind.name)) throw std::logic_error("task kind '" + kind.name + "' registered twice");
    kinds_.push_back(std::move(kind));
}

const TaskKind* TaskKindRegistry::find(std::string_view name) const {
    for (const auto& k : kinds_)
        if (k.name == name) return &k;
    return nullptr;
}

std::vector<std::string> TaskKindRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& k : kinds_) out.push_back(k.name);
    return out;
}

const TaskKind& task_kind(const TaskSpec& task) {
    const TaskKind* k = builtin_task_kinds().find(task.kind);
    if (!k) throw std::invalid_argument("unknown task kind '" + task.kind + "'");
    return *k;
}

} // namespace gliasim::tasks

namespace gliasim::tasks {

std::uint64_t task_items(const TaskSpec& task) {
    const TaskKind& kind = task_kind(task);
    return kind.items ? kind.items(task) : task.episodes();
}

double stream_ms(const TaskSpec& task) {
    return static_cast<double>(task.prefix_items) * task.prefix_item_ms +
           static_cast<double>(task_items(task)) * (task.item_ms + task.gap_ms);
}

} // namespace gliasim::tasks
