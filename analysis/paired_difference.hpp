// SPDX-License-Identifier: MIT
#pragma once

// Paired differences between two conditions measured on the same seeds (gliasim compare): per
// seed d_i = b_i - a_i, then
//   - the mean difference and its 95 % confidence interval, mean +- t(0.975, n - 1) s / sqrt(n)
//     (s the sample standard deviation of the d_i; Student's t, so it assumes roughly normal
//     differences and is exact for them);
//   - a two-sided sign-flip permutation test of "no difference": under the null each d_i is as
//     likely to have come out as -d_i, so p is the fraction of the 2^n sign patterns whose
//     |mean| is at least the observed one (the observed pattern included). It assumes only that
//     the differences are symmetric about 0. Exact up to n = 20 seeds; beyond, 100000 random
//     patterns from a fixed seed, p = (1 + hits) / (1 + draws). With n seeds p cannot fall below
//     2 / 2^n: 0.0625 for 5 seeds, 0.00195 for 10.

#include <cstddef>
#include <span>

namespace gliasim::analysis {

struct PairedDifference {
    std::size_t n = 0;
    double mean = 0;                // mean of b - a
    double sd = 0;                  // sample standard deviation of b - a (0 for n = 1)
    double ci_low = 0, ci_high = 0; // 95 % t interval (NaN for n = 1)
    double p_value = 1;             // two-sided sign-flip permutation test
    bool exact = true;              // every sign pattern enumerated
};

// a and b: equally long, >= 1 pair. Throws std::invalid_argument otherwise.
PairedDifference paired_difference(std::span<const double> a, std::span<const double> b);

// Student's t quantile: P(T <= q) = probability for `dof` degrees of freedom (> 0).
double student_t_quantile(double probability, double dof);

// The sign-flip p-value of the differences alone (see above).
double sign_flip_p_value(std::span<const double> differences, bool* exact = nullptr);

} // namespace gliasim::analysis
