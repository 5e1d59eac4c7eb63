// SPDX-License-Identifier: MIT
#include "session/task_estimate.hpp"

#include <cstdint>

#include "tasks/task_kind.hpp"

namespace gliasim::session {

double estimate_task_memory(const NetworkSpec& network, const TaskSpec* task_or_null) {
    if (!task_or_null) return 0;
    const TaskSpec& task = *task_or_null;
    double features = 0;
    for (const auto p : task.readout) features += network.populations[p].size;
    const auto items = static_cast<double>(tasks::task_items(task));
    double bytes = sizeof(double) * items * features;
    if (task.reader == TaskSpec::Reader::trace)
        bytes += (sizeof(double) + sizeof(std::int64_t)) * features;
    const double shown = items + static_cast<double>(task.prefix_items);
    const double width =
        static_cast<double>(network.populations[task.input].size) +
        (task.teacher ? static_cast<double>(network.populations[*task.teacher].size) : 0.0);
    bytes += sizeof(std::uint32_t) * shown + sizeof(float) * shown * width;
    return bytes;
}

} // namespace gliasim::session
