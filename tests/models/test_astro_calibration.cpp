// SPDX-License-Identifier: MIT
// The shipped calibration experiments (experiments/calibration/) keep their astrocytes in the
// working range of docs/astrocyte-calibration.md, over several seeds: rest IP3 0.2-0.5 uM with
// Ca below the output threshold, a 200 ms burst into domain 0 at 30 s that drives that domain
// (and only it) over threshold, and no crossing without a burst. The bands are the science
// review's targets; the traces come from whole runs of the shipped files.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::read_text;
using gliasim::test::report_index;
using gliasim::test::run;
using gliasim::test::spec_of;

namespace {

constexpr double kSettledMs = 10'000; // the start-up transient from the initial state is over
constexpr double kBurstMs = 30'000;   // domain 0's burst starts here (200 ms)
constexpr std::size_t kDomains = 4;

// One recorded variable: samples[row * nodes + node], row k at time start + k * step.
struct Trace {
    std::vector<float> samples;
    std::size_t nodes = 0;
    double start = 0, step = 0;

    std::size_t rows() const { return samples.size() / nodes; }
    double time(std::size_t row) const { return start + static_cast<double>(row) * step; }
    double at(std::size_t row, std::size_t node) const { return samples[row * nodes + node]; }
    // Largest value of `node` over [from, to) ms.
    double max_in(std::size_t node, double from, double to) const {
        double m = -1e300;
        for (std::size_t r = 0; r < rows(); ++r)
            if (time(r) >= from && time(r) < to) m = std::max(m, at(r, node));
        return m;
    }
    double min_in(std::size_t node, double from, double to) const {
        double m = 1e300;
        for (std::size_t r = 0; r < rows(); ++r)
            if (time(r) >= from && time(r) < to) m = std::min(m, at(r, node));
        return m;
    }
    // Time [ms] that `node` spends above `threshold` from `from` on.
    double time_above(std::size_t node, double threshold, double from) const {
        double t = 0;
        for (std::size_t r = 0; r < rows(); ++r)
            if (time(r) >= from && at(r, node) > threshold) t += step;
        return t;
    }
    // Upward crossings of `threshold` by `node` from `from` on.
    int crossings(std::size_t node, double threshold, double from) const {
        int n = 0;
        for (std::size_t r = 1; r < rows(); ++r)
            if (time(r) >= from && at(r, node) > threshold && !(at(r - 1, node) > threshold)) ++n;
        return n;
    }
};

Trace trace_of(const MemoryBackend& mb, const std::string& pop, const std::string& var) {
    const std::size_t k = report_index(mb, pop, var);
    const auto& layout = mb.layout.reports[k];
    return Trace{mb.reports[k], layout.ids.size(), layout.start, layout.step};
}

std::size_t spike_index(const MemoryBackend& mb, const std::string& pop) {
    for (std::size_t i = 0; i < mb.layout.populations.size(); ++i)
        if (mb.layout.populations[i].name == pop) return i;
    FAIL("no population " << pop);
    return 0;
}

test::Result run_calibration(const std::string& file, int seed) {
    return run(
        spec_of(read_text("calibration/" + file), {"simulation.seed=" + std::to_string(seed)}));
}

// At rest (the 10 s before the burst) every astrocyte's IP3 lies in 0.2-0.5 uM.
void check_rest_ip3(const Trace& ip3) {
    for (std::size_t a = 0; a < kDomains; ++a) {
        INFO("astrocyte " << a);
        CHECK(ip3.min_in(a, kBurstMs - 10'000, kBurstMs) >= 0.2);
        CHECK(ip3.max_in(a, kBurstMs - 10'000, kBurstMs) <= 0.5);
    }
}

// Below `threshold` without a burst: every domain after the transient until the burst, the
// unstimulated ones to the end (50 s).
void check_quiet_without_burst(const Trace& ca, double threshold) {
    CHECK(ca.max_in(0, kSettledMs, kBurstMs) < threshold);
    for (std::size_t a = 1; a < kDomains; ++a) {
        INFO("unstimulated astrocyte " << a);
        CHECK(ca.max_in(a, kSettledMs, 1e300) < threshold);
    }
}

} // namespace

TEST_CASE("calibrated astrocyte_lr: rest below SIC_th, a burst holds SIC 30-60 pA for seconds",
          "[calibration]") {
    constexpr double kSicTh = 0.19669; // uM, the file's SIC_th
    for (int seed : {1, 2, 3}) {
        INFO("seed " << seed);
        const auto r = run_calibration("astrocyte_lr.toml", seed);
        const Trace ip3 = trace_of(r.mb, "astro", "IP3");
        const Trace ca = trace_of(r.mb, "astro", "Ca_astro");
        const Trace sic = trace_of(r.mb, "exc", "I_SIC"); // neurons 0, 10, 20, 30: one per domain
        check_rest_ip3(ip3);
        check_quiet_without_burst(ca, kSicTh);
        // Measured 4.4-4.8 s above SIC_th (seeds 1-3); the band asks for >= 2 s.
        CHECK(ca.time_above(0, kSicTh, kBurstMs) >= 2'000);
        CHECK(ca.crossings(0, kSicTh, kBurstMs) == 1);
        const double peak = sic.max_in(0, kBurstMs, 1e300);
        CHECK(peak >= 30);
        CHECK(peak <= 60);
        CHECK(sic.max_in(0, kSettledMs, kBurstMs) == 0);
        for (std::size_t d = 1; d < kDomains; ++d) CHECK(sic.max_in(d, kSettledMs, 1e300) == 0);
    }
}

TEST_CASE("calibrated astrocyte_gchi: rest below C_theta, a burst releases once and raises "
          "Gamma_S for tens of seconds",
          "[calibration]") {
    constexpr double kCTheta = 0.5; // uM, the file's C_theta
    for (int seed : {1, 2, 3}) {
        INFO("seed " << seed);
        const auto r = run_calibration("astrocyte_gchi.toml", seed);
        const Trace ip3 = trace_of(r.mb, "astro", "IP3");
        const Trace ca = trace_of(r.mb, "astro", "Ca");
        const Trace gamma_s = trace_of(r.mb, "astro", "Gamma_S");
        check_rest_ip3(ip3);
        check_quiet_without_burst(ca, kCTheta);
        CHECK(ca.crossings(0, kCTheta, kBurstMs) == 1);
        // The one release of the run: astrocyte 0, within 3 s of the burst.
        const auto& events = r.mb.spikes[spike_index(r.mb, "astro")];
        REQUIRE(events.ids.size() == 1);
        CHECK(events.ids[0] == 0);
        CHECK(events.times[0] > kBurstMs);
        CHECK(events.times[0] < kBurstMs + 3'000);
        // Gamma_S (unbinding at 0.5/min) stays above 0.5 for the 20 s after the release, and
        // is 0 in the unstimulated domains.
        CHECK(gamma_s.min_in(0, kBurstMs + 3'000, kBurstMs + 23'000) > 0.5);
        for (std::size_t d = 1; d < kDomains; ++d) CHECK(gamma_s.max_in(d, 0, 1e300) == 0);
    }
}
