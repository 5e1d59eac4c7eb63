// SPDX-License-Identifier: MIT
#include "metrics_decay.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace gliasim::tasks {

namespace {

struct Points {
    std::vector<double> x, y;
};

Points usable(std::span<const double> delays, std::span<const double> values) {
    if (delays.size() != values.size())
        throw std::invalid_argument("decay fit: delays and values differ in size");
    Points p;
    for (std::size_t i = 0; i < delays.size(); ++i) {
        if (std::isnan(values[i])) continue;
        if (!(delays[i] >= 0)) throw std::invalid_argument("decay fit: delays must be >= 0");
        p.x.push_back(delays[i]);
        p.y.push_back(values[i]);
    }
    return p;
}

// The best A (and b, unless fixed) for one tau, in closed form.
DecayFit solve_linear(const Points& p, double tau, std::optional<double> fixed) {
    const auto n = static_cast<double>(p.x.size());
    double se = 0, see = 0, sy = 0, sey = 0;
    for (std::size_t i = 0; i < p.x.size(); ++i) {
        const double e = std::exp(-p.x[i] / tau);
        se += e;
        see += e * e;
        sy += p.y[i];
        sey += e * p.y[i];
    }
    DecayFit f;
    f.tau = tau;
    if (fixed) {
        f.baseline = *fixed;
        f.amplitude = see > 0 ? (sey - f.baseline * se) / see : 0.0;
    } else {
        // Normal equations of y = b + A e: [n se; se see] [b; A] = [sy; sey].
        const double det = n * see - se * se;
        if (std::abs(det) <= 1e-300 * std::max(1.0, n * see)) {
            f.baseline = sy / n;
            f.amplitude = 0;
        } else {
            f.amplitude = (n * sey - se * sy) / det;
            f.baseline = (sy - f.amplitude * se) / n;
        }
    }
    for (std::size_t i = 0; i < p.x.size(); ++i) {
        const double r = p.y[i] - f.baseline - f.amplitude * std::exp(-p.x[i] / tau);
        f.rss += r * r;
    }
    return f;
}

DecayFit search_tau(const Points& p, std::optional<double> fixed) {
    const std::size_t needed = fixed ? 2 : 3;
    DecayFit failed;
    failed.tau = std::numeric_limits<double>::quiet_NaN();
    if (p.x.size() < needed) return failed;
    const double scale = std::max(1.0, *std::max_element(p.x.begin(), p.x.end()));
    const double lo = std::log(1e-3 * scale), hi = std::log(1e3 * scale);
    constexpr int grid = 400;
    const double step = (hi - lo) / (grid - 1);
    int best = 0;
    DecayFit best_fit = solve_linear(p, std::exp(lo), fixed);
    for (int i = 1; i < grid; ++i) {
        const DecayFit f = solve_linear(p, std::exp(lo + i * step), fixed);
        if (f.rss < best_fit.rss) {
            best_fit = f;
            best = i;
        }
    }
    const bool inside = best > 0 && best < grid - 1;
    if (inside) {
        // Golden section on log tau between the grid neighbours.
        const double phi = (std::sqrt(5.0) - 1) / 2;
        double a = lo + (best - 1) * step, b = lo + (best + 1) * step;
        double c = b - phi * (b - a), d = a + phi * (b - a);
        DecayFit fc = solve_linear(p, std::exp(c), fixed), fd = solve_linear(p, std::exp(d), fixed);
        for (int it = 0; it < 100 && b - a > 1e-12; ++it) {
            if (fc.rss <= fd.rss) {
                b = d, d = c, fd = fc;
                c = b - phi * (b - a);
                fc = solve_linear(p, std::exp(c), fixed);
            } else {
                a = c, c = d, fc = fd;
                d = a + phi * (b - a);
                fd = solve_linear(p, std::exp(d), fixed);
            }
        }
        const DecayFit& refined = fc.rss <= fd.rss ? fc : fd;
        if (refined.rss <= best_fit.rss) best_fit = refined;
    }
    best_fit.resolved = inside && best_fit.amplitude > 0;
    return best_fit;
}

} // namespace

DecayFit fit_exponential_decay(std::span<const double> delays, std::span<const double> values,
                               double fixed_baseline) {
    return search_tau(usable(delays, values), fixed_baseline);
}

DecayFit fit_exponential_decay_free_baseline(std::span<const double> delays,
                                             std::span<const double> values) {
    return search_tau(usable(delays, values), std::nullopt);
}

double memory_tau(std::span<const double> delays, std::span<const double> values, double chance) {
    const DecayFit f = fit_exponential_decay(delays, values, chance);
    return f.resolved ? f.tau : std::numeric_limits<double>::quiet_NaN();
}

} // namespace gliasim::tasks
