// SPDX-License-Identifier: MIT
// gliasim analyze's metrics (analysis/) on synthetic spike trains and traces with answers known
// in advance: hand-computed values, closed forms for Poisson and branching processes, and
// tolerances of several standard errors at the sample sizes used (fixed seeds).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>
#include <unistd.h>
#include <vector>

#include "analysis/ca_events.hpp"
#include "analysis/file_analysis.hpp"
#include "analysis/spectrum.hpp"
#include "analysis/spike_train_stats.hpp"
#include "analysis/statistics.hpp"
#include "h5_damage.hpp"
#include "io/sonata_writer.hpp"

using namespace gliasim::analysis;

namespace {

struct Spike {
    double t;
    std::uint64_t id;
};

constexpr double kDt = 0.1; // [ms] spike times lie on this grid, as the simulator writes them

// A spike of the step that contains t, recorded at the end of that step.
double on_grid(double t) {
    return (std::floor(t / kDt) + 1) * kDt;
}

// Independent Poisson trains of `rate` Hz over [0, duration_ms).
std::vector<Spike> poisson(std::uint64_t neurons, double rate, double duration_ms,
                           std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> gap(rate * 1e-3);
    std::vector<Spike> out;
    for (std::uint64_t i = 0; i < neurons; ++i)
        for (double t = gap(rng); t < duration_ms - kDt; t += gap(rng))
            out.push_back({on_grid(t), i});
    return out;
}

SpikeMetrics analyse(std::vector<Spike> spikes, std::uint64_t neurons, double duration_ms,
                     SpikeStatsOptions o = {}) {
    std::stable_sort(spikes.begin(), spikes.end(),
                     [](const Spike& a, const Spike& b) { return a.t < b.t; });
    o.t_from = 0;
    o.t_to = duration_ms;
    o.half_step = kDt / 2;
    SpikeTrainStats s(neurons, o);
    for (const auto& sp : spikes) s.add(sp.t, sp.id);
    return s.finish();
}

} // namespace

TEST_CASE("statistics: hand-computed values", "[analysis]") {
    const std::vector<double> a{1, 2, 3}, b{2, 4, 6}, c{3, 2, 1}, counts{1, 3};
    CHECK(mean(a) == 2);
    CHECK(variance(a) == 1);
    CHECK(coefficient_of_variation(a) == Approx(0.5));
    CHECK(fano_factor(counts) == Approx(1.0)); // mean 2, variance 2
    CHECK(pearson(a, b) == Approx(1.0));
    CHECK(pearson(a, c) == Approx(-1.0));
    CHECK(quantile({4, 1, 3, 2}, 0.5) == Approx(2.5));
    CHECK(quantile({4, 1, 3, 2}, 0.0) == 1);
    CHECK(quantile({4, 1, 3, 2}, 1.0) == 4);
    CHECK(std::isnan(coefficient_of_variation(std::vector<double>{5})));
    // Two identical units and one in antiphase: the mean signal is flat.
    CHECK(synchrony_chi({{0, 1, 0, 1}, {0, 1, 0, 1}}) == Approx(1.0));
    CHECK(synchrony_chi({{0, 1, 0, 1}, {1, 0, 1, 0}}) == Approx(0.0).margin(1e-12));
    // A(t+1) = 0.5 A(t) + 1 exactly, from A(0) = 10.
    std::vector<double> activity{10};
    for (int k = 0; k < 10; ++k) activity.push_back(0.5 * activity.back() + 1);
    CHECK(branching_ratio(activity) == Approx(0.5));
}

TEST_CASE("regular trains: CV 0, Fano 0, exact rate", "[analysis]") {
    // 10 neurons at 20 Hz (period 50 ms, phases 0.1, 5.1, ..., 45.1 ms) for 10 s: two spikes in
    // every 100 ms bin, so the counts never vary.
    std::vector<Spike> spikes;
    for (std::uint64_t i = 0; i < 10; ++i)
        for (double t = 0.1 + 5.0 * static_cast<double>(i); t < 10000; t += 50)
            spikes.push_back({std::round(t / kDt) * kDt, i});
    const SpikeMetrics m = analyse(spikes, 10, 10000);
    CHECK(m.spikes == 2000);
    CHECK(m.rate_mean == Approx(20.0));
    CHECK(m.rate_p05 == Approx(20.0));
    CHECK(m.rate_p95 == Approx(20.0));
    CHECK(m.cv_isi_mean == Approx(0.0).margin(1e-9));
    CHECK(m.cv_neurons == 10);
    CHECK(m.fano_mean == Approx(0.0).margin(1e-12));
    CHECK(m.correlation_pairs == 0); // constant counts: no correlation is defined
}

TEST_CASE("Poisson trains: CV 1, Fano 1, no correlation, chi 1/sqrt(N)", "[analysis]") {
    // 100 neurons at 20 Hz for 100 s: ~2000 ISIs and 1000 count bins (mean 2) per neuron.
    // Per neuron SE(CV) ~ 1/sqrt(2000) = 0.022 and SE(Fano) = sqrt(1/(2*1000) + 2/999) = 0.05;
    // over 100 neurons the means have SE 0.0022 and 0.005. Tolerances are 5-9 SE.
    const SpikeMetrics m = analyse(poisson(100, 20, 100000, 7), 100, 100000);
    CHECK(m.rate_mean == Approx(20.0).margin(0.05)); // SE 0.0045 Hz
    CHECK(m.cv_isi_mean == Approx(1.0).margin(0.02));
    CHECK(m.fano_mean == Approx(1.0).margin(0.025));
    CHECK(m.fano_neurons == 100);
    // 200 pairs of independent counts over 1000 bins: SE of the mean r = 1/sqrt(1000*200).
    CHECK(m.correlation_pairs == 200);
    CHECK(m.correlation_mean == Approx(0.0).margin(0.01));
    // Independent units: E[chi^2] = 1/N = 0.01.
    CHECK(m.synchrony_chi == Approx(0.1).margin(0.02));
    // No coupling: the branching ratio of 4 ms activity is 0 (SE 1/sqrt(25000) = 0.006).
    CHECK(m.branching_ratio == Approx(0.0).margin(0.03));
}

TEST_CASE("shared-input trains have the constructed count correlation", "[analysis]") {
    // Each neuron fires its own Poisson train at (1 - c) r plus a train at c r shared by all:
    // the count covariance of two neurons is the shared variance c r T, each variance r T, so
    // the correlation is c in any bin. 500 s, 5000 bins: SE per pair (1 - c^2)/sqrt(5000) = 0.014.
    const double c = 0.2, r = 10, duration = 500000;
    auto spikes = poisson(20, (1 - c) * r, duration, 11);
    for (const auto& s : poisson(1, c * r, duration, 12))
        for (std::uint64_t i = 0; i < 20; ++i) spikes.push_back({s.t, i});
    SpikeStatsOptions o;
    o.pairs = 190; // every pair of 20 neurons
    const SpikeMetrics m = analyse(spikes, 20, duration, o);
    CHECK(m.correlation_pairs == 190);
    CHECK(m.correlation_mean == Approx(c).margin(0.05));
    CHECK(m.fano_mean == Approx(1.0).margin(0.05)); // each neuron is still Poisson

    // The streaming chi equals Golomb's chi computed from the explicitly binned traces.
    const double bin = 5;
    std::vector<std::vector<double>> traces(20, std::vector<double>(std::size_t(duration / bin)));
    for (const auto& s : spikes) traces[s.id][std::size_t((s.t - kDt / 2) / bin)] += 1;
    CHECK(m.synchrony_chi == Approx(synchrony_chi(traces)).epsilon(1e-9));
}

TEST_CASE("identical trains: synchrony 1, correlation 1", "[analysis]") {
    std::vector<Spike> spikes;
    for (const auto& s : poisson(1, 15, 50000, 3))
        for (std::uint64_t i = 0; i < 30; ++i) spikes.push_back({s.t, i});
    const SpikeMetrics m = analyse(spikes, 30, 50000);
    CHECK(m.synchrony_chi == Approx(1.0).epsilon(1e-9));
    CHECK(m.correlation_mean == Approx(1.0).epsilon(1e-9));
}

TEST_CASE("spectrum peak of a rate-modulated population at its modulation", "[analysis]") {
    // 200 neurons at 20 (1 + 0.8 sin(2 pi 8 Hz t)) Hz for 20 s, by thinning a 36 Hz process.
    // Welch segments of 4096 ms resolve 0.244 Hz.
    std::mt19937_64 rng(5);
    std::exponential_distribution<double> gap(36e-3);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<Spike> spikes;
    for (std::uint64_t i = 0; i < 200; ++i)
        for (double t = gap(rng); t < 20000 - kDt; t += gap(rng))
            if (u(rng) < 20 * (1 + 0.8 * std::sin(2 * std::numbers::pi * 8e-3 * t)) / 36)
                spikes.push_back({on_grid(t), i});
    const SpikeMetrics m = analyse(spikes, 200, 20000);
    CHECK(m.peak_hz == Approx(8.0).margin(0.25));

    // welch_spectrum alone: a pure 50 Hz sine sampled every 1 ms peaks at 50 Hz.
    std::vector<double> sine(8192);
    for (std::size_t k = 0; k < sine.size(); ++k)
        sine[k] = std::sin(2 * std::numbers::pi * 50e-3 * static_cast<double>(k));
    CHECK(peak_frequency(welch_spectrum(sine, 1.0), 2) == Approx(50.0).margin(0.25));
}

TEST_CASE("branching ratio of a driven branching process", "[analysis]") {
    // A(t+1) ~ Poisson(m A(t) + h) in 4 ms bins, spread over 1000 neurons: the regression slope
    // estimates m with SE sqrt((1 - m^2)/bins) = 0.003 over 20000 bins.
    const double m_true = 0.9, h = 10;
    std::mt19937_64 rng(9);
    std::uniform_int_distribution<std::uint64_t> neuron(0, 999);
    std::uniform_int_distribution<int> step(0, 39);
    std::vector<Spike> spikes;
    double a = h / (1 - m_true);
    for (int bin = 0; bin < 20000; ++bin) {
        const int n = std::poisson_distribution<int>(m_true * a + h)(rng);
        for (int k = 0; k < n; ++k)
            spikes.push_back({4.0 * bin + kDt * (step(rng) + 1), neuron(rng)});
        a = n;
    }
    const SpikeMetrics m = analyse(spikes, 1000, 80000);
    CHECK(m.branching_ratio == Approx(m_true).margin(0.02));
}

TEST_CASE("spikes out of time order are refused", "[analysis]") {
    SpikeStatsOptions o;
    o.t_to = 100;
    SpikeTrainStats s(2, o);
    s.add(10, 0);
    CHECK_THROWS_WITH(s.add(5, 1), Catch::Contains("not sorted by time"));
    CHECK_THROWS_WITH(s.add(20, 2), Catch::Contains("node 2"));
}

TEST_CASE("Ca events: threshold crossings of a synthetic trace", "[analysis]") {
    // Baseline 0.1 uM sampled every 10 ms over 5 s, at 1.0 uM in [1000, 1500) ms and
    // [3000, 3200) ms, and a pulse to 0.8 uM from 4500 ms to the end.
    std::vector<double> t, v;
    for (int k = 0; k < 500; ++k) {
        const double time = 10.0 * k;
        t.push_back(time);
        v.push_back((time >= 1000 && time < 1500) || (time >= 3000 && time < 3200) ? 1.0
                    : time >= 4500                                                 ? 0.8
                                                                                   : 0.1);
    }
    const auto e = detect_events(t, v, 0.5);
    REQUIRE(e.size() == 3);
    CHECK(e[0].onset_ms == 1000);
    CHECK(e[0].duration_ms == 500);
    CHECK(e[0].amplitude == 1.0);
    CHECK(e[1].onset_ms == 3000);
    CHECK(e[1].duration_ms == 200);
    CHECK(e[2].onset_ms == 4500);
    CHECK(std::isnan(e[2].duration_ms)); // still going at the end
    CHECK(e[2].amplitude == Approx(0.8));
    const CaEventStats s = summarise_events({e, {}}, 5000);
    CHECK(s.events == 3);
    CHECK(s.rate_per_min == Approx(3.0 / 2 / (5000.0 / 60000))); // 18 per trace per minute
    CHECK(s.duration_mean_ms == Approx(350));
    CHECK(s.interval_mean_ms == Approx(1750)); // (2000 + 1500) / 2
    CHECK(s.amplitude_mean == Approx((1.0 + 1.0 + 0.8) / 3));

    // A trace that starts above threshold has no event until it has been below.
    CHECK(detect_events(std::vector<double>{0, 1, 2, 3}, std::vector<double>{1, 1, 0, 1}, 0.5)
              .size() == 1);
}

TEST_CASE("analyze_file: a written file read back in small blocks", "[analysis]") {
    // 4 regular neurons (10, 20, 30, 40 Hz) for 1 s and one Ca trace with one event, written by
    // the SONATA writer; the reader works 64 bytes at a time, i.e. across many hyperslabs.
    const auto path = std::filesystem::temp_directory_path() /
                      ("gliasim_analysis_" + std::to_string(getpid()) + ".h5");
    gliasim::RunMetadata meta;
    meta.experiment_toml = "[populations.n]\nsize = 5\nmodel = \"lif_curr_exp\"\n"
                           "[populations.a]\nsize = 1\nmodel = \"astrocyte_lr\"\n";
    meta.version = supported_format_version() + ".0";
    meta.dt = kDt;
    meta.duration = 1000;
    {
        gliasim::SonataWriter w(path.string(), meta);
        gliasim::RecordingLayout layout{kDt,
                                        1000,
                                        {{"n", "lif_curr_exp", 5, true}},
                                        {{"a", "Ca_astro", "uM", {0}, 10, 10, 100}}};
        w.open(layout);
        std::vector<Spike> spikes;
        for (std::uint64_t i = 0; i < 4; ++i)
            for (double t = 1; t <= 1000; t += 100.0 / double(i + 1)) spikes.push_back({t, i});
        std::stable_sort(spikes.begin(), spikes.end(),
                         [](const Spike& a, const Spike& b) { return a.t < b.t; });
        std::vector<double> times;
        std::vector<std::uint64_t> ids;
        for (const auto& s : spikes) times.push_back(s.t), ids.push_back(s.id);
        w.append_spikes(0, times, ids);
        std::vector<float> ca(100, 0.1f);
        for (int k = 30; k < 50; ++k) ca[std::size_t(k)] = 0.9f; // 310 .. 500 ms
        w.append_samples(0, ca, 100);
        meta.completed = true;
        w.close(meta);
    }
    AnalysisOptions o;
    o.block_bytes = 64;
    const FileAnalysis a = analyze_file(path.string(), o);
    REQUIRE(a.populations.size() == 1);
    const SpikeMetrics& m = a.populations[0].spikes;
    CHECK(a.completed);
    CHECK(m.neurons == 5); // from the stored experiment: neuron 4 is silent
    CHECK(m.active == 4);
    CHECK(m.spikes == 10 + 20 + 30 + 40);
    CHECK(m.rate_mean == Approx(100.0 / 5));
    CHECK(m.rate_median == Approx(20.0));
    REQUIRE(a.reports.size() == 1);
    const ReportMetrics& r = a.reports[0];
    CHECK(r.kind == ReportMetrics::Kind::calcium);
    CHECK(r.units == "uM");
    CHECK(r.samples == 100);
    CHECK(r.max == Approx(0.9));
    CHECK(r.ca.events == 1);
    CHECK(r.ca.duration_mean_ms == Approx(200));

    // A window: the second half holds half of each train and no Ca event.
    o.t_from = 500;
    const FileAnalysis half = analyze_file(path.string(), o);
    CHECK(half.populations[0].spikes.spikes == 50);
    CHECK(half.reports[0].ca.events == 0);

    o.t_from.reset();
    o.population = "missing";
    CHECK_THROWS_WITH(analyze_file(path.string(), o), Catch::Contains("'missing'"));
    std::filesystem::remove(path);
}

// --- Damaged files (issue 16, class 4 and 7) ---------------------------------------------------

namespace {

// A small completed result (gliasim::test::write_small_result) removed at the end of the test.
struct SmallResult {
    std::filesystem::path path;
    explicit SmallResult(const std::string& tag)
        : path(gliasim::test::write_small_result(tag, supported_format_version() + ".0")) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    }
    ~SmallResult() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    std::string name() const { return path.string(); }
};

} // namespace

TEST_CASE("analyze_file reads the small result it is tested against", "[analysis][hostile]") {
    SmallResult file("good");
    const FileAnalysis a = analyze_file(file.name(), {});
    REQUIRE(a.populations.size() == 1);
    CHECK(a.populations[0].spikes.spikes == 40);
    CHECK(a.populations[0].spikes.neurons == 5);
    REQUIRE(a.reports.size() == 1);
    CHECK(a.reports[0].nodes == 3);
}

TEST_CASE("analyze_file refuses a 2-D timestamps dataset (it overflowed a buffer)",
          "[analysis][hostile]") {
    SmallResult file("ts2d");
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/timestamps", H5T_IEEE_F64LE,
                                        {40, 8}, std::vector<double>(320, 5.0));
    AnalysisOptions o;
    o.block_bytes = 64;
    CHECK_THROWS_WITH(analyze_file(file.name(), o),
                      Catch::Contains("/spikes/n/timestamps: expected a 1-D float64 dataset, "
                                      "found a 2-D float64 dataset (40 x 8)"));
}

TEST_CASE("analyze_file refuses negative int64 node ids and NaN spike times",
          "[analysis][hostile]") {
    SmallResult file("ids");
    std::vector<double> ids(40, 2.0);
    ids[5] = -1;
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/node_ids", H5T_STD_I64LE, {40},
                                        ids);
    CHECK_THROWS_WITH(analyze_file(file.name(), {}),
                      Catch::Contains("/spikes/n/node_ids: value -1 at row 5 is negative"));
    ids[5] = 2;
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/node_ids", H5T_STD_I64LE, {40},
                                        ids);
    std::vector<double> t(40, 50.0);
    t[39] = std::nan("");
    gliasim::test::replace_with_doubles(file.name(), "/spikes/n/timestamps", H5T_IEEE_F64LE, {40},
                                        t);
    CHECK_THROWS_WITH(analyze_file(file.name(), {}), Catch::Contains("not a finite number"));
}

TEST_CASE("analyze_file bounds the bins a huge or NaN duration_ms would make",
          "[analysis][hostile]") {
    SmallResult file("duration");
    gliasim::test::set_metadata_double(file.name(), "duration_ms", 1e15);
    CHECK_THROWS_WITH(analyze_file(file.name(), {}),
                      Catch::Contains("population-rate bins of 1 ms, more than 5e+07"));
    // A window inside the run is still analysed.
    AnalysisOptions o;
    o.t_to = 100;
    CHECK(analyze_file(file.name(), o).populations.at(0).spikes.spikes == 40);
    gliasim::test::set_metadata_double(file.name(), "duration_ms", std::nan(""));
    CHECK_THROWS_WITH(analyze_file(file.name(), {}),
                      Catch::Contains("/metadata duration_ms = nan is not a finite time"));
}

TEST_CASE("analyze_file refuses a non-scalar /metadata/experiment and narrow report data",
          "[analysis][hostile]") {
    SmallResult file("experiment");
    gliasim::test::replace_with_doubles(file.name(), "/metadata/experiment", H5T_IEEE_F64LE, {3},
                                        {1, 2, 3});
    CHECK_THROWS_WITH(analyze_file(file.name(), {}),
                      Catch::Contains("/metadata/experiment: expected a scalar string dataset"));
    SmallResult narrow("narrow");
    gliasim::test::replace_with_doubles(narrow.name(), "/report/n/V_m/data", H5T_IEEE_F32LE,
                                        {100, 1}, std::vector<double>(100, 1.0));
    CHECK_THROWS_WITH(analyze_file(narrow.name(), {}),
                      Catch::Contains("3 node ids for 1 data columns"));
}
