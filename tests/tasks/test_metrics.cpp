// SPDX-License-Identifier: MIT
// Task metrics (tasks/metrics.hpp): hand-counted classification scores; memory capacity of a
// delay-line "reservoir" with ridge readouts; bits per character; n-gram baselines against
// entropies computed by hand and against a brute-force reference that counts by scanning the
// text, and normalisation over every context.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <vector>

#include "tasks/metrics.hpp"
#include "tasks/trainers.hpp"

using namespace gliasim::tasks;
using Eigen::MatrixXd;

namespace {

// Occurrences of g in s.
int occurrences(const std::vector<int>& s, const std::vector<int>& g) {
    int c = 0;
    for (std::size_t p = 0; p + g.size() <= s.size(); ++p) {
        c += std::equal(g.begin(), g.end(), s.begin() + static_cast<std::ptrdiff_t>(p)) ? 1 : 0;
    }
    return c;
}

// Distinct symbols seen right before g (the start of s counts as one).
int continuations(const std::vector<int>& s, const std::vector<int>& g) {
    std::set<int> left;
    for (std::size_t p = 0; p + g.size() <= s.size(); ++p) {
        if (std::equal(g.begin(), g.end(), s.begin() + static_cast<std::ptrdiff_t>(p))) {
            left.insert(p == 0 ? -1 : s[p - 1]);
        }
    }
    return static_cast<int>(left.size());
}

std::vector<int> cat(std::vector<int> h, int w) {
    h.push_back(w);
    return h;
}

// Interpolated Kneser-Ney written straight from the definition.
double kn_reference(const std::vector<int>& s, int A, const std::vector<int>& h, int w, bool top,
                    double D) {
    const double lower =
        h.empty() ? 1.0 / A
                  : kn_reference(s, A, std::vector<int>(h.begin() + 1, h.end()), w, false, D);
    double total = 0, types = 0;
    for (int v = 0; v < A; ++v) {
        const int c = top ? occurrences(s, cat(h, v)) : continuations(s, cat(h, v));
        total += c;
        types += c > 0 ? 1 : 0;
    }
    if (total == 0) return lower;
    const int c = top ? occurrences(s, cat(h, w)) : continuations(s, cat(h, w));
    return std::max(c - D, 0.0) / total + D * types / total * lower;
}

double add_one_reference(const std::vector<int>& s, int A, const std::vector<int>& h, int w) {
    for (std::size_t j = h.size() + 1; j-- > 0;) {
        const std::vector<int> hj(h.end() - static_cast<std::ptrdiff_t>(j), h.end());
        double total = 0;
        for (int v = 0; v < A; ++v) total += occurrences(s, cat(hj, v));
        if (total > 0) return (occurrences(s, cat(hj, w)) + 1.0) / (total + A);
    }
    return 1.0 / A;
}

// Every sequence of the given length over [0, A).
std::vector<std::vector<int>> all_contexts(int A, int length) {
    std::vector<std::vector<int>> out{{}};
    for (int l = 0; l < length; ++l) {
        std::vector<std::vector<int>> next;
        for (const auto& c : out) {
            for (int v = 0; v < A; ++v) next.push_back(cat(c, v));
        }
        out = std::move(next);
    }
    return out;
}

std::vector<int> repeat(std::vector<int> pattern, std::size_t length) {
    std::vector<int> s(length);
    for (std::size_t i = 0; i < length; ++i) s[i] = pattern[i % pattern.size()];
    return s;
}

} // namespace

TEST_CASE("accuracy, confusion matrix and per-class accuracy", "[metrics]") {
    const std::vector<int> truth{0, 0, 1, 1, 1, 2, 2, 0};
    const std::vector<int> pred{0, 1, 1, 1, 0, 2, 1, 0};
    CHECK(accuracy(truth, pred) == Approx(5.0 / 8));
    const Eigen::MatrixXi C = confusion_matrix(truth, pred, 4);
    Eigen::MatrixXi expected(4, 4);
    expected << 2, 1, 0, 0, //
        1, 2, 0, 0,         //
        0, 1, 1, 0,         //
        0, 0, 0, 0;
    CHECK(C == expected);
    const std::vector<double> pc = per_class_accuracy(truth, pred, 4);
    CHECK(pc[0] == Approx(2.0 / 3));
    CHECK(pc[1] == Approx(2.0 / 3));
    CHECK(pc[2] == Approx(0.5));
    CHECK(std::isnan(pc[3]));
    CHECK_THROWS_AS(confusion_matrix(truth, pred, 2), std::invalid_argument);
    CHECK_THROWS_AS(accuracy(truth, std::vector<int>{0}), std::invalid_argument);
}

TEST_CASE("squared correlation and delayed targets", "[metrics]") {
    const Eigen::VectorXd a = Eigen::VectorXd::LinSpaced(5, 0, 4);
    CHECK(squared_correlation(a, -3 * a) == Approx(1.0));
    Eigen::VectorXd b(5);
    b << 1, -1, 0, 1, -1; // orthogonal to the centred a? sum (a - 2) b = -2 + 1 + 0 + 1 - 2 = -2
    // r = -2 / sqrt(10 * 4) -> r^2 = 0.1
    CHECK(squared_correlation(a, b) == Approx(0.1));
    CHECK(squared_correlation(a, Eigen::VectorXd::Constant(5, 2.0)) == 0.0);

    const std::vector<double> u{1, 2, 3, 4};
    const MatrixXd T = delayed_targets(u, 2);
    MatrixXd expected(4, 2);
    expected << 0, 0, 1, 0, 2, 1, 3, 2;
    CHECK(T == expected);
}

TEST_CASE("memory capacity of a delay line is its length", "[metrics]") {
    // "Reservoir": x_i(n) = u(n - i), i = 1..L. A ridge readout reproduces u(n - k) exactly for
    // k <= L and has nothing to go on beyond L.
    const int L = 10, K = 20;
    const std::int64_t N = 4000, split = 2000;
    std::mt19937_64 rng(31);
    std::uniform_real_distribution<double> U(-1, 1);
    std::vector<double> u(static_cast<std::size_t>(N));
    for (double& v : u) v = U(rng);
    const MatrixXd X = delayed_targets(u, L);
    const MatrixXd Y = delayed_targets(u, K);
    RidgeOptions opt;
    opt.per_output = true;
    const RidgeFit fit = fit_ridge(X.middleRows(K, split - K), Y.middleRows(K, split - K), opt);
    const MatrixXd pred = fit.model.predict(X.middleRows(split, N - split));
    const MemoryCapacity mc = memory_capacity(u, pred, split);
    REQUIRE(mc.per_delay.size() == static_cast<std::size_t>(K));
    // Beyond L, prediction and target are independent: n r^2 is about chi^2 with one degree of
    // freedom, which exceeds 20 with probability < 1e-5.
    const double noise = 20.0 / static_cast<double>(N - split);
    for (int k = 1; k <= K; ++k) {
        const double m = mc.per_delay[static_cast<std::size_t>(k - 1)];
        if (k <= L) {
            CHECK(m == Approx(1.0).margin(1e-6));
        } else {
            CHECK(m >= 0.0);
            CHECK(m < noise);
        }
    }
    CHECK(mc.total >= L - 1e-5);
    CHECK(mc.total <= L + (K - L) * noise);

    // Perfect and useless predictions.
    const MatrixXd exact = Y.middleRows(split, N - split);
    const MemoryCapacity full = memory_capacity(u, exact, split);
    CHECK(full.total == Approx(K));
    const MemoryCapacity none = memory_capacity(u, MatrixXd::Zero(N - split, K), split);
    CHECK(none.total == 0.0);
    CHECK_THROWS_AS(memory_capacity(u, exact, K - 1), std::invalid_argument);
    CHECK_THROWS_AS(memory_capacity(u, exact, split + 1), std::invalid_argument);
}

TEST_CASE("bits per character, perplexity and top-1", "[metrics]") {
    const int A = 7;
    const MatrixXd uniform = MatrixXd::Constant(50, A, 1.0 / A);
    std::vector<int> next(50);
    for (std::size_t i = 0; i < next.size(); ++i) next[i] = static_cast<int>(i % A);
    const NextSymbolScores s = score_next_symbol(uniform, next);
    CHECK(s.bits_per_character == Approx(std::log2(7.0)).epsilon(1e-14));
    CHECK(s.perplexity == Approx(7.0).epsilon(1e-13));

    MatrixXd P(3, 3);
    P << 0.5, 0.25, 0.25, //
        0.0, 0.0, 1.0,    //
        0.1, 0.8, 0.1;
    const std::vector<int> y{0, 0, 1};
    // -(log2 0.5 + log2 1e-6 + log2 0.8) / 3, the zero clipped at 1e-6.
    const double expected = -(std::log2(0.5) + std::log2(1e-6) + std::log2(0.8)) / 3;
    CHECK(bits_per_character(P, y) == Approx(expected).epsilon(1e-14));
    CHECK(top1_accuracy(P, y) == Approx(2.0 / 3));
    CHECK(bits_per_character(std::vector<double>{0.25, 0.25}) == Approx(2.0));
    CHECK(perplexity(3.0) == Approx(8.0));
}

TEST_CASE("n-gram baselines on hand-checked texts", "[metrics]") {
    // "abab...": a = 0, b = 1; the alphabet also has c = 2, never seen.
    const std::vector<int> train = repeat({0, 1}, 100);
    const std::vector<int> test = repeat({0, 1}, 20);
    const NgramModel m(train, 3, 2);
    const auto add_one = NgramSmoothing::add_one, kn = NgramSmoothing::kneser_ney;

    // Unigram, add-one: (c + 1) / (N + A) = 51 / 103 for both a and b.
    CHECK(m.bits_per_symbol(test, add_one, 0) == Approx(-std::log2(51.0 / 103)).epsilon(1e-14));
    // Bigram, add-one: P(b | a) = 51 / 53, P(a | b) = 50 / 52 (b ends the text: 49 "ba").
    const double bigram_add_one = -(std::log2(51.0 / 53) + std::log2(50.0 / 52)) / 2;
    CHECK(m.bits_per_symbol(test, add_one, 1, train) == Approx(bigram_add_one).epsilon(1e-14));

    // Bigram, Kneser-Ney by hand. Continuation counts: N1+(. a) = |{b, start}| = 2,
    // N1+(. b) = |{a}| = 1, so the lower-order distribution is
    //   P(a) = (2 - .75) / 3 + .75 * 2 / 3 / 3 = 1.75 / 3, P(b) = .75 / 3, P(c) = .5 / 3;
    //   P(b | a) = (50 - .75) / 50 + .75 / 50 * P(b) = 49.4375 / 50,
    //   P(a | b) = (49 - .75) / 49 + .75 / 49 * P(a) = 48.6875 / 49.
    const double pb_a = 49.4375 / 50, pa_b = 48.6875 / 49;
    CHECK(m.probability(std::vector<int>{0}, 1, kn, 1) == Approx(pb_a).epsilon(1e-14));
    CHECK(m.probability(std::vector<int>{1}, 0, kn, 1) == Approx(pa_b).epsilon(1e-14));
    const double bigram_kn = -(std::log2(pb_a) + std::log2(pa_b)) / 2;
    CHECK(m.bits_per_symbol(test, kn, 1, train) == Approx(bigram_kn).epsilon(1e-13));
    CHECK(bigram_kn < 0.015); // deterministic text: near 0
    // Without history the first "a" has no context: raw unigram with discounting,
    // (50 - .75) / 100 + .75 * 2 / 100 / 3 = 0.4975.
    CHECK(m.bits_per_symbol(test, kn, 1) ==
          Approx((-std::log2(0.4975) - 10 * std::log2(pb_a) - 9 * std::log2(pa_b)) / 20)
              .epsilon(1e-13));
    // An unseen context (c) backs off: add-one to the add-one unigram, Kneser-Ney to the
    // continuation unigram.
    const std::vector<int> ctx_c{2};
    CHECK(m.probability(ctx_c, 0, add_one, 1) == Approx(51.0 / 103));
    CHECK(m.probability(ctx_c, 2, add_one, 1) == Approx(1.0 / 103));
    CHECK(m.probability(ctx_c, 0, kn, 1) == Approx(1.75 / 3));
    CHECK(m.probability(ctx_c, 2, kn, 1) == Approx(0.5 / 3));

    // "abcabc...": unigram add-one is exactly log2 3 (33 of each in 99); higher orders are
    // deterministic.
    const std::vector<int> t3 = repeat({0, 1, 2}, 99), s3 = repeat({0, 1, 2}, 30);
    const auto base = ngram_baselines(t3, s3, 3, 3, t3);
    REQUIRE(base.size() == 4);
    CHECK(base[0].order == 0);
    CHECK(base[0].add_one_bpc == Approx(std::log2(3.0)).epsilon(1e-14));
    // Unigram Kneser-Ney: (33 - .75) / 99 + .75 * 3 / 99 / 3 = 1 / 3 as well.
    CHECK(base[0].kneser_ney_bpc == Approx(std::log2(3.0)).epsilon(1e-14));
    for (int k = 1; k <= 3; ++k) {
        INFO("order " << k);
        CHECK(base[static_cast<std::size_t>(k)].kneser_ney_bpc < 0.05);
        CHECK(base[static_cast<std::size_t>(k)].kneser_ney_bpc <
              base[static_cast<std::size_t>(k)].add_one_bpc);
    }
    // Bigram add-one: P(b | a) = 34 / 36 for all three transitions (c -> a seen 32 times:
    // 33 / 35).
    CHECK(base[1].add_one_bpc ==
          Approx(-(2 * std::log2(34.0 / 36) + std::log2(33.0 / 35)) / 3).epsilon(1e-13));
}

TEST_CASE("n-gram probabilities match a brute-force count and sum to 1", "[metrics]") {
    std::mt19937_64 rng(41);
    // Symbols 0..3 from a skewed Markov-ish source; symbol 4 never occurs.
    const int A = 5, max_order = 3;
    std::vector<int> train(120);
    std::discrete_distribution<int> first({4, 2, 1, 1});
    for (std::size_t i = 0; i < train.size(); ++i) {
        train[i] = (i > 0 && train[i - 1] == 2) ? 3 : first(rng);
    }
    const NgramModel m(train, A, max_order);
    for (int order = 0; order <= max_order; ++order) {
        for (int len = 0; len <= order; ++len) {
            for (const auto& h : all_contexts(A, len)) {
                double sum_add = 0, sum_kn = 0;
                for (int w = 0; w < A; ++w) {
                    const double pa = m.probability(h, w, NgramSmoothing::add_one, order);
                    const double pk = m.probability(h, w, NgramSmoothing::kneser_ney, order);
                    REQUIRE(pa == Approx(add_one_reference(train, A, h, w)).epsilon(1e-12));
                    REQUIRE(pk == Approx(kn_reference(train, A, h, w, true, 0.75)).epsilon(1e-12));
                    REQUIRE(pk > 0);
                    sum_add += pa;
                    sum_kn += pk;
                }
                REQUIRE(sum_add == Approx(1.0).epsilon(1e-13));
                REQUIRE(sum_kn == Approx(1.0).epsilon(1e-13));
                const std::vector<double> dist =
                    m.distribution(h, NgramSmoothing::kneser_ney, order);
                REQUIRE(std::accumulate(dist.begin(), dist.end(), 0.0) == Approx(1.0));
            }
        }
    }
    // Longer contexts are cut to the order.
    const std::vector<int> long_ctx{0, 1, 2, 3, 0, 1};
    CHECK(m.probability(long_ctx, 2, NgramSmoothing::kneser_ney, 2) ==
          m.probability(std::vector<int>{0, 1}, 2, NgramSmoothing::kneser_ney, 2));
    // The per-symbol average is the average of -log2 P.
    const std::vector<int> test{0, 2, 3, 1, 0, 0, 4};
    double bits = 0;
    for (std::size_t t = 0; t < test.size(); ++t) {
        std::vector<int> h(test.begin() + static_cast<std::ptrdiff_t>(t >= 2 ? t - 2 : 0),
                           test.begin() + static_cast<std::ptrdiff_t>(t));
        bits -= std::log2(kn_reference(train, A, h, test[t], true, 0.75));
    }
    CHECK(m.bits_per_symbol(test, NgramSmoothing::kneser_ney, 2) ==
          Approx(bits / test.size()).epsilon(1e-12));
    CHECK_THROWS_AS(NgramModel(std::vector<int>{0, 5}, 5, 2), std::invalid_argument);
    CHECK_THROWS_AS(m.probability(std::vector<int>{}, 0, NgramSmoothing::add_one, 4),
                    std::invalid_argument);
}
