// SPDX-License-Identifier: MIT
#pragma once

// Task kinds by name, like models (core/registry.hpp): each kind says how the stream its input
// population presents is built and how a readout of the item states is trained and scored. One
// file per kind under tasks/kinds/ (its keys of [task], its options, its stream, its score), one
// registration line in tasks/register_tasks.cpp; the [task] reader (task_section.cpp) and the
// run around them (tasks/runner.hpp) are the same for every kind.

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/simulation.hpp"
#include "models/item_stream.hpp"
#include "task_spec.hpp"

namespace gliasim::experiment_io {
struct BuildContext;
}

namespace gliasim::tasks {

class TaskKeys; // task_keys.hpp

// The stream an input population presents, and what the readout must report for each item.
struct TaskStream {
    std::shared_ptr<ItemStream> items;
    std::vector<double> values;        // memory_capacity: u(n) in [-1, 1]
    std::vector<std::uint32_t> symbol; // symbol tasks: the symbol (class, character) of item n
    // associative_recall: the values' stream on the teacher, and per episode the item of its
    // query, the value to recall and the number of interfering pairs.
    std::shared_ptr<ItemStream> teacher;
    std::vector<std::uint64_t> query_item;
    std::vector<std::uint32_t> query_value, query_interference;
};

// Entities of the populations a stream drives.
struct StreamWidths {
    std::size_t input = 0;
    std::size_t teacher = 0; // 0: the kind has no teacher
};

struct TaskResult {
    std::vector<std::pair<std::string, double>> scalars;
    std::vector<std::pair<std::string, std::vector<double>>> curves;
    // Curves that are the x axis of the curves after them (delays, N, ...), not figures.
    std::vector<std::string> axes;
    RunStats stats;
};

struct TaskKind {
    std::string name;
    // Its keys of [task] besides the common ones, in the order "(allowed: ...)" lists them.
    std::vector<std::string> keys = {};
    // Reads them into task.options (its options struct), after the common keys; null: the kind
    // cannot be named in a file (C++ only).
    void (*read)(const TaskKeys& keys, TaskSpec& task) = nullptr;
    // Names the times its keys define (Reader::name_time), before [populations] is read so that
    // schedules can use them; called when the file has a [task] table, whichever kind it names.
    void (*name_times)(experiment_io::BuildContext& ctx) = nullptr;
    // The items after the prefix, each read out; null: task.episodes().
    std::uint64_t (*items)(const TaskSpec& task) = nullptr;
    // Fills `stream`, whose items already carry the task's timing, width and one sequence slot
    // per task item (task_items()): the patterns, the sequence, the targets.
    void (*fill_stream)(const TaskSpec& task, const StreamWidths& widths,
                        TaskStream& stream) = nullptr;
    // Trains the readout on the train rows of `states` (items x features), chooses its
    // regulariser on the validation rows and scores it on the test rows.
    TaskResult (*score)(const TaskSpec& task, const TaskStream& stream,
                        const Eigen::MatrixXd& states) = nullptr;
};

class TaskKindRegistry {
public:
    void add(TaskKind kind);
    const TaskKind* find(std::string_view name) const;
    std::vector<std::string> names() const; // in registration order

private:
    std::vector<TaskKind> kinds_;
};

// Every built-in kind (register_tasks.cpp), built once.
const TaskKindRegistry& builtin_task_kinds();
void register_builtin_task_kinds(TaskKindRegistry& registry);
// The kind a spec names; throws std::invalid_argument for a name no kind has.
const TaskKind& task_kind(const TaskSpec& task);
// Items presented after the prefix (each read out), by the task's kind.
std::uint64_t task_items(const TaskSpec& task);
// The length of the whole stream: the prefix, then the items with their gaps [ms].
double stream_ms(const TaskSpec& task);

} // namespace gliasim::tasks
