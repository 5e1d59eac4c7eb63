// SPDX-License-Identifier: MIT
// Connection rules (core/connectivity.hpp), checked against their sampling distributions with
// fixed seeds; every statistical bound is five standard errors of the exact distribution.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <set>
#include <vector>

#include "core/connectivity.hpp"
#include "core/rng.hpp"

using namespace gliasim;

namespace {

using Kind = ConnectionRule::Kind;

ConnectionRule bernoulli(double p, bool autapses = true) {
    ConnectionRule r;
    r.kind = Kind::bernoulli;
    r.p = p;
    r.allow_autapses = autapses;
    return r;
}

ConnectionRule fixed_indegree(std::uint32_t k, bool multapses, bool autapses = true) {
    ConnectionRule r;
    r.kind = Kind::fixed_indegree;
    r.k = k;
    r.allow_multapses = multapses;
    r.allow_autapses = autapses;
    return r;
}

ConnectionRule simple(Kind k, bool autapses = true) {
    ConnectionRule r;
    r.kind = k;
    r.allow_autapses = autapses;
    return r;
}

// Sources of target j, drawn the way Projection draws them: one stream per target.
std::vector<index_t> sources(const ConnectionRule& rule, index_t j, index_t n_source, bool same,
                             std::uint64_t seed = 1) {
    RandomStream rs(seed, Stream::connectivity, 0, j);
    std::vector<index_t> out;
    for_each_source(rule, j, n_source, same, rs, [&](index_t i) { out.push_back(i); });
    return out;
}

double mean_of(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(v.size());
}

double var_of(const std::vector<double>& v) {
    const double m = mean_of(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return s / static_cast<double>(v.size() - 1);
}

double binomial_pmf(int n, double p, int k) {
    return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                    k * std::log(p) + (n - k) * std::log1p(-p));
}

} // namespace

TEST_CASE("bernoulli: in-degrees follow Binomial(n, p)", "[connectivity][stats]") {
    const index_t n_source = 1000, n_target = 2000;
    for (double p : {0.01, 0.1, 0.5, 0.9}) {
        INFO("p = " << p);
        std::vector<double> indeg;
        std::vector<double> per_source(n_source, 0.0);
        double adjacent_pairs = 0;
        for (index_t j = 0; j < n_target; ++j) {
            const auto s = sources(bernoulli(p), j, n_source, false);
            REQUIRE(std::is_sorted(s.begin(), s.end()));
            REQUIRE(std::adjacent_find(s.begin(), s.end()) == s.end());
            for (index_t i : s) {
                REQUIRE(i < n_source);
                per_source[i] += 1;
            }
            for (std::size_t a = 0; a + 1 < s.size(); ++a) adjacent_pairs += s[a + 1] == s[a] + 1;
            indeg.push_back(static_cast<double>(s.size()));
        }
        const double n = n_source, m = n_target, q = 1 - p;
        // Sample mean and variance of Binomial(n, p) in-degrees.
        CHECK(std::abs(mean_of(indeg) - n * p) < 5 * std::sqrt(n * p * q / m));
        const double mu4 = n * p * q * (1 + 3 * (n - 2) * p * q);
        const double var_se = std::sqrt((mu4 - n * n * p * p * q * q) / m);
        CHECK(std::abs(var_of(indeg) - n * p * q) < 5 * var_se);

        // Every source is chosen by each target independently with probability p: its count
        // over the targets is Binomial(m, p); the normalised sum of squares is ~chi2(n).
        double chi2 = 0;
        for (double c : per_source) chi2 += (c - m * p) * (c - m * p) / (m * p * q);
        CHECK(std::abs(chi2 - n) < 5 * std::sqrt(2 * n) * 1.1);

        // Neighbouring sources i, i+1 are both chosen with probability p^2 (no clumping
        // or repulsion from the geometric skipping). Overlapping pairs share one indicator,
        // so the variance per pair is p^2 (1 - p^2) + 2 (p^3 - p^4) = p^2 (1 - p) (1 + 3p).
        const double pairs = m * (n - 1);
        CHECK(std::abs(adjacent_pairs - pairs * p * p) <
              5 * std::sqrt(pairs * p * p * (1 - p) * (1 + 3 * p)));
    }
}

TEST_CASE("bernoulli: in-degree histogram passes a chi-square test against the binomial",
          "[connectivity][stats]") {
    const int n_source = 500;
    const index_t n_target = 5000;
    const double p = 0.05;
    std::vector<double> hist(n_source + 1, 0.0);
    for (index_t j = 0; j < n_target; ++j)
        hist[sources(bernoulli(p), j, n_source, false, 77).size()] += 1;

    // Bins with at least 5 expected counts; the tails are pooled into the end bins.
    std::vector<double> obs, expd;
    double acc_o = 0, acc_e = 0;
    for (int k = 0; k <= n_source; ++k) {
        acc_o += hist[k];
        acc_e += n_target * binomial_pmf(n_source, p, k);
        if (acc_e >= 5) {
            obs.push_back(acc_o);
            expd.push_back(acc_e);
            acc_o = acc_e = 0;
        }
    }
    obs.back() += acc_o;
    expd.back() += acc_e;
    double chi2 = 0;
    for (std::size_t b = 0; b < obs.size(); ++b)
        chi2 += (obs[b] - expd[b]) * (obs[b] - expd[b]) / expd[b];
    const double df = static_cast<double>(obs.size() - 1);
    REQUIRE(df > 10);
    CHECK(chi2 < df + 5 * std::sqrt(2 * df));
}

TEST_CASE("bernoulli: autapses", "[connectivity]") {
    const index_t n = 500;
    const double p = 0.3;
    double self = 0;
    std::vector<double> indeg;
    for (index_t j = 0; j < n; ++j) {
        const auto no_self = sources(bernoulli(p, false), j, n, true);
        CHECK(std::find(no_self.begin(), no_self.end(), j) == no_self.end());
        indeg.push_back(static_cast<double>(no_self.size()));

        // The flag only matters within one population.
        const auto with_self = sources(bernoulli(p, true), j, n, true);
        self += std::count(with_self.begin(), with_self.end(), j);
        CHECK(sources(bernoulli(p, false), j, n, false) == with_self);
    }
    // Without autapses the in-degree is Binomial(n - 1, p).
    CHECK(std::abs(mean_of(indeg) - (n - 1) * p) < 5 * std::sqrt((n - 1) * p * (1 - p) / n));
    // With autapses each target connects to itself with probability p.
    CHECK(std::abs(self - n * p) < 5 * std::sqrt(n * p * (1 - p)));
}

TEST_CASE("bernoulli: p = 0 and p = 1", "[connectivity]") {
    const index_t n = 37;
    std::vector<index_t> all(n);
    for (index_t i = 0; i < n; ++i) all[i] = i;
    for (index_t j = 0; j < n; ++j) {
        CHECK(sources(bernoulli(0.0), j, n, true).empty());
        CHECK(sources(bernoulli(0.0, false), j, n, true).empty());
        CHECK(sources(bernoulli(1.0), j, n, true) == all);
        CHECK(sources(bernoulli(1.0, false), j, n, false) == all);
        auto without = all;
        without.erase(without.begin() + j);
        CHECK(sources(bernoulli(1.0, false), j, n, true) == without);
    }
    CHECK(sources(bernoulli(0.5), 0, 0, false).empty()); // no sources at all
}

TEST_CASE("connectivity is a pure function of (seed, target)", "[connectivity]") {
    const auto a = sources(bernoulli(0.2), 5, 300, false, 11);
    CHECK(a == sources(bernoulli(0.2), 5, 300, false, 11));
    CHECK(a != sources(bernoulli(0.2), 5, 300, false, 12));
    CHECK(a != sources(bernoulli(0.2), 6, 300, false, 11));
    const auto f = sources(fixed_indegree(20, true), 5, 300, false, 11);
    CHECK(f == sources(fixed_indegree(20, true), 5, 300, false, 11));
    CHECK(f != sources(fixed_indegree(20, true), 5, 300, false, 12));
}

TEST_CASE("fixed_indegree with multapses: exactly k uniform draws per target",
          "[connectivity][stats]") {
    const index_t n = 400;
    const std::uint32_t k = 100;
    for (bool autapses : {true, false}) {
        INFO("autapses allowed: " << autapses);
        std::vector<double> per_source(n, 0.0);
        std::vector<double> distinct;
        double neighbours = 0; // draws of j - 1 or j + 1 onto target j
        for (index_t j = 0; j < n; ++j) {
            const auto s = sources(fixed_indegree(k, true, autapses), j, n, true);
            REQUIRE(s.size() == k);
            for (index_t i : s) {
                REQUIRE(i < n);
                if (!autapses) REQUIRE(i != j);
                per_source[i] += 1;
                neighbours += (i + 1 == j || i == j + 1);
            }
            distinct.push_back(static_cast<double>(std::set<index_t>(s.begin(), s.end()).size()));
        }
        const double pool = autapses ? n : n - 1;
        // By symmetry each source is expected k times in total; the counts are multinomial.
        double chi2 = 0;
        for (double c : per_source) chi2 += (c - k) * (c - k) / k;
        CHECK(std::abs(chi2 - (n - 1)) < 5 * std::sqrt(2.0 * (n - 1)));
        // The skip over the target itself must not bias its neighbours.
        const double nb_draws = 2.0 * k * n - 2.0 * k; // targets 0 and n-1 have one neighbour
        CHECK(std::abs(neighbours - nb_draws / pool) < 5 * std::sqrt(nb_draws / pool));
        // Sampling with replacement: E[distinct] = pool (1 - (1 - 1/pool)^k).
        const double e_distinct = pool * (1 - std::pow(1 - 1 / pool, k));
        CHECK(std::abs(mean_of(distinct) - e_distinct) < 5 * std::sqrt(var_of(distinct) / n));
        CHECK(mean_of(distinct) < k - 5); // duplicates do occur
    }
}

TEST_CASE("fixed_indegree without multapses: k distinct sources, uniform subsets",
          "[connectivity][stats]") {
    const index_t n = 300;
    const std::uint32_t k = 60;
    for (bool autapses : {true, false}) {
        INFO("autapses allowed: " << autapses);
        const double pool = autapses ? n : n - 1;
        std::vector<double> per_source(n, 0.0);
        for (index_t j = 0; j < n; ++j) {
            const auto s = sources(fixed_indegree(k, false, autapses), j, n, true);
            REQUIRE(s.size() == k);
            REQUIRE(std::is_sorted(s.begin(), s.end()));
            REQUIRE(std::adjacent_find(s.begin(), s.end()) == s.end());
            for (index_t i : s) {
                REQUIRE(i < n);
                if (!autapses) REQUIRE(i != j);
                per_source[i] += 1;
            }
        }
        // Inclusion probability k / pool for every eligible source; the count of source i is a
        // sum of n (or n - 1) independent Bernoulli(k / pool) indicators.
        const double q = k / pool;
        const double trials = autapses ? n : n - 1;
        double chi2 = 0;
        for (double c : per_source)
            chi2 += (c - trials * q) * (c - trials * q) / (trials * q * (1 - q));
        CHECK(std::abs(chi2 - n) < 5 * std::sqrt(2.0 * n) * 1.1);
    }
}

TEST_CASE("fixed_indegree edge cases", "[connectivity]") {
    // k equal to the pool: every eligible source exactly once.
    const index_t n = 20;
    for (index_t j = 0; j < n; ++j) {
        auto s = sources(fixed_indegree(n - 1, false, false), j, n, true);
        REQUIRE(s.size() == n - 1);
        CHECK(std::find(s.begin(), s.end(), j) == s.end());
        s = sources(fixed_indegree(n, false, true), j, n, true);
        CHECK(s.size() == n);
    }
    // k = 0, and a population of one without autapses (empty pool).
    CHECK(sources(fixed_indegree(0, true), 3, 10, false).empty());
    CHECK(sources(fixed_indegree(5, true, false), 0, 1, true).empty());
    CHECK(sources(fixed_indegree(5, false, false), 0, 1, true).empty());
    // Two populations: a target index beyond the source count still draws k sources.
    const auto s = sources(fixed_indegree(8, true, false), 50, 10, false);
    CHECK(s.size() == 8);
    for (index_t i : s) CHECK(i < 10);
}

TEST_CASE("one_to_one connects target j to source j", "[connectivity]") {
    const index_t n_source = 10;
    for (index_t j = 0; j < 15; ++j) {
        const auto s = sources(simple(Kind::one_to_one), j, n_source, false);
        if (j < n_source)
            CHECK(s == std::vector<index_t>{j});
        else
            CHECK(s.empty());
        // Within one population, one_to_one is all autapses.
        if (j < n_source) {
            CHECK(sources(simple(Kind::one_to_one, true), j, n_source, true) ==
                  std::vector<index_t>{j});
            CHECK(sources(simple(Kind::one_to_one, false), j, n_source, true).empty());
        }
    }
}

TEST_CASE("all_to_all connects every pair", "[connectivity]") {
    const index_t n = 23, m = 17;
    std::size_t total = 0;
    for (index_t j = 0; j < m; ++j) {
        const auto s = sources(simple(Kind::all_to_all), j, n, false);
        CHECK(s.size() == n);
        CHECK(std::is_sorted(s.begin(), s.end()));
        total += s.size();
    }
    CHECK(total == std::size_t{n} * m);

    total = 0;
    std::size_t total_self = 0;
    for (index_t j = 0; j < n; ++j) {
        const auto s = sources(simple(Kind::all_to_all, false), j, n, true);
        CHECK(std::find(s.begin(), s.end(), j) == s.end());
        total += s.size();
        total_self += sources(simple(Kind::all_to_all, true), j, n, true).size();
    }
    CHECK(total == std::size_t{n} * n - n);
    CHECK(total_self == std::size_t{n} * n);
}

TEST_CASE("rule_name", "[connectivity]") {
    CHECK(rule_name(Kind::bernoulli) == "bernoulli");
    CHECK(rule_name(Kind::fixed_indegree) == "fixed_indegree");
    CHECK(rule_name(Kind::one_to_one) == "one_to_one");
    CHECK(rule_name(Kind::all_to_all) == "all_to_all");
}
