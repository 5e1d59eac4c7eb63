// SPDX-License-Identifier: MIT
#include "spike_train_stats.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>

#include "spectrum.hpp"

namespace gliasim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t whole_bins(double length, double width) {
    return width > 0 ? static_cast<std::int64_t>(std::floor(length / width + 1e-9)) : 0;
}

double mean_of(const std::vector<double>& v) {
    return v.empty() ? kNaN : mean(v);
}

} // namespace

SpikeTrainStats::SpikeTrainStats(std::uint64_t neurons, const SpikeStatsOptions& o)
    : n_(neurons), o_(o), spikes_(neurons, 0), last_(neurons, kNaN), isi_(neurons) {
    if (!(o_.t_to > o_.t_from) || !std::isfinite(o_.t_to - o_.t_from))
        throw std::invalid_argument(
            fmt::format("empty analysis window [{:g}, {:g}) ms", o_.t_from, o_.t_to));
    init_bins(counts_, o_.count_bin_ms);
    init_bins(sync_, o_.sync_bin_ms);
    rate_.assign(static_cast<std::size_t>(whole_bins(o_.t_to - o_.t_from, o_.rate_bin_ms)), 0.0);

    // A fixed-seed sample of distinct pairs; mt19937_64's output is the same on every platform.
    const std::uint64_t possible = n_ * (n_ > 0 ? n_ - 1 : 0) / 2;
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(o_.pairs, possible));
    std::mt19937_64 rng(o_.seed);
    std::set<std::pair<std::uint64_t, std::uint64_t>> chosen;
    while (chosen.size() < want) {
        const std::uint64_t a = rng() % n_, b = rng() % n_;
        if (a != b) chosen.emplace(std::min(a, b), std::max(a, b));
    }
    pairs_.assign(chosen.begin(), chosen.end());
    pair_products_.assign(pairs_.size(), 0.0);
}

void SpikeTrainStats::init_bins(Bins& b, double width) const {
    b.width = width;
    b.full = whole_bins(o_.t_to - o_.t_from, width);
    b.count.assign(n_, 0);
    b.sum.assign(n_, 0.0);
    b.sum_sq.assign(n_, 0.0);
}

void SpikeTrainStats::close_bins_before(Bins& b, std::int64_t bin, bool pairs) {
    while (b.current < bin && b.current < b.full) {
        double total = 0;
        if (pairs)
            for (std::size_t p = 0; p < pairs_.size(); ++p)
                pair_products_[p] +=
                    double(b.count[pairs_[p].first]) * double(b.count[pairs_[p].second]);
        for (const auto i : b.touched) {
            const double c = b.count[i];
            b.sum[i] += c;
            b.sum_sq[i] += c * c;
            total += c;
            b.count[i] = 0;
        }
        b.touched.clear();
        b.population.add(total);
        ++b.current;
    }
}

void SpikeTrainStats::count(Bins& b, std::int64_t bin, std::uint64_t id, bool pairs) {
    close_bins_before(b, bin, pairs);
    if (bin >= b.full) return; // the partial bin at the end of the window
    if (b.count[id]++ == 0) b.touched.push_back(static_cast<std::uint32_t>(id));
}

void SpikeTrainStats::add(double t_ms, std::uint64_t id) {
    // NaN would pass the order check below (every comparison with it is false).
    if (!std::isfinite(t_ms))
        throw std::runtime_error(
            fmt::format("spike of node {} at {} ms: not a finite time", id, t_ms));
    if (id >= n_)
        throw std::runtime_error(
            fmt::format("spike of node {} at {:g} ms: the population has {} nodes", id, t_ms, n_));
    if (t_ms < last_time_)
        throw std::runtime_error(
            fmt::format("spikes are not sorted by time ({:g} ms after {:g} ms)", t_ms, last_time_));
    last_time_ = t_ms;
    const double s = t_ms - o_.half_step - o_.t_from;
    if (s < 0 || t_ms - o_.half_step >= o_.t_to) return;
    ++spikes_[id];
    if (!std::isnan(last_[id])) isi_[id].add(t_ms - last_[id]);
    last_[id] = t_ms;
    count(counts_, static_cast<std::int64_t>(std::floor(s / counts_.width)), id, true);
    count(sync_, static_cast<std::int64_t>(std::floor(s / sync_.width)), id, false);
    const auto r = static_cast<std::size_t>(std::floor(s / o_.rate_bin_ms));
    if (r < rate_.size()) rate_[r] += 1;
}

SpikeMetrics SpikeTrainStats::finish() {
    close_bins_before(counts_, counts_.full, true);
    close_bins_before(sync_, sync_.full, false);
    SpikeMetrics m;
    m.neurons = n_;
    m.window_ms = o_.t_to - o_.t_from;
    const double seconds = m.window_ms * 1e-3;

    std::vector<double> rates(n_), cvs, fanos;
    const double nb = static_cast<double>(counts_.full);
    for (std::uint64_t i = 0; i < n_; ++i) {
        m.spikes += spikes_[i];
        m.active += spikes_[i] > 0;
        rates[i] = static_cast<double>(spikes_[i]) / seconds;
        if (isi_[i].count() >= o_.min_intervals && isi_[i].mean() > 0)
            cvs.push_back(std::sqrt(isi_[i].variance()) / isi_[i].mean());
        if (nb >= 2 && counts_.sum[i] > 0) {
            const double mu = counts_.sum[i] / nb;
            const double var = (counts_.sum_sq[i] - nb * mu * mu) / (nb - 1);
            fanos.push_back(var / mu);
        }
    }
    m.rate_mean = mean_of(rates);
    m.rate_p05 = quantile(rates, 0.05);
    m.rate_p25 = quantile(rates, 0.25);
    m.rate_median = quantile(rates, 0.5);
    m.rate_p75 = quantile(rates, 0.75);
    m.rate_p95 = quantile(rates, 0.95);
    m.cv_isi_mean = mean_of(cvs);
    m.cv_isi_median = quantile(cvs, 0.5);
    m.cv_neurons = cvs.size();
    m.fano_mean = mean_of(fanos);
    m.fano_neurons = fanos.size();

    std::vector<double> correlations;
    auto var_of = [&](std::uint64_t i) {
        return counts_.sum_sq[i] - counts_.sum[i] * counts_.sum[i] / nb;
    };
    for (std::size_t p = 0; p < pairs_.size() && nb >= 2; ++p) {
        const auto [a, b] = pairs_[p];
        const double va = var_of(a), vb = var_of(b);
        if (va > 1e-12 && vb > 1e-12)
            correlations.push_back((pair_products_[p] - counts_.sum[a] * counts_.sum[b] / nb) /
                                   std::sqrt(va * vb));
    }
    m.correlation_mean = mean_of(correlations);
    m.correlation_pairs = correlations.size();

    // chi over the neurons whose binned counts vary; silent ones add nothing to the population
    // sum, so the mean over varying neurons is the sum divided by their number.
    const double ns = static_cast<double>(sync_.full);
    double individual = 0;
    std::uint64_t varying = 0;
    for (std::uint64_t i = 0; i < n_ && ns >= 2; ++i) {
        const double v = (sync_.sum_sq[i] - sync_.sum[i] * sync_.sum[i] / ns) / (ns - 1);
        if (v > 1e-12) individual += v, ++varying;
    }
    m.synchrony_chi =
        varying ? std::sqrt(sync_.population.variance() / (double(varying) * double(varying)) /
                            (individual / double(varying)))
                : kNaN;

    m.peak_hz = peak_frequency(welch_spectrum(rate_, o_.rate_bin_ms), o_.spectrum_min_hz);
    const auto group =
        static_cast<std::size_t>(std::max(1.0, std::round(o_.branching_bin_ms / o_.rate_bin_ms)));
    std::vector<double> activity(rate_.size() / group, 0.0);
    for (std::size_t k = 0; k < activity.size() * group; ++k) activity[k / group] += rate_[k];
    m.branching_ratio = branching_ratio(activity);
    return m;
}

} // namespace gliasim::analysis
