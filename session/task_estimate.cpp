// SPDX-License-Identifier: MIT
#include "session/task_estimate.hpp"

#include <cstdint>

namespace gliasim::session {

double estimate_task_memory(const NetworkSpec& network, const TaskSpec& task) {
    if (!task.enabled) return 0;
    double features = 0;
    for (const auto p : task.readout) features += network.populations[p].size;
    const auto items = static_cast<double>(task.stream_items());
    double bytes = sizeof(double) * items * features;
    if (task.reader == TaskSpec::Reader::trace)
        bytes += (sizeof(double) + sizeof(std::int64_t)) * features;
    const double shown = items + static_cast<double>(task.selforg);
    // Kinds without a teacher leave `teacher` at population 0: counted too, an upper bound.
    const double width =
        static_cast<double>(network.populations[task.input].size) +
        (task.teacher != task.input ? static_cast<double>(network.populations[task.teacher].size)
                                    : 0.0);
    bytes += sizeof(std::uint32_t) * shown + sizeof(float) * shown * width;
    return bytes;
}

} // namespace gliasim::session
