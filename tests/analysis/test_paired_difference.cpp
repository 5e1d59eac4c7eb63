// SPDX-License-Identifier: MIT
// Paired differences over seeds (analysis/paired_difference.hpp) against values computed by hand:
// the mean, the t interval (t quantiles from tables) and the sign-flip p-value by counting sign
// patterns.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "analysis/paired_difference.hpp"

using namespace gliasim::analysis;

TEST_CASE("t quantiles match the tables", "[analysis]") {
    CHECK(student_t_quantile(0.975, 1) == Approx(12.7062).epsilon(1e-5));
    CHECK(student_t_quantile(0.975, 4) == Approx(2.7764).epsilon(1e-4));
    CHECK(student_t_quantile(0.975, 9) == Approx(2.2622).epsilon(1e-4));
    CHECK(student_t_quantile(0.025, 4) == Approx(-2.7764).epsilon(1e-4));
    CHECK_THROWS_AS(student_t_quantile(1.0, 4), std::invalid_argument);
}

TEST_CASE("paired difference of five seeds, by hand", "[analysis]") {
    // d = b - a = 1, 2, 0, 3, 1: mean 7/5, squared deviations sum to 5.2, s^2 = 1.3;
    // half width t(0.975, 4) sqrt(1.3 / 5) = 2.776445 * 0.509902 = 1.415715.
    const std::vector<double> a = {1, 2, 3, 4, 5}, b = {2, 4, 3, 7, 6};
    const PairedDifference r = paired_difference(a, b);
    CHECK(r.n == 5);
    CHECK(r.mean == Approx(1.4));
    CHECK(r.sd == Approx(std::sqrt(1.3)));
    CHECK(r.ci_low == Approx(1.4 - 1.415715).margin(2e-6));
    CHECK(r.ci_high == Approx(1.4 + 1.415715).margin(2e-6));
    // Signs of the non-zero 1, 2, 3, 1: only all-plus and all-minus reach |sum| 7: 2 of 16
    // (the zero's sign doubles both counts).
    CHECK(r.exact);
    CHECK(r.p_value == Approx(0.125));
    // Swapping the conditions flips the sign, not the p-value.
    const PairedDifference s = paired_difference(b, a);
    CHECK(s.mean == Approx(-1.4));
    CHECK(s.ci_high == Approx(-r.ci_low));
    CHECK(s.p_value == r.p_value);
}

TEST_CASE("sign-flip p-values: counted patterns, ties, and the floor 2 / 2^n", "[analysis]") {
    // Six positive differences: only the two uniform patterns reach the observed |sum|.
    const std::vector<double> six = {0.5, 1.0, 1.5, 2.0, 2.5, 3.0};
    CHECK(sign_flip_p_value(six) == Approx(2.0 / 64));
    // 3, -1, 1, 1 (sum 4): the sums of +-3 +-1 +-1 +-1 with |sum| >= 4 are 6, 4 (three ways)
    // and their negatives: 8 of 16.
    CHECK(sign_flip_p_value(std::vector<double>{3, -1, 1, 1}) == Approx(8.0 / 16));
    // No difference at all: every pattern ties, p = 1.
    CHECK(sign_flip_p_value(std::vector<double>{0, 0, 0}) == 1.0);
    // One pair: both patterns reach it, p = 1; the interval is undefined.
    const PairedDifference one = paired_difference(std::vector<double>{1}, std::vector<double>{3});
    CHECK(one.mean == 2.0);
    CHECK(one.p_value == 1.0);
    CHECK(std::isnan(one.ci_low));
    CHECK_THROWS_AS(paired_difference(std::vector<double>{1, 2}, std::vector<double>{1}),
                    std::invalid_argument);
}

TEST_CASE("sign-flip p-values beyond 20 seeds are drawn, reproducibly", "[analysis]") {
    std::vector<double> d(25, 1.0);
    bool exact = true;
    const double p = sign_flip_p_value(d, &exact);
    CHECK_FALSE(exact);
    CHECK(p == Approx(1.0 / 100001)); // no random pattern reaches the all-plus sum
    CHECK(sign_flip_p_value(d) == p);
    // Alternating signs, sum -1: a sum of 25 odd terms +-1 is odd, so every pattern reaches
    // |sum| >= 1: p = 1.
    for (std::size_t i = 0; i < d.size(); i += 2) d[i] = -1.0;
    CHECK(sign_flip_p_value(d) == 1.0);
}
