// SPDX-License-Identifier: MIT
#pragma once

// The built-in task kinds, one file each (registered in tasks/register_tasks.cpp).

#include "tasks/task_kind.hpp"

namespace gliasim::tasks {

TaskKind memory_capacity_kind();
TaskKind delayed_recall_kind();
TaskKind nback_kind();
TaskKind next_char_kind();
TaskKind associative_recall_kind();
TaskKind image_classification_kind();
TaskKind parity_kind();
TaskKind dms_kind();

} // namespace gliasim::tasks
