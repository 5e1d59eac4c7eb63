// SPDX-License-Identifier: MIT
#pragma once

// The typed description of a task run ([task] in an experiment file): what the stream the input
// population presents looks like, which populations are read out and how. The keys every kind
// takes are fields here; each kind's own keys live in its options, a struct its file defines
// (tasks/kinds/<kind>.cpp) and reads, held here without this header knowing its type.

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gliasim {

struct TaskSpec {
    std::string kind = "memory_capacity"; // a TaskKind's name (tasks/register_tasks.cpp)
    std::uint32_t input = 0;              // the item_source population
    // A second item_source population the stream drives (associative_recall's values).
    std::optional<std::uint32_t> teacher;
    double item_ms = 20;
    double gap_ms = 0;
    // Items: washout (not read out), then train, validation and test, in that order.
    std::uint64_t washout = 200, train = 5000, validation = 1000, test = 2000;
    std::uint64_t seed = 0; // of the input stream
    // Items shown before the task's own, not read out (image_classification's
    // self-organisation), each `prefix_item_ms` long.
    std::uint64_t prefix_items = 0;
    double prefix_item_ms = 20;
    // The state read at the end of each item, from these populations.
    std::vector<std::uint32_t> readout;
    enum class Reader { counts, trace };
    Reader reader = Reader::trace;
    double tau = 20; // [ms] trace time constant
    // False when simulation.duration cuts the stream short: the network runs, the readout is
    // not scored.
    bool complete = true;
    // Keys naming files the kind reads, with the resolved paths (a sweep pins them absolute).
    std::vector<std::pair<std::string, std::string>> file_keys;
    // The kind's own keys: its options struct (tasks::options_of).
    std::any options;

    std::uint64_t episodes() const { return washout + train + validation + test; }
};

namespace tasks {

// The options of a kind, of the type its file defines (std::bad_any_cast for another type).
template <class Options> const Options& options_of(const TaskSpec& task) {
    return std::any_cast<const Options&>(task.options);
}
template <class Options> Options& options_of(TaskSpec& task) {
    return std::any_cast<Options&>(task.options);
}

} // namespace tasks

} // namespace gliasim
