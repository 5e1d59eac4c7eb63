// SPDX-License-Identifier: MIT
#include "paired_difference.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace gliasim::analysis {

namespace {

constexpr std::size_t exact_limit = 20;
constexpr std::uint64_t random_patterns = 100000;

// |sum of signed d| for the sign pattern in the low bits of `signs` (bit i set: -d_i).
double flipped_sum(std::span<const double> d, std::uint64_t signs) {
    double sum = 0;
    for (std::size_t i = 0; i < d.size(); ++i) sum += (signs >> i & 1u) ? -d[i] : d[i];
    return std::abs(sum);
}

} // namespace

double student_t_quantile(double probability, double dof) {
    if (!(dof > 0) || !(probability > 0 && probability < 1))
        throw std::invalid_argument("t quantile: needs dof > 0 and 0 < probability < 1");
    return boost::math::quantile(boost::math::students_t_distribution<double>(dof), probability);
}

double sign_flip_p_value(std::span<const double> d, bool* exact) {
    if (d.empty()) throw std::invalid_argument("sign-flip test: no differences");
    double observed = 0, scale = 0;
    for (double x : d) observed += x, scale += std::abs(x);
    observed = std::abs(observed);
    // Sums equal to the observed one up to rounding count as "at least as large".
    const double tolerance = 1e-12 * scale;
    std::uint64_t hits = 0, draws = 0;
    if (d.size() <= exact_limit) {
        draws = std::uint64_t{1} << d.size();
        for (std::uint64_t s = 0; s < draws; ++s) hits += flipped_sum(d, s) >= observed - tolerance;
        if (exact) *exact = true;
        return static_cast<double>(hits) / static_cast<double>(draws);
    }
    std::mt19937_64 rng(20261207);
    std::vector<double> chunk(64);
    for (; draws < random_patterns; ++draws) {
        double sum = 0;
        for (std::size_t i = 0; i < d.size(); i += 64) {
            const std::uint64_t bits = rng();
            for (std::size_t j = i; j < d.size() && j < i + 64; ++j)
                sum += (bits >> (j - i) & 1u) ? -d[j] : d[j];
        }
        hits += std::abs(sum) >= observed - tolerance;
    }
    if (exact) *exact = false;
    return static_cast<double>(1 + hits) / static_cast<double>(1 + draws);
}

PairedDifference paired_difference(std::span<const double> a, std::span<const double> b) {
    if (a.size() != b.size()) throw std::invalid_argument("paired difference: sizes differ");
    if (a.empty()) throw std::invalid_argument("paired difference: no pairs");
    std::vector<double> d(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) d[i] = b[i] - a[i];
    PairedDifference r;
    r.n = d.size();
    for (double x : d) r.mean += x;
    r.mean /= static_cast<double>(r.n);
    if (r.n < 2) {
        r.ci_low = r.ci_high = std::numeric_limits<double>::quiet_NaN();
    } else {
        double ss = 0;
        for (double x : d) ss += (x - r.mean) * (x - r.mean);
        r.sd = std::sqrt(ss / static_cast<double>(r.n - 1));
        const double half = student_t_quantile(0.975, static_cast<double>(r.n - 1)) * r.sd /
                            std::sqrt(static_cast<double>(r.n));
        r.ci_low = r.mean - half;
        r.ci_high = r.mean + half;
    }
    r.p_value = sign_flip_p_value(d, &r.exact);
    return r;
}

} // namespace gliasim::analysis
