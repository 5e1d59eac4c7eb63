// SPDX-License-Identifier: MIT
#include "kinds/kinds.hpp"
#include "task_kind.hpp"

namespace gliasim::tasks {

void register_builtin_task_kinds(TaskKindRegistry& r) {
    // This order is the one error messages list the kinds in (kept from before the registry).
    r.add(memory_capacity_kind());
    r.add(delayed_recall_kind());
    r.add(nback_kind());
    r.add(next_char_kind());
    r.add(image_classification_kind());
    r.add(associative_recall_kind());
    r.add(parity_kind());
    r.add(dms_kind());
}

const TaskKindRegistry& builtin_task_kinds() {
    static const TaskKindRegistry registry = [] {
        TaskKindRegistry r;
        register_builtin_task_kinds(r);
        return r;
    }();
    return registry;
}

} // namespace gliasim::tasks
