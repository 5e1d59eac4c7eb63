// SPDX-License-Identifier: MIT
// Runs that stop early (numerical faults, interrupts) and the estimates checked before a run.
#include <atomic>
#include <cmath>
#include <limits>

#include "core/resource_estimate.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;

namespace {

// quickstart.toml, 100 ms: min delay 1 ms = 10 steps per slice; state checks every 10 ms, on
// every tenth slice end.
NetworkSpec quickstart(int threads) {
    return spec_of(read_text("quickstart.toml"), {"simulation.duration=\"100 ms\"",
                                                  "simulation.threads=" + std::to_string(threads)});
}

} // namespace

TEST_CASE("a state that becomes NaN stops the run at the next check, naming it", "[reliability]") {
    for (int threads : {1, 2}) {
        const NetworkSpec spec = quickstart(threads);
        const std::size_t exc = pop_index(spec, "exc");
        // V_m: a NaN elsewhere (a conductance) reaches V_m within the step, and the scan names
        // the first variable of the model's list that it finds bad.
        const auto v_m = *spec.populations[exc].model->state_index("V_m");
        Simulation sim(spec);
        REQUIRE(sim.network().min_delay() == 10);
        // Entity 777 sits in the second thread's range when there are two.
        sim.network().populations()[exc]->state(v_m)[777] =
            std::numeric_limits<double>::quiet_NaN();
        MemoryBackend mb;
        const RunStats stats = sim.run(mb);
        CHECK(stats.end == RunEnd::numerical_fault);
        REQUIRE(stats.fault);
        CHECK(stats.fault->population == exc);
        CHECK(stats.fault->state.entity == 777);
        CHECK(stats.fault->state.variable == v_m);
        CHECK(std::isnan(stats.fault->state.value));
        CHECK(stats.fault->last_good_step == 0);
        CHECK(stats.fault->step == 100);
        CHECK(stats.steps == 100); // stopped at the first check
        using Catch::Matchers::EndsWith;
        using Catch::Matchers::StartsWith;
        CHECK_THAT(stats.fault_message,
                   StartsWith("numerical fault in population 'exc' (model lif_cond_exp): entity "
                              "777, V_m = ") &&
                       EndsWith("nan at t = 10 ms (all states finite at t = 0 ms)"));
        // What was recorded up to the stop was handed over: the report's 10 samples up to
        // t = 10 ms (interval 1 ms) and the spikes up to then; nothing after.
        const std::size_t report = 0; // exc V_m
        CHECK(mb.reports[report].size() == 10 * mb.layout.reports[report].ids.size());
        for (const auto& train : mb.spikes)
            for (double t : train.times) CHECK(t <= 10.0);
    }
}

TEST_CASE("an interrupt stops the run at the first slice boundary with everything flushed",
          "[reliability]") {
    const NetworkSpec spec = quickstart(2);
    Result full = run(spec);
    REQUIRE(full.stats.end == RunEnd::completed);
    REQUIRE(full.stats.steps == 1000);

    Simulation sim(spec);
    std::atomic<bool> stop{true};
    MemoryBackend mb;
    const RunStats stats = sim.run(mb, {}, &stop);
    CHECK(stats.end == RunEnd::interrupted);
    CHECK_FALSE(stats.fault);
    CHECK(stats.steps == 10);
    CHECK(mb.flushes >= 1);
    // A prefix of the uninterrupted run: the spikes of the first millisecond.
    for (std::size_t p = 0; p < mb.spikes.size(); ++p) {
        const auto& got = mb.spikes[p];
        const auto& want = full.mb.spikes[p];
        std::size_t n = 0;
        while (n < want.times.size() && want.times[n] <= 1.0) ++n;
        CHECK(got.times == std::vector<double>(want.times.begin(), want.times.begin() + n));
        CHECK(got.ids == std::vector<std::uint64_t>(want.ids.begin(), want.ids.begin() + n));
    }
}

TEST_CASE("resource estimate of quickstart, by hand", "[reliability]") {
    const NetworkSpec spec = spec_of(read_text("quickstart.toml"));
    const ResourceEstimate e = estimate_resources(spec);
    // input->exc 20 x 800, then p = 0.1 of 800x800, 800x200, 200x800 and 200x200.
    CHECK(e.synapses == Approx(16000 + 64000 + 16000 + 16000 + 4000));
    // Spikes of all 1100 entities at 50 Hz for 2 s (16 B each), and 10 nodes x 3 variables x
    // 2000 samples of 4 B.
    CHECK(e.output_bytes == Approx(1100 * 50 * 2 * 16 + 10 * 3 * 2000 * 4));
    // Synapses at 12 B, entities at least 64 B each, and the state recorder's three report
    // datasets (kBytesPerReportDataset each, plus their small buffers).
    const double reports = 3 * kBytesPerReportDataset;
    CHECK(e.memory_bytes >= 116000 * 12.0 + 1100 * 64.0 + reports);
    CHECK(e.memory_bytes <= 116000 * 12.0 + 1100 * 1024.0 + reports + 200000);
}
