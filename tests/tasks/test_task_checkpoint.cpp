// SPDX-License-Identifier: MIT
// A task run's readout in a checkpoint (tasks/runner.hpp, StateAccumulator::check_restored):
// a genuine checkpoint taken mid-stream loads, and crafted arrays that the item count alone
// allowed (a cursor past the items that had ended, spike steps after the checkpoint, states of
// items not yet begun, negative or non-finite states) are refused with a message naming the
// array, before anything indexes the state matrix with them.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/simulation.hpp"
#include "core/state_archive.hpp"
#include "tasks/experiment_file.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;

namespace {

// memory_capacity.toml, 160 items of 20 ms (3.2 s), dt 0.5 ms.
Experiment short_memory_capacity() {
    return parse_experiment(test::read_text("tasks/memory_capacity.toml"), "mc.toml",
                            {"task.washout=20", "task.train=100", "task.validation=20",
                             "task.test=20", "task.max_delay=10", "simulation.threads=1"},
                            test::registry());
}

// A network with the task's stream and readout attached, as gliasim run builds it.
struct TaskRun {
    NetworkSpec spec;
    tasks::TaskStream stream;
    std::unique_ptr<Simulation> sim;
    std::shared_ptr<tasks::StateAccumulator> states;
    TaskRun(const Experiment& ex)
        : spec(ex.network), stream(tasks::make_stream(*tasks::task_of(ex), spec)) {
        tasks::attach_stream(spec, *tasks::task_of(ex), stream);
        sim = std::make_unique<Simulation>(spec);
        states = tasks::stream_readout(*sim, *tasks::task_of(ex));
    }
};

// The arrays of the run's first checkpoint at or after 1 s (step 2000: 49 items have ended).
CheckpointArrays checkpoint_at_one_second(const Experiment& ex) {
    TaskRun run(ex);
    CheckpointArrays arrays;
    CheckpointPolicy policy;
    policy.every_steps = 2000;
    policy.write = [&](step_t) {
        if (!arrays.empty()) return;
        run.sim->save_state(arrays);
        auto a = StateArchive::saving_to(arrays);
        const auto s = a.scope("task");
        run.states->archive(a);
    };
    MemoryBackend mb;
    run.sim->run(mb, {}, nullptr, &policy);
    return arrays;
}

// Loads `arrays` into a fresh network as the run session does; the refusal's text, or "".
std::string restore(const Experiment& ex, const CheckpointArrays& arrays) {
    TaskRun run(ex);
    try {
        run.sim->restore_state(arrays);
        auto a = StateArchive::loading_from(arrays);
        const auto s = a.scope("task");
        run.states->archive(a);
        run.states->check_restored(a, run.sim->start_step());
    } catch (const CheckpointMismatch& e) {
        return e.what();
    }
    return "";
}

template <class T> void set(CheckpointArrays& arrays, const std::string& name, std::size_t i, T v) {
    StoredArray& a = arrays.at(name);
    REQUIRE(a.element_size == sizeof(T));
    REQUIRE(i < a.count());
    std::memcpy(a.bytes.data() + i * sizeof(T), &v, sizeof(T));
}

template <class T> T get(const CheckpointArrays& arrays, const std::string& name, std::size_t i) {
    T v;
    std::memcpy(&v, arrays.at(name).bytes.data() + i * sizeof(T), sizeof(T));
    return v;
}

} // namespace

TEST_CASE("task checkpoint: crafted readout arrays are refused, a genuine one loads", "[task]") {
    const Experiment ex = short_memory_capacity();
    const CheckpointArrays genuine = checkpoint_at_one_second(ex);
    REQUIRE(!genuine.empty());
    REQUIRE(get<std::int64_t>(genuine, "kernel/step", 0) == 2000);
    // Item k (40 steps each) ends at step 40 k + 40: 49 have ended before step 2000, and the
    // trace reader has closed (almost) all of them.
    const auto next = get<std::int64_t>(genuine, "task/readout/0/next_item", 0);
    CHECK(next > 40);
    CHECK(next <= 49);
    CHECK(get<std::int64_t>(genuine, "task/item_rows", 0) <= 50);
    CHECK(restore(ex, genuine).empty());

    CheckpointArrays crafted = genuine;
    SECTION("the cursor past the items that had ended") {
        set<std::int64_t>(crafted, "task/readout/0/next_item", 0, 50);
        CHECK(restore(ex, crafted) ==
              "'task/readout/0/next_item' element 0 is 50, outside its valid range [0, 49]");
    }
    SECTION("a negative cursor (it indexes the state matrix)") {
        set<std::int64_t>(crafted, "task/readout/0/next_item", 0, -1000000);
        CHECK(restore(ex, crafted).find("next_item' element 0 is -1000000") != std::string::npos);
    }
    SECTION("a spike after the checkpoint's step") {
        set<std::int64_t>(crafted, "task/readout/0/last_spike", 7, 2001);
        CHECK(restore(ex, crafted) ==
              "'task/readout/0/last_spike' element 7 is 2001, outside its valid range [0, 2000]");
    }
    SECTION("a non-finite or negative trace") {
        // Every stored double must be finite (the kernel's check of all arrays); a trace must
        // also not be negative (this one).
        set<double>(crafted, "task/readout/0/trace", 3, std::numeric_limits<double>::infinity());
        CHECK(restore(ex, crafted) == "'task/readout/0/trace' element 3 is inf (must be finite)");
        set<double>(crafted, "task/readout/0/trace", 3, -1.0);
        CHECK(restore(ex, crafted) == "'task/readout/0/trace' element 3 is -1, not a finite "
                                      "value >= 0");
    }
    SECTION("item states of items not yet begun") {
        // 51 rows (item 50 begins at step 2000, after the checkpoint), stored column by column
        // as Eigen keeps them: all zero but row 50, column 3.
        const std::size_t rows = 51, cols = 400;
        crafted.at("task/item_states").bytes.assign(rows * cols * sizeof(double), std::byte{0});
        set<double>(crafted, "task/item_states", 3 * rows + 50, 1.0);
        set<std::int64_t>(crafted, "task/item_rows", 0, 51);
        CHECK(restore(ex, crafted) == "'task/item_states' holds states of items after the 50 that "
                                      "had begun by step 2000");
    }
    SECTION("rows beyond the task's items (the bound the item count gave before)") {
        set<std::int64_t>(crafted, "task/item_rows", 0, 161);
        CHECK(restore(ex, crafted) == "the checkpoint has more task items than this task");
    }
}
