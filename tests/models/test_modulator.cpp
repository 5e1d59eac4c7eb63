// SPDX-License-Identifier: MIT
// Modulator channels through whole runs: a neuron model (amsu) reading an external astrocyte's
// state, and an stdp rule whose depression is scaled by an astrocyte's state.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::registry;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

// 40 AMSU units reading 2 astrocytes' A (shared with tests/cli/mpi.sh).
std::string amsu_external() {
    return gliasim::test::repository_file("tests/fixtures/amsu_external.toml");
}

} // namespace

TEST_CASE("amsu reads an external astrocyte: c is its value at the segment start", "[modulator]") {
    Simulation sim(spec_of(amsu_external()));
    MemoryBackend mb;
    const RunStats st = sim.run(mb);
    const auto& c = mb.reports[0]; // [step][unit 0, unit 39]
    const auto& a = mb.reports[1]; // [step][astro 0, astro 1]
    REQUIRE(c.size() == 2 * 2000);
    // Slices are one step (delay 1 ms = dt): unit i reads astrocyte i / 20 as it was at the end
    // of the previous step.
    for (std::size_t n = 1; n < 2000; ++n) {
        CHECK(c[2 * n] == a[2 * (n - 1)]);
        CHECK(c[2 * n + 1] == a[2 * (n - 1) + 1]);
    }
    CHECK(a.back() > 0.1); // the astrocytes did integrate the activity
    // Threshold mode with k > 0 is homeostatic: fewer spikes than the same units uncoupled.
    Simulation free_run(spec_of(amsu_external(), {"populations.units.k=0"}));
    MemoryBackend mb0;
    const RunStats st0 = free_run.run(mb0);
    CHECK(st.spikes[0] < st0.spikes[0] * 0.8);
    // Identical with 2 threads.
    auto two = spec_of(amsu_external());
    two.threads = 2;
    Simulation sim2(two);
    MemoryBackend mb2;
    sim2.run(mb2);
    CHECK(mb2.spikes[0].times == mb.spikes[0].times);
    CHECK(mb2.spikes[0].ids == mb.spikes[0].ids);
}

TEST_CASE("stdp depression scales with the astrocyte's state (modulates = depression)",
          "[modulator]") {
    // One synapse; the presynaptic neuron fires 5 ms after the postsynaptic one, once. The
    // astrocyte (b = A0, no input) holds A = A0, so the change is exactly -A_minus A0 y.
    auto run = [](double a0) {
        const std::string text = R"(
[simulation]
duration = "40 ms"
dt = "1 ms"
[populations.post_drive]
model = "spike_source_array"
size = 1
spike_times = ["10 ms"]
[populations.pre]
model = "spike_source_array"
size = 1
spike_times = ["16 ms"]
[populations.n]
model = "nalsm_lif"
size = 1
[populations.astro]
model = "nalsm_astrocyte"
size = 1
b = )" + std::to_string(a0) + R"(
[projections.drive]
source = "post_drive"
target = "n"
rule = "all_to_all"
weight = 100.0
receptor = "direct"
delay = "1 ms"
[projections.plastic]
source = "pre"
target = "n"
rule = "all_to_all"
weight = 2.0
receptor = "fast"
delay = "1 ms"
synapse = "stdp"
A_plus = 0.0
A_minus = 1.0
w_min = 0
w_max = 3
tau_minus = "10 ms"
modulator = "astro.A"
[recorders.spikes]
kind = "spikes"
populations = ["n"]
)";
        Simulation sim(spec_of(text));
        MemoryBackend mb;
        sim.run(mb);
        REQUIRE(mb.spikes[2].times.size() == 1);
        const double t_post = mb.spikes[2].times[0]; // recorded at the end of its step
        const double dt_pair = 16.0 - t_post;        // pre recorded at 16 ms
        return std::pair{static_cast<double>(sim.network().projections()[1].edges()[0].weight),
                         dt_pair};
    };
    for (double a0 : {0.05, 0.15, 0.4}) {
        const auto [w, gap] = run(a0);
        INFO("A0 = " << a0 << ", gap " << gap << " ms");
        CHECK(gap > 0);
        CHECK(w == Approx(2.0 - a0 * std::exp(-gap / 10.0)).epsilon(1e-6));
    }
}
