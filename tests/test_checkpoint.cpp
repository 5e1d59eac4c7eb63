// SPDX-License-Identifier: MIT
// Checkpoints: a run (or a task run) stopped at a checkpoint and continued in a new network from
// its arrays records exactly what an uninterrupted run records (the determinism contract).
#include <atomic>
#include <filesystem>

#include "io/checkpoint_file.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;

namespace {

struct Stopped {
    CheckpointArrays arrays;
    step_t step = -1;
};

// Runs `spec` until the first checkpoint due after `every` steps, saving the network and the
// back-end's position there, then stops the run (the interrupt is seen one slice later, so the
// back-end has recorded past the checkpoint, as after a crash between checkpoints).
Stopped run_until_checkpoint(const NetworkSpec& spec, step_t every, MemoryBackend& mb) {
    Simulation sim(spec);
    Stopped s;
    std::atomic<bool> stop{false};
    CheckpointPolicy policy;
    policy.every_steps = every;
    policy.write = [&](step_t step) {
        if (stop) return;
        sim.save_state(s.arrays);
        auto a = StateArchive::saving_to(s.arrays);
        const auto scope = a.scope("output");
        mb.save_position(a);
        s.step = step;
        stop = true;
    };
    const RunStats stats = sim.run(mb, {}, &stop, &policy);
    CHECK(stats.end == RunEnd::interrupted);
    return s;
}

RunStats resume(const NetworkSpec& spec, const CheckpointArrays& arrays, MemoryBackend& mb) {
    Simulation sim(spec);
    sim.restore_state(arrays);
    auto a = StateArchive::loading_from(arrays);
    const auto scope = a.scope("output");
    mb.reopen(sim.layout(), a);
    return sim.run(mb);
}

void check_same_recording(const MemoryBackend& a, const MemoryBackend& b) {
    REQUIRE(a.spikes.size() == b.spikes.size());
    for (std::size_t p = 0; p < a.spikes.size(); ++p) {
        CHECK(a.spikes[p].times == b.spikes[p].times);
        CHECK(a.spikes[p].ids == b.spikes[p].ids);
    }
    CHECK(a.reports == b.reports);
    CHECK(a.weights == b.weights);
    CHECK(a.weight_times == b.weight_times);
}

// Uninterrupted vs stopped at a checkpoint and resumed, at 1 and 2 threads.
void check_resume(const std::string& file, const std::string& duration, step_t every) {
    for (int threads : {1, 2}) {
        INFO(file << " on " << threads << " threads");
        const NetworkSpec spec =
            spec_of(read_text(file), {"simulation.duration=\"" + duration + "\"",
                                      "simulation.threads=" + std::to_string(threads)});
        const Result full = run(spec);
        std::size_t spikes = 0;
        for (const auto& t : full.mb.spikes) spikes += t.times.size();
        REQUIRE(spikes > 0); // a silent network would prove nothing

        MemoryBackend mb;
        const Stopped s = run_until_checkpoint(spec, every, mb);
        REQUIRE(s.step > 0);
        const RunStats rest = resume(spec, s.arrays, mb);
        CHECK(rest.end == RunEnd::completed);
        CHECK(rest.steps == full.stats.steps);
        CHECK(rest.synaptic_events == full.stats.synaptic_events);
        CHECK(rest.spikes == full.stats.spikes);
        check_same_recording(full.mb, mb);
    }
}

} // namespace

TEST_CASE("checkpoint: COBA resumed from a checkpoint records what an uninterrupted run does",
          "[checkpoint]") {
    check_resume("coba.toml", "300 ms", 1000); // every 100 ms
}

TEST_CASE("checkpoint: a plastic network (STDP, weights recorded) resumes bit-identically",
          "[checkpoint]") {
    check_resume("coba_stdp.toml", "300 ms", 1000);
}

TEST_CASE("checkpoint: tripartite networks (astrocytes, gliotransmission, SIC) resume "
          "bit-identically",
          "[checkpoint]") {
    check_resume("coba_sic.toml", "300 ms", 1000);
    check_resume("coba_astro.toml", "300 ms", 1000);
    check_resume("astro_brunel_small.toml", "300 ms", 1000);
    check_resume("tripartite_synapse.toml", "3 s", 10000);
}

TEST_CASE("checkpoint: fast weights, AM-SU and NALSM resume bit-identically", "[checkpoint]") {
    check_resume("fast_weight_memory.toml", "200 ms", 500);
    check_resume("amsu_reservoir.toml", "200 ms", 50); // dt = 1 ms
    check_resume("nalsm_1000.toml", "300 ms", 100);    // dt = 1 ms, resets every 20 ms
}

TEST_CASE("checkpoint: a checkpoint does not fit another network", "[checkpoint]") {
    const NetworkSpec spec = spec_of(read_text("coba.toml"), {"simulation.duration=\"100 ms\""});
    MemoryBackend mb;
    const Stopped s = run_until_checkpoint(spec, 200, mb);
    const NetworkSpec other = spec_of(read_text("cuba.toml"), {"simulation.duration=\"100 ms\""});
    Simulation sim(other);
    CHECK_THROWS_AS(sim.restore_state(s.arrays), CheckpointMismatch);
}

TEST_CASE("checkpoint: files round-trip their header and arrays and are refused when damaged",
          "[checkpoint]") {
    const NetworkSpec spec =
        spec_of(read_text("coba_stdp.toml"), {"simulation.duration=\"50 ms\""});
    MemoryBackend mb;
    const Stopped s = run_until_checkpoint(spec, 200, mb);
    const auto dir = std::filesystem::temp_directory_path() / "gliasim_checkpoint_test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "run.h5.ckpt").string();
    CheckpointHeader h;
    h.experiment_toml = "[simulation]\nduration = \"50 ms\"\n";
    h.experiment_hash = experiment_hash(h.experiment_toml);
    h.output = "run.h5";
    h.step = s.step;
    h.threads = 1;
    const auto bytes = write_checkpoint(path, h, s.arrays);
    CHECK(bytes == std::filesystem::file_size(path));
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    const Checkpoint c = read_checkpoint(path);
    CHECK(c.header.step == s.step);
    CHECK(c.header.output == "run.h5");
    CHECK(c.header.experiment_toml == h.experiment_toml);
    REQUIRE(c.arrays.size() == s.arrays.size());
    for (const auto& [name, a] : s.arrays) {
        INFO(name);
        REQUIRE(c.arrays.count(name) == 1);
        CHECK(c.arrays.at(name).type == a.type);
        CHECK(c.arrays.at(name).bytes == a.bytes);
    }
    // The network restored from the file continues like the one restored from memory.
    MemoryBackend from_file = mb, from_memory = mb;
    resume(spec, c.arrays, from_file);
    resume(spec, s.arrays, from_memory);
    check_same_recording(from_file, from_memory);

    // A header whose experiment does not match its hash, and a file that is not a checkpoint.
    h.experiment_hash ^= 1;
    write_checkpoint(path, h, s.arrays);
    CHECK_THROWS_WITH(read_checkpoint(path), Catch::Matchers::Contains("does not match its hash"));
    { std::ofstream(path) << "not HDF5"; }
    CHECK_THROWS_WITH(read_checkpoint(path), Catch::Matchers::Contains("not a gliasim checkpoint"));
    std::filesystem::remove_all(dir);
}

namespace {

// A task run stopped at a checkpoint and resumed: the item states fed to the readout are the
// uninterrupted run's, for the trace reader and the spike-count reader.
void check_task_resume(const std::string& file, const std::vector<std::string>& overrides,
                       step_t every) {
    auto build = [&](tasks::TaskStream& stream) {
        Experiment ex = parse_experiment(read_text(file), "task.toml", overrides, registry());
        stream = tasks::make_stream(ex.task, ex.network.populations[ex.task.input].size,
                                    ex.network.populations[ex.task.teacher].size);
        tasks::attach_stream(ex.network, ex.task, stream);
        return ex;
    };
    tasks::TaskStream stream;
    const Experiment ex = build(stream);
    Eigen::MatrixXd full;
    {
        Simulation sim(ex.network);
        auto states = tasks::stream_readout(sim, ex.task);
        MemoryBackend mb;
        sim.run(mb);
        full = states->finish();
    }
    REQUIRE(full.cwiseAbs().sum() > 0);

    CheckpointArrays arrays;
    MemoryBackend mb;
    {
        Simulation sim(ex.network);
        auto states = tasks::stream_readout(sim, ex.task);
        std::atomic<bool> stop{false};
        CheckpointPolicy policy;
        policy.every_steps = every;
        policy.write = [&](step_t) {
            if (stop) return;
            sim.save_state(arrays);
            auto a = StateArchive::saving_to(arrays);
            const auto scope = a.scope("task");
            states->archive(a);
            stop = true;
        };
        REQUIRE(sim.run(mb, {}, &stop, &policy).end == RunEnd::interrupted);
    }
    Simulation sim(ex.network);
    auto states = tasks::stream_readout(sim, ex.task);
    sim.restore_state(arrays);
    {
        auto a = StateArchive::loading_from(arrays);
        const auto scope = a.scope("task");
        states->archive(a);
    }
    MemoryBackend rest;
    // The recording is not part of this test: a fresh in-memory back-end for the second part.
    rest.open(sim.layout());
    sim.run(rest);
    const Eigen::MatrixXd resumed = states->finish();
    REQUIRE(resumed.rows() == full.rows());
    CHECK(resumed == full);
}

} // namespace

TEST_CASE("checkpoint: task runs resume with the same item states (trace and count readers)",
          "[checkpoint]") {
    check_task_resume("tasks/memory_capacity.toml",
                      {"task.washout=20", "task.train=100", "task.validation=20", "task.test=20",
                       "task.max_delay=10", "simulation.threads=2"},
                      5000);
    check_task_resume("tasks/associative_recall.toml",
                      {"task.washout=5", "task.train=40", "task.validation=10", "task.test=20",
                       "task.delays=[0, 4]"},
                      5000);
}
