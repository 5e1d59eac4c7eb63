// SPDX-License-Identifier: MIT
#pragma once

// Small statistics used by the spike and report metrics. Every function returns NaN when its
// answer is undefined (too few values, zero variance in a denominator).

#include <cstdint>
#include <span>
#include <vector>

namespace gliasim::analysis {

// Mean and variance in one pass (Welford), numerically stable for long streams.
class RunningMoments {
public:
    void add(double x) {
        ++n_;
        const double d = x - mean_;
        mean_ += d / static_cast<double>(n_);
        m2_ += d * (x - mean_);
    }
    std::uint64_t count() const { return n_; }
    double mean() const;
    double variance() const; // sample variance (n - 1); NaN below two values

private:
    std::uint64_t n_ = 0;
    double mean_ = 0, m2_ = 0;
};

double mean(std::span<const double> x);
// Sample variance (n - 1 in the denominator).
double variance(std::span<const double> x);
// Coefficient of variation sd / mean (sample sd), e.g. of inter-spike intervals.
double coefficient_of_variation(std::span<const double> x);
// Fano factor variance / mean, e.g. of spike counts in equal bins.
double fano_factor(std::span<const double> counts);
double pearson(std::span<const double> a, std::span<const double> b);
// Quantile q in [0, 1] by linear interpolation between order statistics (numpy's default).
double quantile(std::vector<double> x, double q);

// Golomb's synchrony measure chi (Golomb & Rinzel 1993; Golomb 2007): the variance over time of
// the population-mean signal divided by the mean over units of each unit's variance, square
// rooted. 1 for identical signals, about 1/sqrt(N) for N independent ones. `traces` holds one
// row per unit, all of the same length; units with zero variance are left out.
double synchrony_chi(const std::vector<std::vector<double>>& traces);

// Branching ratio of population activity: the least-squares slope m of A(t+1) against A(t)
// (the "conventional" estimator for a driven branching process A(t+1) = m A(t) + h; Wilting &
// Priesemann 2018). NaN when A is constant or shorter than 3 bins.
double branching_ratio(std::span<const double> activity);

} // namespace gliasim::analysis
