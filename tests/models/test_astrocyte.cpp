// SPDX-License-Identifier: MIT
// astrocyte_lr against NEST's reference data and the SIC coupling to neurons.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::registry;

namespace {

struct Row {
    double t, ip3, ca, h;
};

std::vector<Row> read_reference(const std::string& name) {
    const auto path = std::filesystem::path(GLIASIM_REFERENCE_DIR) / "nest" / name;
    std::ifstream in(path);
    INFO("reference file " << path.string());
    REQUIRE(in.good());
    std::vector<Row> rows;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ss(line);
        Row r{};
        ss >> r.t >> r.ip3 >> r.ca >> r.h;
        rows.push_back(r);
    }
    return rows;
}

// NEST's protocol: initial state (1, 1, 1), one weight-1 spike applied at t = 10 ms,
// 100 ms at dt = 0.1 ms, every step recorded.
MemoryBackend run_reference_protocol(double delta_ip3) {
    const std::string text = fmt::format(R"(
[simulation]
duration = "100 ms"
dt = "0.1 ms"
[populations.spike]
model = "spike_source_array"
size = 1
spike_times = ["9.9 ms"]
[populations.astro]
model = "astrocyte_lr"
size = 1
delta_IP3 = {}
initial = {{ IP3 = 1.0, Ca_astro = 1.0, h_IP3R = 1.0 }}
[projections.input]
source = "spike"
target = "astro"
rule = "all_to_all"
weight = 1.0
delay = "0.1 ms"
[recorders.astro]
kind = "state"
population = "astro"
variables = ["IP3", "Ca_astro", "h_IP3R"]
interval = "0.1 ms"
)",
                                         delta_ip3);
    const Experiment ex = parse_experiment(text, "astro_reference.toml", {}, registry());
    Simulation sim(ex.network);
    MemoryBackend mb;
    sim.run(mb);
    return mb;
}

void compare_with_reference(const std::string& file, double delta_ip3) {
    const auto ref = read_reference(file);
    REQUIRE(ref.size() == 999);
    const MemoryBackend mb = run_reference_protocol(delta_ip3);
    REQUIRE(mb.reports.size() == 3);
    REQUIRE(mb.reports[0].size() >= ref.size());
    double worst = 0;
    for (std::size_t k = 0; k < ref.size(); ++k) {
        INFO("t = " << ref[k].t << " ms");
        REQUIRE(mb.layout.reports[0].start + k * mb.layout.reports[0].step ==
                Approx(ref[k].t).margin(1e-9));
        const double got[3] = {mb.reports[0][k], mb.reports[1][k], mb.reports[2][k]};
        const double want[3] = {ref[k].ip3, ref[k].ca, ref[k].h};
        for (int v = 0; v < 3; ++v) {
            // NEST's own test: pytest.approx defaults, relative 1e-6 (the recording is float32,
            // which alone contributes up to 6e-8).
            CHECK(got[v] == Approx(want[v]).epsilon(1e-6).margin(1e-12));
            worst = std::max(worst, std::abs(got[v] - want[v]) / std::abs(want[v]));
        }
    }
    WARN(file << ": largest relative deviation " << worst);
}

} // namespace

TEST_CASE("astrocyte_lr reproduces NEST's reference data (delta_IP3 = 0.0002)", "[astrocyte]") {
    compare_with_reference("test_astrocyte.dat", 0.0002);
}

TEST_CASE("astrocyte_lr reproduces NEST's v3.8 reference data (delta_IP3 = 5)", "[astrocyte]") {
    compare_with_reference("test_astrocyte_v3.8_delta_IP3_5.dat", 5.0);
}

TEST_CASE("SIC reaches the neuron delay steps later as f(Ca)", "[astrocyte]") {
    // NEST's test_sic_connection: Ca starts at 0.2 uM, 1000 ms; I_SIC[k + d/h] = f(Ca[k]) with
    // f(c) = ln(1000 c - 196.69) where that exceeds 1 (ln > 0), else 0.
    const std::string text = R"(
[simulation]
duration = "1000 ms"
dt = "0.1 ms"
[populations.astro]
model = "astrocyte_lr"
size = 1
initial = { Ca_astro = 0.2 }
[populations.neuron]
model = "lif_curr_exp"
size = 1
V_th = "1000 mV"
[projections.sic]
source = "astro"
target = "neuron"
rule = "one_to_one"
synapse = "sic"
weight = 1.0
delay = "1 ms"
[recorders.astro]
kind = "state"
population = "astro"
variables = ["Ca_astro", "SIC"]
interval = "0.1 ms"
[recorders.neuron]
kind = "state"
population = "neuron"
variables = ["I_SIC"]
interval = "0.1 ms"
)";
    const Experiment ex = parse_experiment(text, "sic.toml", {}, registry());
    REQUIRE(ex.network.projections[0].continuous);
    Simulation sim(ex.network);
    MemoryBackend mb;
    sim.run(mb);
    const auto& ca = mb.reports[0];
    const auto& sic = mb.reports[1];
    const auto& i_sic = mb.reports[2];
    REQUIRE(ca.size() == 10000);
    const std::size_t d = 10; // 1 ms in steps
    std::size_t nonzero = 0, zero = 0;
    for (std::size_t k = 0; k + d < ca.size(); ++k) {
        INFO("step " << k);
        const double y = 1000.0 * ca[k] - 196.69;
        const double f = y > 1.0 ? std::log(y) : 0.0;
        // The value the astrocyte sent (the level accumulates changes: equal to rounding).
        CHECK(i_sic[k + d] == Approx(sic[k]).epsilon(1e-12).margin(1e-12));
        CHECK(i_sic[k + d] == Approx(f).epsilon(1e-4).margin(1e-4));
        (f > 0 ? nonzero : zero) += 1;
    }
    // Both regimes occur: Ca starts above the SIC threshold and relaxes below it.
    CHECK(nonzero > 10);
    CHECK(zero > 10);
    for (std::size_t k = 0; k < d; ++k) CHECK(i_sic[k] == 0.0f); // nothing arrives before d
}

TEST_CASE("a tripartite network gives identical results at 1, 2 and 4 threads", "[astrocyte]") {
    const std::string text = R"(
[simulation]
duration = "300 ms"
seed = 9
[populations.input]
model = "poisson_source"
size = 200
rate = "40 Hz"
[populations.exc]
model = "lif_curr_exp"
size = 120
[populations.astro]
model = "astrocyte_lr"
size = 30
delta_IP3 = "0.5 uM"
update_interval = "1 ms"
initial = { Ca_astro = { distribution = "uniform", low = "0.15 uM", high = "0.4 uM" } }
[projections.drive]
source = "input"
target = "exc"
rule = "fixed_indegree"
indegree = 40
weight = "60 pA"
delay = "1 ms"
[projections.drive.third_factor]
population = "astro"
p = 0.5
pool_size = 3
weight_out = { distribution = "uniform", low = 10.0, high = 30.0 }
delay_out = "2 ms"
[recorders.spikes]
kind = "spikes"
[recorders.astro]
kind = "state"
population = "astro"
interval = "1 ms"
[recorders.exc]
kind = "state"
population = "exc"
variables = ["V_m", "I_SIC"]
sample = 12
interval = "0.5 ms"
)";
    std::vector<MemoryBackend> runs;
    for (int threads : {1, 2, 4}) {
        const Experiment ex = parse_experiment(
            text, "tripartite.toml", {fmt::format("simulation.threads={}", threads)}, registry());
        Simulation sim(ex.network);
        MemoryBackend mb;
        sim.run(mb);
        runs.push_back(std::move(mb));
    }
    // The SIC really acts: some neuron sees a non-zero I_SIC.
    const auto& i_sic = runs[0].reports.back();
    CHECK(std::any_of(i_sic.begin(), i_sic.end(), [](float x) { return x > 0; }));
    for (std::size_t r = 1; r < runs.size(); ++r) {
        INFO("run " << r);
        for (std::size_t p = 0; p < runs[0].spikes.size(); ++p) {
            CHECK(runs[r].spikes[p].times == runs[0].spikes[p].times);
            CHECK(runs[r].spikes[p].ids == runs[0].spikes[p].ids);
        }
        REQUIRE(runs[r].reports.size() == runs[0].reports.size());
        for (std::size_t k = 0; k < runs[0].reports.size(); ++k)
            CHECK(runs[r].reports[k] == runs[0].reports[k]);
    }
    CHECK(runs[0].spikes[1].times.size() > 100); // the neurons fire
}

namespace {

MemoryBackend run_ring(const std::vector<std::string>& overrides) {
    const auto path = std::filesystem::path(GLIASIM_SOURCE_DIR) / "experiments" / "astro_ring.toml";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> o = {"simulation.duration=120 s"};
    o.insert(o.end(), overrides.begin(), overrides.end());
    const Experiment ex = parse_experiment(text.str(), "astro_ring.toml", o, registry());
    Simulation sim(ex.network);
    MemoryBackend mb;
    sim.run(mb);
    return mb;
}

// Time [s] of the first sample where cell c's Ca exceeds 0.5 uM, or -1.
double first_rise(const MemoryBackend& mb, std::size_t c) {
    const auto& ca = mb.reports[0];
    const std::size_t n = mb.layout.reports[0].ids.size();
    for (std::size_t k = 0; k * n < ca.size(); ++k)
        if (ca[k * n + c] > 0.5) return static_cast<double>(k + 1) * 0.1;
    return -1;
}

} // namespace

TEST_CASE("gap junctions carry a Ca wave around the ring, symmetrically", "[astrocyte]") {
    const MemoryBackend mb = run_ring({});
    double previous = first_rise(mb, 25);
    REQUIRE(previous > 0);
    for (std::size_t d = 1; d <= 4; ++d) {
        INFO("distance " << d);
        const double left = first_rise(mb, 25 - d), right = first_rise(mb, 25 + d);
        CHECK(right > previous); // the wave arrives later the farther the cell
        CHECK(left == right);    // and identically on both sides of the ring
        previous = right;
    }
    // Without coupling the neighbours stay at rest.
    const MemoryBackend uncoupled = run_ring({"populations.astrocytes.F_gap=0"});
    CHECK(first_rise(uncoupled, 25) > 0);
    CHECK(first_rise(uncoupled, 26) < 0);
    CHECK(first_rise(uncoupled, 30) < 0);
}

TEST_CASE("gap-junction coupling gives identical results at 1 and 3 threads", "[astrocyte]") {
    const MemoryBackend a = run_ring({"simulation.duration=30 s"});
    const MemoryBackend b = run_ring({"simulation.duration=30 s", "simulation.threads=3"});
    REQUIRE(a.reports.size() == b.reports.size());
    for (std::size_t k = 0; k < a.reports.size(); ++k) CHECK(a.reports[k] == b.reports[k]);
}
