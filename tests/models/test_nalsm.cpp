// SPDX-License-Identifier: MIT
// NALSM (Ivanov & Michmizos 2021): the discrete-time neuron and the astrocyte against their
// closed forms, and the shipped liquid's branching factor falling as w_astro grows (the
// direction of the paper's w_astro table), on a shortened self-organisation.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "analysis/branching_factor.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::pop_index;
using gliasim::test::read_text;
using gliasim::test::registry;
using gliasim::test::Result;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

TEST_CASE("nalsm_lif at dt = 1 ms is the paper's discrete update", "[nalsm]") {
    // One input spike of weight w on each receptor at t = 1 ms; bias b: then
    //   i_k(n) = w/tau_k exp(-(n - n0)/tau_k), v(n) = v(n-1)(1 - 1/tau_v) + i_f + i_s + b.
    const char* text = R"(
[simulation]
duration = "30 ms"
dt = "1 ms"
[populations.src]
model = "spike_source_array"
size = 1
spike_times = ["1 ms"]
[populations.n]
model = "nalsm_lif"
size = 1
bias = 0.05
v_th = 1000
[projections.f]
source = "src"
target = "n"
rule = "all_to_all"
weight = 2.0
receptor = "fast"
delay = "1 ms"
[projections.s]
source = "src"
target = "n"
rule = "all_to_all"
weight = 3.0
receptor = "slow"
delay = "1 ms"
[recorders.v]
kind = "state"
population = "n"
variables = ["v", "i_fast", "i_slow"]
interval = "1 ms"
)";
    Simulation sim(spec_of(text));
    MemoryBackend mb;
    sim.run(mb);
    const auto& v = mb.reports[0];
    const auto& i_f = mb.reports[1];
    const auto& i_s = mb.reports[2];
    REQUIRE(v.size() == 30);
    // The spike is emitted in step 0 (recorded at 1 ms) and arrives one step later, in step 1;
    // row k is sampled at the end of step k.
    double vv = 0;
    for (int n = 0; n < 30; ++n) {
        const double f = n >= 1 ? 2.0 / 1.0 * std::exp(-(n - 1) / 1.0) : 0.0;
        const double s = n >= 1 ? 3.0 / 2.0 * std::exp(-(n - 1) / 2.0) : 0.0;
        vv = vv * (1.0 - 1.0 / 64.0) + f + s + 0.05;
        INFO("step " << n);
        CHECK(i_f[n] == Approx(f).margin(1e-6));
        CHECK(i_s[n] == Approx(s).margin(1e-6));
        CHECK(v[n] == Approx(vv).epsilon(1e-6));
    }
}

TEST_CASE("nalsm_astrocyte relaxes to b exactly and steps by w/tau per spike", "[nalsm]") {
    const char* text = R"(
[simulation]
duration = "300 ms"
dt = "1 ms"
[populations.src]
model = "spike_source_array"
size = 2
spike_times = [["100 ms"], ["150 ms", "151 ms"]]
[populations.astro]
model = "nalsm_astrocyte"
size = 1
tau = "100 ms"
b = 0.15
initial = { A = 0.6 }
[projections.plus]
source = "src"
target = "astro"
rule = "all_to_all"
weight = 0.5
delay = "1 ms"
[recorders.A]
kind = "state"
population = "astro"
variables = ["A"]
interval = "1 ms"
)";
    Simulation sim(spec_of(text));
    MemoryBackend mb;
    sim.run(mb);
    const auto& a = mb.reports[0];
    REQUIRE(a.size() == 300);
    // Spikes recorded at 100, 150 and 151 ms were emitted in steps 99, 149 and 150 and arrive
    // one step later.
    double expect = 0.6;
    for (int n = 0; n < 300; ++n) {
        expect = 0.15 + (expect - 0.15) * std::exp(-1.0 / 100.0);
        if (n == 100 || n == 150 || n == 151) expect += 0.5 / 100.0;
        INFO("step " << n);
        CHECK(a[n] == Approx(expect).epsilon(1e-6));
    }
}

TEST_CASE("NALSM1000: a larger w_astro gives a lower branching factor", "[nalsm]") {
    // The shipped protocol shortened to 10 s of self-organisation and 8 samples of 250 ms.
    std::string text = read_text("nalsm_1000.toml");
    text = replace_all(text, "\"1000 s\"", "\"10 s\"");
    text = replace_all(text, "\"1005 s\"", "\"12 s\"");
    text = replace_all(text, "\"50 s\"", "\"1 s\"");
    std::vector<double> bf;
    for (const char* w : {"0.015", "0.05", "0.1"}) {
        const std::string neg = std::string("-") + w;
        auto spec = spec_of(text, {std::string("projections.E_astro.weight=") + w,
                                   std::string("projections.I_astro.weight=") + w,
                                   "projections.input_astro.weight=" + neg});
        spec.spike_recorders.clear();
        spec.state_recorders.clear();
        spec.weight_recorders.clear();
        Simulation sim(spec);
        keep_branching_spikes(sim);
        MemoryBackend mb;
        const auto branching = branching_of_run(sim, sim.run(mb));
        REQUIRE(branching);
        REQUIRE(branching->spikes_counted > 1000);
        bf.push_back(branching->branching_factor);
        WARN("w_astro = " << w << ": branching factor " << bf.back());
    }
    // The direction of the paper's table (1.25, 1.09, 0.99 for these w_astro after the full
    // 1000 s); the shortened self-organisation has moved the liquid only part of the way from
    // its initial, maximal weights (about 1.43). Full protocol: tests/slow/nalsm_branching.sh.
    for (std::size_t k = 1; k < bf.size(); ++k) CHECK(bf[k] < bf[k - 1]);
    CHECK(bf[0] < 1.45);
    CHECK(bf[2] < 1.3);
    CHECK(bf[2] > 1.0);

    // With plasticity, resets and the astrocyte: the same liquid, bit for bit, on 3 threads.
    auto spec = spec_of(text, {"projections.E_astro.weight=0.1", "projections.I_astro.weight=0.1",
                               "projections.input_astro.weight=-0.1"});
    spec.threads = 3;
    spec.spike_recorders.clear();
    spec.state_recorders.clear();
    spec.weight_recorders.clear();
    Simulation sim3(spec);
    keep_branching_spikes(sim3);
    MemoryBackend mb3;
    const auto branching3 = branching_of_run(sim3, sim3.run(mb3));
    REQUIRE(branching3);
    CHECK(branching3->branching_factor == bf[2]);
    CHECK(branching3->spikes_counted > 1000);
    CHECK(bf[1] > 1.0);
    CHECK(bf[1] < 1.6);
    CHECK(bf[3] < 1.2);
}
