// SPDX-License-Identifier: MIT
// Per-sample resets of reservoir neurons and astrocytes (NALSM), through parse_experiment and
// whole runs: restarts from the initial state, pending input dropped, and the astrocyte's
// relaxation against its closed form.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "analysis/branching_factor.hpp"
#include "core/projection.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::projection_index;
using gliasim::test::registry;
using gliasim::test::report_index;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

// ---------------------------------------------------------------------------------------------
// per-sample resets

// Resets drop what is pending for the population: input sent before a reset never arrives
// after it, and recorders see a consistent state with any number of threads.

TEST_CASE("resets: nalsm_lif neurons restart from their initial v, currents and refractoriness",
          "[learning_io]") {
    // dt = delay = 1 ms; a source spike at T ms reaches L in step T (row T, t = T + 1 ms).
    //   15 ms, fast receptor, weight 5: i_fast jumps to 5 in step 15 and decays, v charges.
    //   19 ms, direct, weight 100: L fires in step 19, refractory for steps 20 and 21.
    //   reset at 20 ms (before step 20): v, i_fast and refractory back to 0; no input is
    //   pending (nothing was sent in step 19), so row 20 is the initial state, unchanged.
    //   21 ms, direct, weight 100: L fires in step 21 only because the reset ended its
    //   refractoriness (without the reset it would still be refractory).
    const std::string text = R"(
[simulation]
duration = "30 ms"
dt = "1 ms"
[populations.F]
model = "spike_source_array"
size = 1
spike_times = ["15 ms"]
[populations.S]
model = "spike_source_array"
size = 1
spike_times = ["19 ms", "21 ms"]
[populations.L]
model = "nalsm_lif"
size = 1
reset = { every = "20 ms" }
[projections.fast]
source = "F"
target = "L"
rule = "all_to_all"
weight = 5.0
receptor = "fast"
delay = "1 ms"
[projections.direct]
source = "S"
target = "L"
rule = "all_to_all"
weight = 100.0
receptor = "direct"
delay = "1 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v", "i_fast", "refractory"]
interval = "1 ms"
[recorders.spikes]
kind = "spikes"
populations = ["L"]
)";
    for (const bool with_reset : {true, false}) {
        INFO((with_reset ? "with the reset" : "without the reset"));
        std::vector<std::string> set;
        if (!with_reset) set.push_back("populations.L.reset=[]");
        const NetworkSpec spec = spec_of(text, set);
        const Result r = run(spec);
        const auto& v = r.mb.reports[report_index(r.mb, "L", "v")];
        const auto& i = r.mb.reports[report_index(r.mb, "L", "i_fast")];
        const auto& ref = r.mb.reports[report_index(r.mb, "L", "refractory")];
        REQUIRE(v.size() == 30);
        const double leak = 1.0 - 1.0 / 64.0, decay = std::exp(-1.0);
        CHECK(v[14] == 0.0f);
        CHECK(i[15] == 5.0f);
        CHECK(v[15] == 5.0f);
        CHECK(i[16] == Approx(5 * decay).epsilon(1e-6));
        CHECK(v[16] == Approx(5 * leak + 5 * decay).epsilon(1e-6));
        CHECK(ref[19] == 2.0f); // fired in step 19
        CHECK(v[19] == 0.0f);
        const auto& times = r.mb.spikes[pop_index(spec, "L")].times;
        if (with_reset) {
            CHECK(v[20] == 0.0f);
            CHECK(i[20] == 0.0f);
            CHECK(ref[20] == 0.0f);
            CHECK(times == std::vector<double>{20.0, 22.0});
        } else {
            CHECK(i[20] == Approx(5 * std::pow(decay, 5)).epsilon(1e-6));
            CHECK(ref[20] == 1.0f);
            CHECK(times == std::vector<double>{20.0});
        }
    }
}

TEST_CASE("resets: input sent in the step before a reset is dropped (poisson drive)",
          "[learning_io]") {
    // dt = delay = 1 ms: a reset at step s clears the input that spikes of step s - 1 left for
    // step s, and nothing emitted before the reset arrives later, so in the step of the reset
    // the neurons integrate nothing: v = v_reset * leak = 0, i_fast = 0, no refractoriness.
    const NetworkSpec spec = spec_of(R"(
[simulation]
duration = "200 ms"
dt = "1 ms"
seed = 5
[populations.input]
model = "poisson_source"
size = 50
rate = "100 Hz"
[populations.L]
model = "nalsm_lif"
size = 20
reset = { every = "20 ms" }
[projections.in]
source = "input"
target = "L"
rule = "all_to_all"
weight = 2.0
receptor = "fast"
delay = "1 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v", "i_fast", "refractory"]
interval = "1 ms"
[recorders.spikes]
kind = "spikes"
populations = ["L"]
)");
    const Result r = run(spec);
    const std::size_t rv = report_index(r.mb, "L", "v"), ri = report_index(r.mb, "L", "i_fast"),
                      rr = report_index(r.mb, "L", "refractory");
    const std::size_t n = 20;
    REQUIRE(r.mb.reports[rv].size() == 200 * n);
    // Row k holds the state after step k (t = k + 1 ms).
    auto at = [&](std::size_t rep, std::size_t row, std::size_t i) {
        return r.mb.reports[rep][row * n + i];
    };
    CHECK(r.stats.spikes[pop_index(spec, "L")] > 100); // the drive makes the neurons fire
    std::size_t busy_before = 0;
    for (std::size_t s = 20; s < 200; s += 20) {
        INFO("reset at step " << s);
        for (std::size_t i = 0; i < n; ++i) {
            CHECK(at(rv, s, i) == 0.0f);
            CHECK(at(ri, s, i) == 0.0f);
            CHECK(at(rr, s, i) == 0.0f);
            if (at(rv, s - 1, i) != 0.0f || at(rr, s - 1, i) != 0.0f) ++busy_before;
        }
    }
    CHECK(busy_before > 9 * n / 2); // the state right before the resets was not the initial one
    // Between resets the input does arrive: within 3 steps after each reset i_fast is back up.
    for (std::size_t s = 21; s < 200; s += 20) {
        double sum = 0;
        for (std::size_t k = s; k < s + 3; ++k)
            for (std::size_t i = 0; i < n; ++i) sum += at(ri, k, i);
        CHECK(sum > 0);
    }
}

TEST_CASE("resets: input sent before a reset does not arrive after it (delay > one step)",
          "[learning_io]") {
    // A single spike of the source at 19 ms (emitted in step 18) reaches the neuron 3 ms later,
    // in step 21, after the reset at 20 ms: as pending input it must be dropped. A control
    // spike at 14 ms arrives in step 16, before the reset, and moves v by 5.
    const NetworkSpec spec = spec_of(R"(
[simulation]
duration = "40 ms"
dt = "1 ms"
[populations.S]
model = "spike_source_array"
size = 1
spike_times = ["14 ms", "19 ms"]
[populations.L]
model = "nalsm_lif"
size = 1
reset = { every = "20 ms" }
[projections.SL]
source = "S"
target = "L"
rule = "all_to_all"
weight = 5.0
receptor = "direct"
delay = "3 ms"
[recorders.L]
kind = "state"
population = "L"
variables = ["v"]
interval = "1 ms"
)");
    const Result r = run(spec);
    const auto& v = r.mb.reports[report_index(r.mb, "L", "v")];
    REQUIRE(v.size() == 40);
    CHECK(v[15] == 0.0f);
    CHECK(v[16] == 5.0f); // the control spike
    CHECK(v[19] > 0.0f);
    CHECK(v[20] == 0.0f); // reset
    CHECK(v[21] == 0.0f); // the spike sent in step 18 was pending at the reset
    CHECK(v[39] == 0.0f);
}

// Two nalsm_astrocytes (b = 0.15, tau = 100 ms) starting at A = 0.5, A recorded every step.
const char* const kAstroAlone = R"(
[simulation]
duration = "300 ms"
dt = "0.1 ms"
[populations.astro]
model = "nalsm_astrocyte"
size = 2
tau = "100 ms"
b = 0.15
initial = { A = 0.5 }
[recorders.A]
kind = "state"
population = "astro"
variables = ["A"]
interval = "0.1 ms"
)";

TEST_CASE("resets: nalsm_astrocyte relaxes as b + (A0 - b) exp(-t/tau) and restarts at A0",
          "[learning_io]") {
    const double b = 0.15, A0 = 0.5, tau = 100.0, dt = 0.1;
    const std::string base = kAstroAlone;
    auto closed = [&](double since_reset) { return b + (A0 - b) * std::exp(-since_reset / tau); };

    SECTION("without resets: the closed form, to float precision every step, to 1e-12 at the end") {
        const NetworkSpec spec = spec_of(base);
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        const auto& A = mb.reports[0];
        REQUIRE(A.size() == 3000 * 2);
        for (std::size_t k = 0; k < 3000; k += 7) {
            const double t = static_cast<double>(k + 1) * dt;
            INFO("t = " << t);
            CHECK(A[2 * k] == Approx(closed(t)).epsilon(1e-6));
            CHECK(A[2 * k + 1] == A[2 * k]);
        }
        const double end = sim.network().populations()[0]->state(0)[0];
        CHECK(std::abs(end - closed(300.0)) <= 1e-12 * closed(300.0));
    }

    SECTION("with A0 = b and no input, A stays at b exactly") {
        const NetworkSpec spec = spec_of(base, {"populations.astro.initial={}"});
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        for (float a : mb.reports[0]) CHECK(a == static_cast<float>(b));
        CHECK(sim.network().populations()[0]->state(0)[0] == b);
    }

    SECTION("resets every 20 ms until 100 ms, then every 50 ms: A restarts at A0 each time") {
        // Resets at from + k every in [from, until), never at 0: 20, 40, 60, 80, then 100,
        // 150, 200, 250 ms.
        const std::vector<double> resets = {20, 40, 60, 80, 100, 150, 200, 250};
        const NetworkSpec spec =
            spec_of(base, {R"(populations.astro.reset=[{ every = "20 ms", until = "100 ms" }, )"
                           R"({ every = "50 ms", from = "100 ms" }])"});
        Simulation sim(spec);
        MemoryBackend mb;
        sim.run(mb);
        const auto& A = mb.reports[0];
        REQUIRE(A.size() == 3000 * 2);
        for (std::size_t k = 0; k < 3000; ++k) {
            const double t = static_cast<double>(k + 1) * dt;
            double last = 0;
            for (double s : resets)
                if (s < t - 1e-9) last = s;
            if (k % 5 != 0 && std::abs(t - last - dt) > 1e-9) continue; // every reset, and some
            INFO("t = " << t << ", last reset at " << last);
            CHECK(A[2 * k] == Approx(closed(t - last)).epsilon(1e-6));
        }
        // The last reset was at 250 ms; 50 ms later, in double precision.
        const double end = sim.network().populations()[0]->state(0)[0];
        CHECK(std::abs(end - closed(50.0)) <= 1e-12 * closed(50.0));
    }
}

TEST_CASE("resets: a driven nalsm_astrocyte is at b + (A0 - b) exp(-dt/tau) right after a reset",
          "[learning_io]") {
    const double b = 0.15, A0 = 0.5, tau = 100.0, dt = 0.1;
    const std::string base = kAstroAlone;

    const std::string driven = base + R"(
[populations.input]
model = "poisson_source"
size = 40
rate = "200 Hz"
[projections.in]
source = "input"
target = "astro"
rule = "all_to_all"
weight = 0.2
delay = "0.1 ms"
)";
    for (const double a0 : {A0, b}) {
        INFO("A0 = " << a0);
        std::vector<std::string> set = {"populations.astro.reset={ every = \"20 ms\" }"};
        if (a0 == b) set.push_back("populations.astro.initial={}");
        const NetworkSpec spec = spec_of(driven, set);
        const Result r = run(spec);
        const auto& A = r.mb.reports[report_index(r.mb, "astro", "A")];
        REQUIRE(A.size() == 3000 * 2);
        const float want = static_cast<float>(b + (a0 - b) * std::exp(-dt / tau));
        std::size_t moved = 0;
        for (std::size_t s = 200; s < 3000; s += 200) {
            // Row s: the state after the step of the reset at s * dt.
            INFO("reset at " << static_cast<double>(s) * dt << " ms");
            CHECK(A[2 * s] == Approx(want).epsilon(1e-7));
            CHECK(A[2 * s + 1] == Approx(want).epsilon(1e-7));
            if (std::abs(A[2 * (s - 1)] - want) > 0.01) ++moved;
        }
        CHECK(moved >= 10); // the input did move A away in each sample
    }
}
