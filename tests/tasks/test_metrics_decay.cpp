// SPDX-License-Identifier: MIT
// The memory time constant (tasks/metrics_decay.hpp): least-squares fits of b + A exp(-D / tau)
// to synthetic curves whose tau is known, with the baseline fixed at chance or free.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "tasks/metrics_decay.hpp"

using namespace gliasim::tasks;

namespace {

std::vector<double> curve(const std::vector<double>& delays, double b, double A, double tau) {
    std::vector<double> y;
    for (double d : delays) y.push_back(b + A * std::exp(-d / tau));
    return y;
}

// A fixed, sign-alternating perturbation of relative size `size` of the amplitude.
std::vector<double> perturbed(std::vector<double> y, double size) {
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += (i % 2 ? -size : size) / (1.0 + i);
    return y;
}

} // namespace

TEST_CASE("decay fit: the baseline fixed at chance recovers tau within 2 %", "[metrics]") {
    // The DMS delays in seconds and the recall delays in items.
    const std::vector<std::vector<double>> grids = {{0.25, 0.5, 1, 2, 4, 8}, {0, 1, 2, 3, 4, 6}};
    for (const auto& D : grids)
        for (double tau : {0.4, 1.0, 2.5, 6.0}) {
            INFO("tau " << tau << ", last delay " << D.back());
            const DecayFit exact = fit_exponential_decay(D, curve(D, 0.125, 0.8, tau), 0.125);
            REQUIRE(exact.resolved);
            CHECK(exact.tau == Approx(tau).epsilon(1e-6));
            CHECK(exact.amplitude == Approx(0.8).epsilon(1e-6));
            CHECK(exact.rss < 1e-20);
            // Noise of 0.2 % of the amplitude moves tau by well under 2 %.
            const DecayFit noisy =
                fit_exponential_decay(D, perturbed(curve(D, 0.125, 0.8, tau), 0.0016), 0.125);
            CHECK(noisy.tau == Approx(tau).epsilon(0.02));
            CHECK(memory_tau(D, curve(D, 0.5, 0.45, tau), 0.5) == Approx(tau).epsilon(1e-6));
        }
}

TEST_CASE("decay fit: a free baseline is fitted with tau", "[metrics]") {
    const std::vector<double> D = {1, 2, 3, 4, 5, 6, 8, 10, 12, 16};
    for (double tau : {0.8, 3.0, 5.0}) {
        const DecayFit f = fit_exponential_decay_free_baseline(D, curve(D, 0.07, 0.9, tau));
        REQUIRE(f.resolved);
        CHECK(f.tau == Approx(tau).epsilon(1e-5));
        CHECK(f.baseline == Approx(0.07).epsilon(1e-5));
        CHECK(f.amplitude == Approx(0.9).epsilon(1e-5));
    }
    // Three points are the least for three parameters.
    CHECK_FALSE(fit_exponential_decay_free_baseline(std::vector<double>{1, 2},
                                                    std::vector<double>{0.9, 0.5})
                    .resolved);
}

TEST_CASE("decay fit: curves without a measurable decay give no tau", "[metrics]") {
    const std::vector<double> D = {1, 2, 3, 4, 5};
    // At chance everywhere: no amplitude.
    CHECK(std::isnan(memory_tau(D, std::vector<double>{0.125, 0.125, 0.125, 0.125, 0.125}, 0.125)));
    // Below chance: a negative amplitude is no memory.
    CHECK(std::isnan(memory_tau(D, std::vector<double>{0.1, 0.11, 0.12, 0.12, 0.125}, 0.125)));
    // Flat well above chance: tau runs to the upper end of the search.
    CHECK(std::isnan(memory_tau(D, std::vector<double>{0.9, 0.9, 0.9, 0.9, 0.9}, 0.125)));
    // One point is not a curve.
    CHECK(std::isnan(memory_tau(std::vector<double>{1}, std::vector<double>{0.9}, 0.125)));
}

TEST_CASE("decay fit: NaN points (a delay without test items) are skipped", "[metrics]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> D = {1, 2, 3, 5, 8};
    std::vector<double> y = curve(D, 0.2, 0.7, 2.0);
    y[2] = nan;
    CHECK(memory_tau(D, y, 0.2) == Approx(2.0).epsilon(1e-6));
    CHECK_THROWS_AS(memory_tau(D, std::vector<double>{1, 2}, 0.2), std::invalid_argument);
}
