// SPDX-License-Identifier: MIT
// The task layer's memory in the run's estimate (session/task_estimate.hpp): the item-state
// matrix and the input stream, against figures worked out by hand.
#include <filesystem>
#include <unistd.h>

#include "core/resource_estimate.hpp"
#include "session/run_session.hpp"
#include "session/task_estimate.hpp"
#include "test_support.hpp"

using namespace gliasim;

namespace fs = std::filesystem;

TEST_CASE("task estimate: item states and stream of a hand-built task", "[session]") {
    NetworkSpec net;
    net.populations.resize(4);
    net.populations[0].size = 50;  // input
    net.populations[1].size = 300; // readout
    net.populations[2].size = 200; // readout
    net.populations[3].size = 20;  // teacher
    TaskSpec task;
    task.input = 0;
    task.readout = {1, 2};
    task.washout = 10;
    task.train = 100;
    task.validation = 20;
    task.test = 30; // 160 items
    SECTION("not a task run: nothing") {
        CHECK(session::estimate_task_memory(net, nullptr) == 0);
    }
    SECTION("spike counts, no teacher") {
        task.reader = TaskSpec::Reader::counts;
        // states 8 B x 160 x 500 = 640 000; stream 4 B x 160 + 4 B x 160 x 50 = 32 640
        CHECK(session::estimate_task_memory(net, &task) == 672640.0);
    }
    SECTION("traces, a teacher and a self-organisation prefix") {
        task.teacher = 3;
        task.prefix_items = 40; // 200 items shown, 160 read out
        // states 8 B x 160 x 500 = 640 000, traces 16 B x 500 = 8 000;
        // stream 4 B x 200 + 4 B x 200 x (50 + 20) = 56 800
        CHECK(session::estimate_task_memory(net, &task) == 704800.0);
    }
}

TEST_CASE("task estimate: gliasim run's estimate of memory_capacity.toml includes it",
          "[session]") {
    const fs::path dir =
        fs::temp_directory_path() / ("gliasim-task-estimate-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    session::RunRequest r;
    r.file = (fs::path(GLIASIM_SOURCE_DIR) / "experiments/tasks/memory_capacity.toml").string();
    r.output = (dir / "mc.h5").string();
    r.ignore_resource_limits = true; // the machine's free memory is not what this tests
    session::RunSession s(r);
    const auto refused = s.prepare();
    fs::remove_all(dir);
    INFO((refused ? refused->message : std::string()));
    REQUIRE(!refused);
    // 3100 items (100 + 2000 + 400 + 600), readout E (400 neurons, traces), input 100 wide:
    // 8 x 3100 x 400 + 16 x 400 + 4 x 3100 + 4 x 3100 x 100 = 11 178 800 B.
    const double network_only = estimate_resources(s.experiment().network).memory_bytes;
    CHECK(s.estimate().memory_bytes - network_only == 11178800.0);
}
