// SPDX-License-Identifier: MIT
// Counter-based random streams (core/rng.hpp, core/philox_batch.hpp). Statistical checks use
// fixed seeds and bounds of five standard errors, so they are deterministic and not flaky.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/philox_batch.hpp"
#include "core/rng.hpp"

using namespace gliasim;

namespace {

std::vector<double> uniforms(RandomStream rs, std::size_t n) {
    std::vector<double> v(n);
    for (auto& x : v) x = rs.uniform();
    return v;
}

struct Moments {
    double mean;
    double var; // unbiased
    double m4;  // fourth central moment
};

template <typename T> Moments moments(const std::vector<T>& v) {
    double s = 0;
    for (auto x : v) s += static_cast<double>(x);
    const double n = static_cast<double>(v.size());
    const double mean = s / n;
    double s2 = 0, s4 = 0;
    for (auto x : v) {
        const double d = static_cast<double>(x) - mean;
        s2 += d * d;
        s4 += d * d * d * d;
    }
    return {mean, s2 / (n - 1), s4 / n};
}

// Poisson(lambda) cumulative distribution, summed independently of the code under test.
double poisson_cdf(double lambda, int k) {
    double s = 0;
    for (int i = 0; i <= k; ++i)
        s += std::exp(i * std::log(lambda) - lambda - std::lgamma(i + 1.0));
    return s;
}

} // namespace

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors", "[rng]") {
    // kat_vectors of Random123: counter (4 words), key (2 words) -> output (4 words).
    struct Kat {
        std::array<std::uint32_t, 4> ctr;
        std::array<std::uint32_t, 2> key;
        std::array<std::uint32_t, 4> out;
    };
    const Kat kats[] = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
         {0xffffffff, 0xffffffff},
         {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
         {0xa4093822, 0x299f31d0},
         {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };
    for (const auto& k : kats) {
        const std::uint64_t seed = k.key[0] | static_cast<std::uint64_t>(k.key[1]) << 32;
        const std::uint64_t counter = k.ctr[2] | static_cast<std::uint64_t>(k.ctr[3]) << 32;
        const auto block = philox_block(seed, k.ctr[0], k.ctr[1], counter);
        for (int w = 0; w < 4; ++w) CHECK(block.v[w] == k.out[w]);

        PhiloxBatch batch;
        philox_batch(seed, k.ctr[0], k.ctr[1], 1, counter, batch);
        for (int w = 0; w < 4; ++w) CHECK(batch.w[w][0] == k.out[w]);
    }
}

TEST_CASE("philox_batch gives exactly the words of philox_block", "[rng]") {
    PhiloxBatch batch;
    for (std::uint64_t seed : {0ULL, 1ULL, 0x123456789abcdefULL, ~0ULL}) {
        for (std::uint64_t counter : {0ULL, 7ULL, 0x1'0000'0003ULL}) {
            for (std::size_t n : {std::size_t{1}, std::size_t{5}, kPhiloxBatch}) {
                const std::uint32_t c0 = 0x06000003, first = 1000;
                philox_batch(seed, c0, first, n, counter, batch);
                for (std::size_t j = 0; j < n; ++j) {
                    const auto b =
                        philox_block(seed, c0, first + static_cast<std::uint32_t>(j), counter);
                    for (int w = 0; w < 4; ++w) REQUIRE(batch.w[w][j] == b.v[w]);
                }
            }
        }
    }
    // Entity numbers wrap around 2^32 like the 32-bit counter word they are.
    philox_batch(5, 1, 0xfffffffe, 4, 9, batch);
    for (std::uint32_t j = 0; j < 4; ++j) {
        const auto b = philox_block(5, 1, 0xfffffffe + j, 9);
        for (int w = 0; w < 4; ++w) CHECK(batch.w[w][j] == b.v[w]);
    }
}

TEST_CASE("RandomStream is reproducible and keyed by seed, stream, sub-stream and entity",
          "[rng]") {
    const std::size_t n = 64;
    const auto base = uniforms(RandomStream(42, Stream::test, 3, 17), n);
    CHECK(uniforms(RandomStream(42, Stream::test, 3, 17), n) == base);

    const std::vector<std::vector<double>> others = {
        uniforms(RandomStream(43, Stream::test, 3, 17), n),
        uniforms(RandomStream(42, Stream::weight, 3, 17), n),
        uniforms(RandomStream(42, Stream::test, 4, 17), n),
        uniforms(RandomStream(42, Stream::test, 3, 18), n),
        uniforms(RandomStream(42ULL | 1ULL << 40, Stream::test, 3, 17), n), // high seed word
    };
    for (const auto& o : others) {
        // Independent streams: not one of 64 values coincides (chance ~ 64 * 2^-53).
        for (std::size_t i = 0; i < n; ++i) CHECK(o[i] != base[i]);
    }

    // All draws of one stream are distinct (no short cycle).
    auto sorted = base;
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());
}

TEST_CASE("RandomStream: first_counter starts inside the same sequence", "[rng]") {
    // Each counter value gives one Philox block, i.e. two uniforms.
    RandomStream full(7, Stream::test, 0, 5);
    std::vector<double> seq = uniforms(full, 40);
    RandomStream late(7, Stream::test, 0, 5, 5);
    for (std::size_t i = 10; i < 40; ++i) CHECK(late.uniform() == seq[i]);
    CHECK(late.counter() == 20);

    RandomStream counted(7, Stream::test, 0, 5);
    for (int i = 0; i < 7; ++i) counted.uniform();
    CHECK(counted.counter() == 4); // ceil(7 / 2) blocks used
}

TEST_CASE("RandomStream::uniform is uniform on (0, 1)", "[rng][stats]") {
    const std::size_t n = 100000;
    const auto v = uniforms(RandomStream(2024, Stream::test, 0, 0), n);
    for (double x : v) {
        REQUIRE(x > 0.0);
        REQUIRE(x < 1.0);
    }
    const Moments m = moments(v);
    const double nn = static_cast<double>(n);
    // Standard errors: mean sqrt(1/12/n); variance sqrt((mu4 - sigma^4)/n), mu4 = 1/80.
    CHECK(std::abs(m.mean - 0.5) < 5 * std::sqrt(1.0 / 12.0 / nn));
    CHECK(std::abs(m.var - 1.0 / 12.0) < 5 * std::sqrt((1.0 / 80.0 - 1.0 / 144.0) / nn));

    // Chi-square over 100 equal bins: 99 degrees of freedom, mean 99, sd sqrt(198).
    std::vector<double> bins(100, 0.0);
    for (double x : v) bins[static_cast<std::size_t>(x * 100)] += 1;
    double chi2 = 0;
    const double expected = nn / 100;
    for (double b : bins) chi2 += (b - expected) * (b - expected) / expected;
    CHECK(chi2 < 99 + 5 * std::sqrt(198.0));
    CHECK(chi2 > 99 - 5 * std::sqrt(198.0));

    // Lag-1 serial correlation of consecutive draws, standard error 1/sqrt(n).
    double c = 0;
    for (std::size_t i = 0; i + 1 < n; ++i) c += (v[i] - 0.5) * (v[i + 1] - 0.5);
    c /= (nn - 1) / 12.0;
    CHECK(std::abs(c) < 5 / std::sqrt(nn));

    // uniform(lo, hi) is the affine map of the same draw.
    RandomStream a(2024, Stream::test, 0, 0);
    for (int i = 0; i < 10; ++i) CHECK(a.uniform(-3.0, 5.0) == Approx(-3.0 + 8.0 * v[i]));
}

TEST_CASE("u32_to_unit_open never returns 0 or 1", "[rng]") {
    // 52 bits (the top of hi:lo) map to cell midpoints (b + 0.5) 2^-52: the extremes are
    // 2^-53 and 1 - 2^-53, both exactly representable.
    CHECK(u32_to_unit_open(0, 0) == 0x1.0p-53);
    CHECK(u32_to_unit_open(0, 0xfffu) == 0x1.0p-53); // the 12 lowest bits are dropped
    CHECK(u32_to_unit_open(0xffffffffu, 0xffffffffu) == 1.0 - 0x1.0p-53);
    CHECK(u32_to_unit_open(0xffffffffu, 0xffffffffu) < 1.0);
    CHECK(u32_to_unit_open(0x80000000u, 0) == 0.5 + 0x1.0p-53);
}

TEST_CASE("RandomStream::below(n) is uniform over 0 .. n-1", "[rng][stats]") {
    RandomStream rs(11, Stream::test, 1, 2);
    const std::uint64_t k = 7;
    const std::size_t n = 70000;
    std::vector<double> counts(k, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = rs.below(k);
        REQUIRE(x < k);
        counts[x] += 1;
    }
    double chi2 = 0;
    const double e = static_cast<double>(n) / k;
    for (double c : counts) chi2 += (c - e) * (c - e) / e;
    CHECK(chi2 < 6 + 5 * std::sqrt(12.0)); // 6 degrees of freedom
    CHECK(rs.below(1) == 0);
}

TEST_CASE("RandomStream::normal has mean 0, variance 1 and normal tails", "[rng][stats]") {
    RandomStream rs(99, Stream::test, 0, 1);
    const std::size_t n = 100000;
    std::vector<double> v(n);
    for (auto& x : v) x = rs.normal();
    const Moments m = moments(v);
    const double nn = static_cast<double>(n);
    CHECK(std::abs(m.mean) < 5 / std::sqrt(nn));
    CHECK(std::abs(m.var - 1) < 5 * std::sqrt(2 / nn)); // Var(s^2) = 2 sigma^4 / n
    CHECK(std::abs(m.m4 - 3) < 5 * std::sqrt(96 / nn)); // Var(x^4) = 105 - 9 = 96
    // P(|x| > 2) = 0.0455003
    double tail = 0;
    for (double x : v) tail += std::abs(x) > 2 ? 1 : 0;
    const double p = 0.04550026389635842;
    CHECK(std::abs(tail - p * nn) < 5 * std::sqrt(nn * p * (1 - p)));
}

TEST_CASE("RandomStream::exponential has mean 1 and variance 1", "[rng][stats]") {
    RandomStream rs(5, Stream::test, 0, 1);
    const std::size_t n = 100000;
    std::vector<double> v(n);
    for (auto& x : v) {
        x = rs.exponential();
        REQUIRE(x >= 0);
    }
    const Moments m = moments(v);
    const double nn = static_cast<double>(n);
    CHECK(std::abs(m.mean - 1) < 5 / std::sqrt(nn));
    CHECK(std::abs(m.var - 1) < 5 * std::sqrt(8 / nn)); // mu4 = 9 for Exp(1)
}

TEST_CASE("RandomStream::poisson has mean = variance = lambda", "[rng][stats]") {
    const std::size_t n = 100000;
    const double nn = static_cast<double>(n);
    for (double lambda : {0.5, 3.0, 50.0, 95.5}) {
        INFO("lambda = " << lambda);
        RandomStream rs(1234, Stream::test, 0, static_cast<std::uint32_t>(lambda * 10));
        std::vector<std::uint32_t> v(n);
        for (auto& x : v) x = rs.poisson(lambda);
        const Moments m = moments(v);
        CHECK(std::abs(m.mean - lambda) < 5 * std::sqrt(lambda / nn));
        // Var(s^2) = (mu4 - sigma^4) / n with mu4 = lambda (1 + 3 lambda).
        CHECK(std::abs(m.var - lambda) < 5 * std::sqrt((lambda + 2 * lambda * lambda) / nn));
        // P(0) = exp(-lambda) as a binomial proportion.
        double zeros = 0;
        for (auto x : v) zeros += x == 0 ? 1 : 0;
        const double p0 = std::exp(-lambda);
        CHECK(std::abs(zeros - p0 * nn) < 5 * std::sqrt(nn * p0 * (1 - p0)) + 1);
    }
    RandomStream rs(1, Stream::test, 0, 0);
    CHECK(rs.poisson(0.0) == 0);
    CHECK(rs.poisson(-1.0) == 0);
}

TEST_CASE("poisson_from_uniform is the monotone inverse of the Poisson CDF", "[rng]") {
    for (double lambda : {0.5, 3.0, 25.0}) {
        INFO("lambda = " << lambda);
        std::uint32_t prev = 0;
        for (int i = 1; i < 2000; ++i) {
            const double u = i / 2000.0;
            const std::uint32_t k = poisson_from_uniform(lambda, u, nullptr);
            CHECK(k >= prev);
            prev = k;
            // Inverse CDF: F(k - 1) < u <= F(k), up to rounding at the edges.
            const int ki = static_cast<int>(k);
            CHECK(u <= poisson_cdf(lambda, ki) + 1e-12);
            if (ki > 0) CHECK(u > poisson_cdf(lambda, ki - 1) - 1e-12);
        }
        // Just below and above the first step, exp(-lambda).
        const double p0 = std::exp(-lambda);
        CHECK(poisson_from_uniform(lambda, p0 * (1 - 1e-9), nullptr) == 0);
        CHECK(poisson_from_uniform(lambda, p0 * (1 + 1e-9), nullptr) == 1);
    }
}
