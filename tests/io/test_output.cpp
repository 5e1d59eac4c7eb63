// SONATA output: what SonataWriter puts in the file equals what the in-memory back-end got
// from the same run, and reads back through SonataFile (and raw HDF5) as documented in
// docs/file-format.md.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <hdf5.h>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "core/simulation.hpp"
#include "h5_damage.hpp"
#include "io/experiment.hpp"
#include "io/sonata_reader.hpp"
#include "io/sonata_writer.hpp"
#include "models/builtin.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::read_text;
using gliasim::test::registry;

namespace {

// A temporary file removed when the test ends.
struct TempFile {
    std::filesystem::path path;
    explicit TempFile(const std::string& tag) {
        static int counter = 0;
        path = std::filesystem::temp_directory_path() /
               ("gliasim_test_output_" + std::to_string(getpid()) + "_" + tag + "_" +
                std::to_string(counter++) + ".h5");
        std::filesystem::remove(path);
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

// The quickstart, shortened, flushing three times, with a silent population, a second report group
// and two threads: every writer path (empty datasets, many appends, several report groups).
Experiment small_experiment() {
    return parse_experiment(
        read_text("quickstart.toml"), "quickstart.toml",
        {"simulation.duration=\"150 ms\"", "simulation.threads=2",
         "output.flush_interval=\"50 ms\"", "populations.silent.model=\"poisson_source\"",
         "populations.silent.size=7", "populations.silent.rate=\"0 Hz\"",
         "recorders.inh_v.kind=\"state\"", "recorders.inh_v.population=\"inh\"",
         "recorders.inh_v.variables=[\"V_m\"]", "recorders.inh_v.ids=[3, 150, 7]",
         "recorders.inh_v.interval=\"0.5 ms\""},
        registry());
}

RunMetadata initial_metadata(const Experiment& ex, const Simulation& sim) {
    RunMetadata m;
    m.experiment_toml = ex.resolved_toml;
    m.experiment_file = ex.source;
    m.seed = ex.network.seed;
    m.version = "9.8.7-test";
    m.threads = ex.network.threads;
    m.dt = ex.network.dt;
    m.duration = static_cast<double>(sim.total_steps()) * ex.network.dt;
    m.synapses = sim.network().synapses();
    m.bytes_per_synapse = 8;
    m.wall_build = 0.5;
    return m;
}

std::map<std::string, std::string> metadata_map(const SonataFile& f) {
    std::map<std::string, std::string> m;
    for (const auto& [k, v] : f.metadata()) m[k] = v;
    return m;
}

// Raw HDF5 access for what SonataFile does not expose.
struct RawFile {
    hid_t id;
    explicit RawFile(const std::string& path)
        : id(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {
        REQUIRE(id >= 0);
    }
    ~RawFile() { H5Fclose(id); }
    std::string string_attribute(const std::string& obj, const std::string& name) const {
        hid_t a = H5Aopen_by_name(id, obj.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        if (a < 0) return "<missing>";
        hid_t t = H5Aget_type(a);
        std::string s;
        if (H5Tget_class(t) == H5T_STRING && !H5Tis_variable_str(t)) {
            s.assign(H5Tget_size(t), '\0');
            H5Aread(a, t, s.data());
            s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
        } else {
            s = "<not a fixed-length string>";
        }
        H5Tclose(t);
        H5Aclose(a);
        return s;
    }
    H5T_class_t dataset_class(const std::string& path, std::size_t* size, int* rank) const {
        hid_t d = H5Dopen2(id, path.c_str(), H5P_DEFAULT);
        REQUIRE(d >= 0);
        hid_t t = H5Dget_type(d);
        hid_t s = H5Dget_space(d);
        const H5T_class_t c = H5Tget_class(t);
        *size = H5Tget_size(t);
        *rank = H5Sget_simple_extent_ndims(s);
        H5Sclose(s);
        H5Tclose(t);
        H5Dclose(d);
        return c;
    }
};

} // namespace

TEST_CASE("the SONATA file holds what the memory back-end got", "[output]") {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const Experiment ex = small_experiment();
    const NetworkSpec& spec = ex.network;
    REQUIRE(spec.threads == 2);
    REQUIRE(spec.populations.size() == 4);
    TempFile file("match");

    std::uint64_t synapses = 0;
    RunStats file_stats;
    {
        Simulation sim(spec);
        synapses = sim.network().synapses();
        RunMetadata meta = initial_metadata(ex, sim);
        SonataWriter writer(file.path.string(), meta);
        CHECK(writer.path() == file.path.string());
        file_stats = sim.run(writer);
        meta.wall_simulate = file_stats.wall_simulate;
        meta.wall_write = file_stats.wall_write;
        meta.real_time_factor = 0.25;
        meta.synaptic_events = static_cast<double>(file_stats.synaptic_events);
        meta.peak_memory_bytes = 12345;
        meta.completed = true;
        writer.close(meta);
    }
    MemoryBackend mb;
    RunStats mem_stats;
    {
        Simulation sim(spec);
        mem_stats = sim.run(mb);
    }
    CHECK(mem_stats.spikes == file_stats.spikes);
    REQUIRE(std::filesystem::exists(file.path));

    SonataFile f(file.path.string());

    // Spikes: one group per recorded population, the same times and ids in the same order.
    std::vector<std::string> names;
    for (const auto& p : spec.populations) names.push_back(p.name);
    std::sort(names.begin(), names.end());
    CHECK(f.spike_populations() == names);
    std::size_t total = 0;
    for (std::size_t p = 0; p < spec.populations.size(); ++p) {
        const std::string& name = spec.populations[p].name;
        INFO("spikes of " << name);
        const SpikeData d = f.spikes(name);
        REQUIRE(d.timestamps.size() == mb.spikes[p].times.size());
        CHECK(d.timestamps == mb.spikes[p].times);
        CHECK(d.node_ids == mb.spikes[p].ids);
        CHECK(d.timestamps.size() == file_stats.spikes[p]);
        CHECK(std::is_sorted(d.timestamps.begin(), d.timestamps.end())); // sorting = by_time
        for (auto id : d.node_ids) CHECK(id < spec.populations[p].size);
        total += d.timestamps.size();
    }
    CHECK(total > 1000);
    CHECK(f.spikes("silent").timestamps.empty());
    CHECK_THROWS(f.spikes("nonexistent"));

    // Reports: data, shape, ids, time mapping and units.
    REQUIRE(mb.layout.reports.size() == 4); // exc V_m, g_ex, g_in; inh V_m
    std::vector<std::pair<std::string, std::string>> want_reports;
    for (const auto& r : mb.layout.reports) want_reports.emplace_back(r.population, r.variable);
    std::vector<std::pair<std::string, std::string>> got_reports = f.reports();
    std::sort(want_reports.begin(), want_reports.end());
    std::sort(got_reports.begin(), got_reports.end());
    CHECK(got_reports == want_reports);
    for (std::size_t r = 0; r < mb.layout.reports.size(); ++r) {
        const ReportLayout& rl = mb.layout.reports[r];
        INFO("report " << rl.population << "/" << rl.variable);
        const ReportData d = f.report(rl.population, rl.variable);
        const double interval = rl.population == "exc" ? 1.0 : 0.5;
        const std::uint64_t samples = rl.population == "exc" ? 150 : 300;
        const std::size_t cols = rl.population == "exc" ? 10 : 3;
        CHECK(d.rows == samples);
        CHECK(d.cols == cols);
        REQUIRE(d.data.size() == samples * cols);
        CHECK(d.data == mb.reports[r]);
        CHECK(std::vector<std::uint64_t>(rl.ids.begin(), rl.ids.end()) == d.node_ids);
        if (rl.population == "inh") CHECK(d.node_ids == std::vector<std::uint64_t>{3, 7, 150});
        if (rl.population == "exc")
            CHECK(d.node_ids ==
                  std::vector<std::uint64_t>{0, 80, 160, 240, 320, 400, 480, 560, 640, 720});
        // [interval, duration + interval, interval]
        CHECK(d.start == Approx(interval).margin(1e-12));
        CHECK(d.stop == Approx(150.0 + interval).margin(1e-9));
        CHECK(d.step == Approx(interval).margin(1e-12));
        CHECK(d.units == (rl.variable == "V_m" ? "mV" : "nS"));
    }
    // V_m stays in a physiological range (between reset/reversal and threshold).
    for (float v : f.report("exc", "V_m").data) {
        CHECK(v >= -80.0f);
        CHECK(v <= -50.0f);
    }

    // Metadata.
    const auto meta = metadata_map(f);
    CHECK(meta.at("seed") == "42");
    CHECK(meta.at("version") == "9.8.7-test");
    CHECK(meta.at("threads") == "2");
    CHECK(meta.at("synapses") == std::to_string(synapses));
    CHECK(meta.at("completed") == "1");
    CHECK(meta.at("dt_ms") == "0.1");
    CHECK(meta.at("duration_ms") == "150");
    CHECK(meta.at("experiment_file") == "quickstart.toml");
    CHECK(meta.at("real_time_factor") == "0.25");
    CHECK(meta.at("peak_memory_bytes") == "12345");
    CHECK(file_stats.synaptic_events > 0);
    CHECK(std::stod(meta.at("synaptic_events")) ==
          Approx(static_cast<double>(file_stats.synaptic_events)).epsilon(1e-5));
    for (const char* k : {"bytes_per_synapse", "wall_build_s", "wall_simulate_s", "wall_write_s",
                          "synaptic_events_per_s"})
        CHECK(meta.count(k) == 1);
    CHECK(f.experiment() == ex.resolved_toml);
    // The stored experiment is valid and describes this run.
    const Experiment stored = parse_experiment(f.experiment(), "stored", {}, registry());
    CHECK(stored.network.seed == 42);
    CHECK(stored.network.duration == 150.0);
    CHECK(stored.network.populations.size() == 4);

    // Raw layout: the sorting enum, units attributes and on-disk types.
    RawFile raw(file.path.string());
    for (const auto& name : names) {
        INFO("spikes/" << name);
        const std::string g = "/spikes/" + name;
        REQUIRE(H5Aexists_by_name(raw.id, g.c_str(), "sorting", H5P_DEFAULT) > 0);
        hid_t a = H5Aopen_by_name(raw.id, g.c_str(), "sorting", H5P_DEFAULT, H5P_DEFAULT);
        hid_t t = H5Aget_type(a);
        CHECK(H5Tget_class(t) == H5T_ENUM);
        std::uint8_t value = 255;
        hid_t mem = H5Tget_native_type(t, H5T_DIR_ASCEND);
        CHECK(H5Aread(a, mem, &value) >= 0);
        char label[16] = {};
        CHECK(H5Tenum_nameof(t, &value, label, sizeof label) >= 0);
        CHECK(std::string(label) == "by_time");
        CHECK(value == 2);
        H5Tclose(mem);
        H5Tclose(t);
        H5Aclose(a);
        CHECK(raw.string_attribute(g + "/timestamps", "units") == "ms");
        std::size_t size = 0;
        int rank = 0;
        CHECK(raw.dataset_class(g + "/timestamps", &size, &rank) == H5T_FLOAT);
        CHECK(size == 8);
        CHECK(rank == 1);
        CHECK(raw.dataset_class(g + "/node_ids", &size, &rank) == H5T_INTEGER);
        CHECK(size == 8);
    }
    {
        std::size_t size = 0;
        int rank = 0;
        CHECK(raw.dataset_class("/report/exc/V_m/data", &size, &rank) == H5T_FLOAT);
        CHECK(size == 4);
        CHECK(rank == 2);
        CHECK(raw.string_attribute("/report/exc/V_m/data", "units") == "mV");
        CHECK(raw.string_attribute("/report/exc/V_m/mapping/time", "units") == "ms");
        CHECK(raw.dataset_class("/report/exc/V_m/mapping/index_pointers", &size, &rank) ==
              H5T_INTEGER);
        hid_t d = H5Dopen2(raw.id, "/report/exc/V_m/mapping/index_pointers", H5P_DEFAULT);
        std::vector<std::uint64_t> ptr(11, 99);
        hid_t s = H5Dget_space(d);
        CHECK(H5Sget_simple_extent_npoints(s) == 11);
        H5Dread(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr.data());
        for (std::uint64_t i = 0; i < 11; ++i) CHECK(ptr[i] == i);
        H5Sclose(s);
        H5Dclose(d);
        d = H5Dopen2(raw.id, "/report/inh/V_m/mapping/element_ids", H5P_DEFAULT);
        std::vector<std::uint32_t> el(3, 9);
        H5Dread(d, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, el.data());
        CHECK(el == std::vector<std::uint32_t>{0, 0, 0});
        H5Dclose(d);
    }
}

TEST_CASE("a run whose writer is never closed leaves a readable file without 'completed'",
          "[output]") {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const Experiment ex = small_experiment();
    TempFile file("unclosed");
    MemoryBackend mb;
    {
        Simulation sim(ex.network);
        SonataWriter writer(file.path.string(), initial_metadata(ex, sim));
        sim.run(writer);
        // No close(): as if an exception unwound the run after the last flush.
    }
    {
        Simulation sim(ex.network);
        sim.run(mb);
    }
    SonataFile f(file.path.string());
    const auto meta = metadata_map(f);
    CHECK(meta.count("completed") == 0);
    CHECK(meta.at("seed") == "42");
    CHECK(f.experiment() == ex.resolved_toml);
    const std::size_t exc = 1;
    REQUIRE(ex.network.populations[exc].name == "exc");
    CHECK(f.spikes("exc").timestamps == mb.spikes[exc].times);
    CHECK(f.report("exc", "V_m").data == mb.reports[0]);
}

TEST_CASE("SonataFile refuses files that are not HDF5", "[output]") {
    TempFile file("nothdf5");
    {
        std::ofstream out(file.path);
        out << "not an HDF5 file\n";
    }
    CHECK_THROWS_AS(SonataFile(file.path.string()), std::runtime_error);
    CHECK_THROWS_AS(SonataFile((file.path.string() + ".missing")), std::runtime_error);
}

// --- Damaged files (issue 16, class 4 and 7): every reader goes through h5::CheckedDataset ------

namespace {

struct DamagedFile {
    std::filesystem::path path;
    explicit DamagedFile(const std::string& tag)
        : path(gliasim::test::write_small_result(tag, "0.1.0")) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~DamagedFile() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    std::string name() const { return path.string(); }
};

// A string type of the file: variable length, or fixed of `size` bytes.
hid_t string_type(std::size_t size) {
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, size);
    return t;
}

} // namespace

TEST_CASE("a 2-D /spikes timestamps dataset is refused with its shape", "[output][hostile]") {
    DamagedFile file("ts2d");
    std::vector<double> t(20, 5.0);
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/timestamps", H5T_IEEE_F64LE,
                                        {10, 2}, t);
    SonataFile f(file.name());
    CHECK_THROWS_WITH(f.spikes("n"),
                      Catch::Contains(file.name() + ": /spikes/n/timestamps: expected a 1-D "
                                                    "float64 dataset, found a 2-D float64 "
                                                    "dataset (10 x 2)"));
}

TEST_CASE("/metadata/experiment: a non-scalar or non-string one is refused, a variable-length "
          "one is read",
          "[output][hostile]") {
    DamagedFile file("experiment");
    {
        const hid_t t = string_type(5);
        const char text[3][5] = {"abcd", "efgh", "ijkl"};
        gliasim::test::replace_dataset(file.name(), "/metadata/experiment", t, {3}, t, text);
        H5Tclose(t);
        CHECK_THROWS_WITH(SonataFile(file.name()).experiment(),
                          Catch::Contains("/metadata/experiment: expected a scalar string "
                                          "dataset, found a 1-D fixed-length string dataset (3)"));
    }
    gliasim::test::replace_with_doubles(file.name(), "/metadata/experiment", H5T_IEEE_F64LE, {},
                                        {2.5});
    CHECK_THROWS_WITH(SonataFile(file.name()).experiment(),
                      Catch::Contains("found a scalar float64 dataset"));
    {
        const hid_t t = string_type(H5T_VARIABLE);
        const char* text = "[populations.n]\nsize = 5\n";
        gliasim::test::replace_dataset(file.name(), "/metadata/experiment", t, {}, t, &text);
        H5Tclose(t);
        CHECK(SonataFile(file.name()).experiment() == text);
        const char* texts[2] = {"a", "b"};
        const hid_t v = string_type(H5T_VARIABLE);
        gliasim::test::replace_dataset(file.name(), "/metadata/experiment", v, {2}, v, texts);
        H5Tclose(v);
        CHECK_THROWS_WITH(SonataFile(file.name()).experiment(),
                          Catch::Contains("found a 1-D variable-length string dataset (2)"));
    }
}

TEST_CASE("negative signed node ids are refused, not read as 0", "[output][hostile]") {
    DamagedFile file("negative");
    std::vector<double> ids(40, 1.0);
    ids[7] = -3;
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/node_ids", H5T_STD_I64LE, {40},
                                        ids);
    CHECK_THROWS_WITH(SonataFile(file.name()).spikes("n"),
                      Catch::Contains("/spikes/n/node_ids: value -3 at row 7 is negative"));
}

TEST_CASE("NaN spike times are refused", "[output][hostile]") {
    DamagedFile file("nan");
    std::vector<double> t(40, 5.0);
    t[12] = std::nan("");
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/timestamps", H5T_IEEE_F64LE, {40},
                                        t);
    CHECK_THROWS_WITH(SonataFile(file.name()).spikes("n"),
                      Catch::Contains("/spikes/n/timestamps: value nan at row 12 is not a finite"));
}

TEST_CASE("report data narrower than its mapping, and decreasing index pointers, are refused",
          "[output][hostile]") {
    DamagedFile file("report");
    CHECK(SonataFile(file.name()).report("n", "V_m").cols == 3);
    const std::string base = "/report/n/V_m";
    gliasim::test::replace_with_doubles(file.name(), base + "/mapping/index_pointers",
                                        H5T_STD_U64LE, {4}, {0, 2, 1, 3});
    CHECK_THROWS_WITH(SonataFile(file.name()).report("n", "V_m"),
                      Catch::Contains("index_pointers: decreases at 2 (1 after 2)"));
    gliasim::test::replace_with_doubles(file.name(), base + "/mapping/index_pointers",
                                        H5T_STD_U64LE, {4}, {0, 1, 2, 3});
    gliasim::test::replace_with_doubles(file.name(), base + "/data", H5T_IEEE_F32LE, {100, 2},
                                        std::vector<double>(200, 1.0));
    CHECK_THROWS_WITH(SonataFile(file.name()).report("n", "V_m"),
                      Catch::Contains("mapping/node_ids: 3 node ids for 2 data columns"));
}

TEST_CASE("SonataFile refuses a folder before opening it", "[output][hostile]") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("gliasim_dir_" + std::to_string(getpid()) + ".h5");
    std::filesystem::create_directories(dir);
    CHECK_THROWS_WITH(SonataFile(dir.string()), Catch::Contains("is not a regular file"));
    std::filesystem::remove(dir);
}
