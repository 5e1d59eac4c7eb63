// SPDX-License-Identifier: MIT
#pragma once

// Task kinds by name, like models (core/registry.hpp): each kind says how the stream its input
// population presents is built and how a readout of the item states is trained and scored. One
// file per kind under tasks/kinds/, one registration line in tasks/register_tasks.cpp; the run
// around them (tasks/runner.hpp) is the same for every kind.

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/simulation.hpp"
#include "io/task_spec.hpp"
#include "models/item_stream.hpp"

namespace gliasim::tasks {

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
    // Fills `stream`, whose items already carry the task's timing, width and one sequence slot
    // per task item (TaskSpec::stream_items()): the patterns, the sequence, the targets.
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

} // namespace gliasim::tasks
