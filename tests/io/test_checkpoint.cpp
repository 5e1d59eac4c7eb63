// SPDX-License-Identifier: MIT
// Checkpoints: a run (or a task run) stopped at a checkpoint and continued in a new network from
// its arrays records exactly what an uninterrupted run records (the determinism contract).
#include <array>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <hdf5.h>
#include <limits>
#include <unistd.h>

#include "io/checkpoint_file.hpp"
#include "io/crc32c.hpp"
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
    h.time_ms = static_cast<double>(s.step) * spec.dt;
    h.threads = 1;
    const auto bytes = write_checkpoint(path, h, s.arrays);
    CHECK(bytes == std::filesystem::file_size(path));
    CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    const Checkpoint c = read_checkpoint(path);
    CHECK(c.header.step == s.step);
    CHECK(c.header.output == "run.h5");
    CHECK(c.header.experiment_toml == h.experiment_toml);
    // Every array, and the header's position under header/ (put there by the reader).
    REQUIRE(c.arrays.size() == s.arrays.size() + 2);
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
        stream = tasks::make_stream(*tasks::task_of(ex), ex.network);
        tasks::attach_stream(ex.network, *tasks::task_of(ex), stream);
        return ex;
    };
    tasks::TaskStream stream;
    const Experiment ex = build(stream);
    Eigen::MatrixXd full;
    {
        Simulation sim(ex.network);
        auto states = tasks::stream_readout(sim, *tasks::task_of(ex));
        MemoryBackend mb;
        sim.run(mb);
        full = states->finish();
    }
    REQUIRE(full.cwiseAbs().sum() > 0);

    CheckpointArrays arrays;
    MemoryBackend mb;
    {
        Simulation sim(ex.network);
        auto states = tasks::stream_readout(sim, *tasks::task_of(ex));
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
    auto states = tasks::stream_readout(sim, *tasks::task_of(ex));
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

// Damaged and crafted checkpoints (issue 16, classes 4 and 5): every array carries a CRC-32C and
// the header one over itself and the list of arrays; every restored value is checked against
// the network and the run before anything trusts it.

TEST_CASE("checkpoint: CRC-32C matches the test vectors of RFC 3720 (B.4)", "[checkpoint]") {
    std::array<std::byte, 32> b{};
    CHECK(crc32c(b) == 0x8A9136AAu); // 32 bytes of zeros
    b.fill(std::byte{0xFF});
    CHECK(crc32c(b) == 0x62A8AB43u);
    for (std::size_t i = 0; i < 32; ++i) b[i] = std::byte(i);
    CHECK(crc32c(b) == 0x46DD794Eu); // incrementing
    for (std::size_t i = 0; i < 32; ++i) b[i] = std::byte(31 - i);
    CHECK(crc32c(b) == 0x113FDB5Cu);                             // decrementing
    CHECK(crc32c(std::string_view("123456789")) == 0xE3069283u); // the usual check value
    // Continued over two parts = over the whole.
    CHECK(crc32c(std::string_view("56789"), crc32c(std::string_view("1234"))) == 0xE3069283u);
}

namespace {

// A real checkpoint of a small plastic network (spikes, membrane reports, weights recorded),
// written to a file the way `gliasim run` writes it.
struct CheckpointOnDisk {
    NetworkSpec spec;
    Stopped stopped;
    CheckpointHeader header;
    std::filesystem::path dir;
    std::string path;

    CheckpointOnDisk()
        : spec(spec_of(read_text("coba_stdp.toml"), {"simulation.duration=\"50 ms\""})) {
        MemoryBackend mb;
        stopped = run_until_checkpoint(spec, 200, mb);
        dir = std::filesystem::temp_directory_path() /
              ("gliasim_damaged_checkpoint_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        path = (dir / "run.h5.ckpt").string();
        header.experiment_toml = "[simulation]\nduration = \"50 ms\"\n";
        header.experiment_hash = experiment_hash(header.experiment_toml);
        header.output = "run.h5";
        header.step = stopped.step;
        header.time_ms = static_cast<double>(stopped.step) * spec.dt;
        header.threads = 1;
        write();
    }
    ~CheckpointOnDisk() { std::filesystem::remove_all(dir); }
    void write() { write_checkpoint(path, header, stopped.arrays); }
    // Restores `arrays` into a fresh network; the message of the refusal, or "" if accepted.
    std::string restore_error(const CheckpointArrays& arrays) const {
        Simulation sim(spec);
        try {
            sim.restore_state(arrays);
        } catch (const CheckpointMismatch& e) {
            return e.what();
        }
        return "";
    }
    // The arrays with one value of `name` replaced (crafted, checksums then recomputed).
    template <class T>
    CheckpointArrays with(const std::string& name, std::size_t index, T value) const {
        CheckpointArrays a = stopped.arrays;
        StoredArray& s = a.at(name);
        REQUIRE(s.element_size == sizeof(T));
        REQUIRE(index < s.count());
        std::memcpy(s.bytes.data() + index * sizeof(T), &value, sizeof(T));
        return a;
    }
};

// Flips bit `bit` of the byte at `offset` of a file, as a damaged disk or transfer would.
void flip_bit(const std::string& path, std::uint64_t offset, int bit) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ (1 << bit));
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
}

// Where each non-empty array's data lies in the checkpoint file: (name, offset, bytes).
std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>>
array_extents(const std::string& path) {
    std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> out;
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(file >= 0);
    for (const auto& [name, a] : read_checkpoint(path).arrays) {
        if (name.starts_with("header/") || a.bytes.empty()) continue;
        const hid_t ds = H5Dopen2(file, ("arrays/" + name).c_str(), H5P_DEFAULT);
        REQUIRE(ds >= 0);
        const haddr_t offset = H5Dget_offset(ds);
        if (offset != HADDR_UNDEF) out.emplace_back(name, offset, H5Dget_storage_size(ds));
        H5Dclose(ds);
    }
    H5Fclose(file);
    return out;
}

// Sets an unsigned or double attribute of the file's root to `value` (a crafted header).
template <class T> void set_root_attribute(const std::string& path, const char* name, T value) {
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(file >= 0);
    const hid_t attr = H5Aopen(file, name, H5P_DEFAULT);
    REQUIRE(attr >= 0);
    REQUIRE(H5Awrite(attr, std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64,
                     &value) >= 0);
    H5Aclose(attr);
    H5Fclose(file);
}

} // namespace

TEST_CASE("checkpoint: one flipped bit in any array of a real checkpoint is refused by its "
          "checksum",
          "[checkpoint]") {
    CheckpointOnDisk c;
    const auto extents = array_extents(c.path);
    REQUIRE(extents.size() >= 20); // kernel, populations, rings, traces, weights, output
    int refused = 0;
    for (std::size_t k = 0; k < extents.size(); ++k) {
        const auto& [name, offset, bytes] = extents[k];
        INFO("array " << name);
        c.write();
        // A different byte and bit in each array (the middle of its data, then onwards).
        flip_bit(c.path, offset + (bytes / 2 + k) % bytes, static_cast<int>(k % 8));
        try {
            (void)read_checkpoint(c.path);
            FAIL("a checkpoint with a flipped bit in '" << name << "' was read");
        } catch (const std::runtime_error& e) {
            CHECK_THAT(e.what(), Catch::Matchers::Contains("array '" + name +
                                                           "' fails its checksum (damaged file)"));
            ++refused;
        }
    }
    CHECK(refused == static_cast<int>(extents.size()));
}

TEST_CASE("checkpoint: a damaged or inconsistent header is refused", "[checkpoint]") {
    CheckpointOnDisk c;
    using Catch::Matchers::Contains;
    // The header's step differs from the arrays' (a crafted or damaged header).
    set_root_attribute<std::uint64_t>(c.path, "step", c.stopped.step + 1);
    CHECK_THROWS_WITH(read_checkpoint(c.path), Contains("fails its checksum"));
    c.header.step = c.stopped.step + 1; // the same, with a checksum that fits
    c.write();
    CHECK_THROWS_WITH(read_checkpoint(c.path),
                      Contains("the header says step " + std::to_string(c.stopped.step + 1)));
    // A header time that is not step x dt (checksum fitting): refused when restoring.
    c.header.step = c.stopped.step;
    c.header.time_ms = 1e6;
    c.write();
    const Checkpoint read = read_checkpoint(c.path);
    CHECK_THAT(c.restore_error(read.arrays), Contains("the header's time 1000000 ms is not step"));
    // A lost array: the header's list of arrays no longer fits.
    c.header.time_ms = static_cast<double>(c.stopped.step) * c.spec.dt;
    c.write();
    {
        const hid_t file = H5Fopen(c.path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        REQUIRE(H5Ldelete(file, "arrays/kernel/last_reset", H5P_DEFAULT) >= 0);
        H5Fclose(file);
    }
    CHECK_THROWS_WITH(read_checkpoint(c.path), Contains("list of arrays) fails its checksum"));
    // Version 1 (no checksums) is refused with the reason.
    c.write();
    set_root_attribute<std::uint64_t>(c.path, "format_version", 1);
    CHECK_THROWS_WITH(
        read_checkpoint(c.path),
        Contains("checkpoint format version 1 (an older gliasim, without checksums)"));
}

TEST_CASE("checkpoint: crafted kernel arrays that would index out of bounds are refused",
          "[checkpoint]") {
    CheckpointOnDisk c;
    using Catch::Matchers::Contains;
    REQUIRE(c.restore_error(c.stopped.arrays).empty()); // the real one fits
    // report_rows = 2^62: the next sample would be written 2^62 rows past the buffer.
    CHECK_THAT(c.restore_error(c.with<std::uint64_t>("kernel/report_rows/0", 0, 1ull << 62)),
               Contains("'kernel/report_rows/0' is 4611686018427387904"));
    // kernel/step moved (forwards, backwards, out of the run): the rest no longer fits it.
    CHECK_THAT(c.restore_error(c.with<std::int64_t>("kernel/step", 0, c.stopped.step + 10)),
               Contains("'kernel/report_rows/0' is 20, where step 210 implies 21"));
    CHECK_THAT(c.restore_error(c.with<std::int64_t>("kernel/step", 0, c.stopped.step - 10)),
               Contains("'kernel/last_check' is 200, outside [0, step 190]"));
    CHECK_THAT(c.restore_error(c.with<std::int64_t>("kernel/step", 0, -5)),
               Contains("lies outside this run"));
    // An event of a stimulus or recorder that does not exist.
    {
        CheckpointArrays crafted = c.stopped.arrays;
        const Event e{0, EventKind::weight_sample, 1000};
        auto& events = crafted.at("kernel/boundary_events").bytes;
        events.resize(sizeof e);
        std::memcpy(events.data(), &e, sizeof e);
        CHECK_THAT(c.restore_error(crafted), Contains("(kind 9, source 1000, step 0) this "
                                                      "experiment never schedules"));
        // A flush moved away from where the run has it: the report buffers, sized for one
        // flush interval, would overflow before it (found by fuzz_checkpoint).
        const Event late{c.stopped.step + 1000, EventKind::recorder_flush, 0};
        std::memcpy(events.data(), &late, sizeof late);
        CHECK_THAT(c.restore_error(crafted), Contains("(kind 10, source 0, step 1200) this "
                                                      "experiment never schedules"));
    }
    // Counters and the output's position.
    CHECK_THAT(c.restore_error(c.with<std::int64_t>("population/exc/refractory", 7, -5)),
               Contains("'population/exc/refractory' element 7 is -5, outside its valid range"));
    CHECK_THAT(c.restore_error(c.with<std::int64_t>("kernel/last_reset", 0, 1ll << 60)),
               Contains("'kernel/last_reset' of population 'exc'"));
    CHECK_THAT(c.restore_error(c.with<std::uint64_t>("output/lengths", 0, 0)),
               Contains("'output/lengths' element 0 (spikes of 'exc') is 0"));
    const std::size_t reports = c.spec.populations.size(); // the first report's entry
    CHECK_THAT(c.restore_error(c.with<std::uint64_t>("output/lengths", reports, 0)),
               Contains("(report 'exc/V_m') is 0"));
}

TEST_CASE("checkpoint: non-finite states are refused, naming population, variable and entity",
          "[checkpoint]") {
    CheckpointOnDisk c;
    using Catch::Matchers::Contains;
    CHECK_THAT(c.restore_error(c.with<double>("population/exc/V_m", 3,
                                              std::numeric_limits<double>::infinity())),
               Contains("population 'exc' variable 'V_m' entity 3 is inf"));
    CHECK_THAT(c.restore_error(c.with<double>("population/inh/ring", 0,
                                              std::numeric_limits<double>::quiet_NaN())),
               Contains("'population/inh/ring' element 0 is nan"));
}
