// SPDX-License-Identifier: MIT
// [task] as the task layer reads it (tasks/task_section.cpp): the section through io/'s extension
// point, the common keys and each kind's own, the defaults written back, the duration decided by
// the stream, and the times a kind names for the other sections ("selforg_end"). Malformed
// [task] sections are in tests/bad_input/task/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "tasks/experiment_file.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::projection_index;
using gliasim::test::registry;

namespace {

std::string experiment_path(const std::string& name) {
    return std::string(GLIASIM_SOURCE_DIR) + "/experiments/" + name;
}

const char* kRecall = R"(
[simulation]
dt = "0.5 ms"
seed = 11

[populations.input]
model = "item_source"
size = 12

[task]
kind = "delayed_recall"
input = "input"
readout = ["input"]
item = "10 ms"
gap = "5 ms"
washout = 6
train = 20
validation = 5
test = 10
symbols = 3
)";

Experiment parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return parse_experiment(text, "task.toml", overrides, registry());
}

} // namespace

TEST_CASE("section extensions: [task] is read above io/ and decides the duration", "[task]") {
    const auto sections = tasks::section_extensions();
    REQUIRE(sections.size() == 1);
    CHECK(sections[0].name == "task");
    CHECK(sections[0].decides_duration);
    // A file without [task] is no task run.
    const Experiment plain =
        parse_experiment(gliasim::test::read_text("coba.toml"), "coba.toml", {}, registry());
    CHECK(tasks::task_of(plain) == nullptr);
}

TEST_CASE("[task]: the common keys, the kind's own, the defaults written back", "[task]") {
    const Experiment ex = parse(kRecall);
    const TaskSpec* task = tasks::task_of(ex);
    REQUIRE(task);
    CHECK(task->kind == "delayed_recall");
    CHECK(task->input == pop_index(ex.network, "input"));
    CHECK(task->readout == std::vector<std::uint32_t>{0});
    CHECK(task->item_ms == 10.0);
    CHECK(task->gap_ms == 5.0);
    CHECK(task->episodes() == 41);
    CHECK(task->seed == 11); // the network's seed unless given
    CHECK(task->reader == TaskSpec::Reader::trace);
    // The stream decides the duration: 41 items of 10 ms + 5 ms.
    CHECK(ex.network.duration == 41 * 15.0);
    CHECK(task->complete);
    // The kind's keys reach its stream: 3 symbols on groups of 4 of the 12 input entities.
    const auto stream = tasks::make_stream(*task, ex.network);
    REQUIRE(stream.items->rates.size() == 3 * 12);
    for (std::size_t a = 0; a < 3; ++a)
        for (std::size_t i = 0; i < 12; ++i)
            CHECK(stream.items->rates[a * 12 + i] == (i / 4 == a ? 100.0f : 0.0f));
    // Defaults, the kind's included, are written into the resolved text and read back the same.
    for (const char* line : {"reader = 'trace'", "tau = '20 ms'", "rate = '100 Hz'"})
        CHECK_THAT(ex.resolved_toml, Catch::Contains(line));
    const Experiment again = parse(ex.resolved_toml);
    CHECK(tasks::make_stream(*tasks::task_of(again), again.network).items->rates ==
          stream.items->rates);
    // A duration given anyway is kept; a stream it cuts short is not scored.
    const Experiment cut = parse(kRecall, {"simulation.duration=\"100 ms\""});
    CHECK(cut.network.duration == 100.0);
    CHECK(!tasks::task_of(cut)->complete);
}

TEST_CASE("[task]: an unknown kind is refused with the kinds a file can name", "[task]") {
    try {
        parse(kRecall, {"task.kind=\"recall\""});
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.key() == "task.kind");
        CHECK(e.message() == "unknown task kind 'recall'; expected one of memory_capacity, "
                             "delayed_recall, nback, next_char, image_classification, "
                             "associative_recall, parity, dms");
    }
}

TEST_CASE("selforg_end names the end of an image task's self-organisation", "[task]") {
    const std::string file = experiment_path("tasks/fashion_mnist_nalsm.toml");
    if (!std::filesystem::is_directory("/usr/share/datasets/fashion-mnist")) {
        WARN("Fashion-MNIST not installed; scripts/install_deps.sh installs it");
        return;
    }
    const Experiment ex = load_experiment(file, {"task.selforg=321"}, registry());
    const double end = 321 * 20.0;
    const PopulationSpec& e = ex.network.populations[pop_index(ex.network, "E")];
    REQUIRE(e.resets.size() == 2);
    CHECK(e.resets[0].until == end);
    CHECK(e.resets[1].from == end);
    const ProjectionSpec& p = ex.network.projections[projection_index(ex.network, "EE_fast")];
    CHECK(p.synapse_params[*p.synapse_model->param_index("learn_until")] == end);
}

TEST_CASE("[task] of kind parity: its windows need the earlier bits", "[task]") {
    const std::string parity =
        std::string(kRecall).replace(std::string(kRecall).find("symbols"), 11, "windows = [1, 8]");
    try {
        parse(parity, {"task.kind=\"parity\""});
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.key() == "task.windows");
        CHECK(e.line() == 20);
        CHECK(e.message() == "window 8 must be at least 1 and at most washout + 1 (7): the first "
                             "read-out item needs the window's earlier bits");
    }
    CHECK(tasks::task_of(parse(parity, {"task.kind=\"parity\"", "task.washout=7"})));
}
