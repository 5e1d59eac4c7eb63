// SPDX-License-Identifier: MIT
#include "statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gliasim::analysis {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

double RunningMoments::mean() const {
    return n_ ? mean_ : kNaN;
}

double RunningMoments::variance() const {
    return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : kNaN;
}

double mean(std::span<const double> x) {
    RunningMoments m;
    for (double v : x) m.add(v);
    return m.mean();
}

double variance(std::span<const double> x) {
    RunningMoments m;
    for (double v : x) m.add(v);
    return m.variance();
}

double coefficient_of_variation(std::span<const double> x) {
    RunningMoments m;
    for (double v : x) m.add(v);
    return m.mean() > 0 ? std::sqrt(m.variance()) / m.mean() : kNaN;
}

double fano_factor(std::span<const double> counts) {
    RunningMoments m;
    for (double v : counts) m.add(v);
    return m.mean() > 0 ? m.variance() / m.mean() : kNaN;
}

double pearson(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size() || a.size() < 2) return kNaN;
    const double ma = mean(a), mb = mean(b);
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : kNaN;
}

double quantile(std::vector<double> x, double q) {
    if (x.empty()) return kNaN;
    std::sort(x.begin(), x.end());
    const double pos = q * static_cast<double>(x.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, x.size() - 1);
    return x[lo] + (pos - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

double synchrony_chi(const std::vector<std::vector<double>>& traces) {
    if (traces.empty()) return kNaN;
    const std::size_t len = traces.front().size();
    std::vector<double> population(len, 0.0);
    double individual = 0;
    std::size_t units = 0;
    for (const auto& t : traces) {
        const double v = variance(t);
        if (!(v > 0)) continue;
        individual += v;
        ++units;
        for (std::size_t k = 0; k < len; ++k) population[k] += t[k];
    }
    if (units == 0) return kNaN;
    for (double& p : population) p /= static_cast<double>(units);
    return std::sqrt(variance(population) / (individual / static_cast<double>(units)));
}

double branching_ratio(std::span<const double> activity) {
    if (activity.size() < 3) return kNaN;
    const auto from = activity.first(activity.size() - 1);
    const auto to = activity.subspan(1);
    const double mf = mean(from), mt = mean(to);
    double sft = 0, sff = 0;
    for (std::size_t i = 0; i < from.size(); ++i) {
        sft += (from[i] - mf) * (to[i] - mt);
        sff += (from[i] - mf) * (from[i] - mf);
    }
    return sff > 0 ? sft / sff : kNaN;
}

} // namespace gliasim::analysis
