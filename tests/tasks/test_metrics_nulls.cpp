// SPDX-License-Identifier: MIT
// Chance levels and shuffled-label nulls of every task kind (tasks/metrics_null.hpp): the chance
// scalars equal their closed forms, and the same readout trained and tested on permuted labels
// scores at chance within the sampling error of the test set, both on synthetic states that hold
// the answer perfectly and on short real runs of the shipped experiments.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "core/rng.hpp"
#include "core/simulation.hpp"
#include "io/experiment.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using gliasim::test::read_text;
using gliasim::test::registry;

namespace {

double scalar(const tasks::TaskResult& r, const std::string& name) {
    for (const auto& [n, v] : r.scalars)
        if (n == name) return v;
    FAIL("no scalar " << name);
    return 0;
}

// Five standard deviations of the accuracy of E guesses independent of labels right with
// probability p (binomial).
double accuracy_bound(double p, double E) {
    return 5 * std::sqrt(p * (1 - p) / E);
}
// The same for a balanced accuracy whose two classes have n1 = E/S and n0 = E - n1 test items:
// each class's recall has variance at most 1/4 over its count, the mean a quarter of their sum.
double balanced_bound(double E, double S) {
    const double n1 = E / S, n0 = E - n1;
    return 5 * 0.5 * std::sqrt(0.25 / n0 + 0.25 / n1);
}

TaskSpec symbol_task(const std::string& kind, std::uint32_t symbols) {
    TaskSpec t;
    t.kind = kind;
    t.symbols = symbols;
    t.washout = 10;
    t.train = 1200;
    t.validation = 300;
    t.test = 1000;
    t.seed = 3;
    return t;
}

Experiment shipped(const std::string& file, const std::vector<std::string>& overrides) {
    return parse_experiment(read_text(file), "task.toml", overrides, registry());
}

} // namespace

TEST_CASE("chance levels: closed forms", "[task][metrics]") {
    CHECK(tasks::class_chance(8) == 0.125);
    CHECK(tasks::class_chance(10) == 0.1);
    CHECK(tasks::balanced_chance == 0.5);
    CHECK(tasks::memory_capacity_chance(40, 201) == 0.2); // K / (E - 1)
    CHECK_THROWS(tasks::class_chance(0));
    CHECK_THROWS(tasks::memory_capacity_chance(40, 1));
}

TEST_CASE("label shuffles: fixed permutations of each block, from the task seed", "[task]") {
    TaskSpec t;
    t.seed = 11;
    const tasks::LabelShuffle a(t, 500, 300), b(t, 500, 300);
    CHECK(a.fit_order() == b.fit_order());
    for (const auto* order : {&a.fit_order(), &a.test_order()}) {
        std::vector<std::size_t> sorted = *order;
        std::sort(sorted.begin(), sorted.end());
        std::vector<std::size_t> identity(order->size());
        std::iota(identity.begin(), identity.end(), std::size_t{0});
        CHECK(sorted == identity);
        CHECK(*order != identity);
    }
    t.seed = 12;
    CHECK(tasks::LabelShuffle(t, 500, 300).fit_order() != a.fit_order());
    const std::vector<int> labels = {7, 8, 9};
    const auto order = tasks::row_permutation(5, 0, 3);
    const auto moved = tasks::LabelShuffle(t, 3, 3).fit(labels);
    CHECK(std::is_permutation(moved.begin(), moved.end(), labels.begin()));
}

TEST_CASE("delayed recall and parity nulls: perfect states, shuffled labels at chance",
          "[task][metrics]") {
    // States: one-hot of the current and of the previous symbol (or bit).
    for (const std::string kind : {"delayed_recall", "parity"}) {
        TaskSpec t = symbol_task(kind, kind == "parity" ? 2 : 8);
        t.delays = {0, 1};
        if (kind == "parity") t.delays = {1};
        const auto s = tasks::make_stream(t, 16);
        const auto n = static_cast<Eigen::Index>(s.symbol.size());
        Eigen::MatrixXd states = Eigen::MatrixXd::Zero(n, 2 * t.symbols);
        for (Eigen::Index k = 1; k < n; ++k) {
            states(k, s.symbol[static_cast<std::size_t>(k)]) = 1;
            states(k, t.symbols + s.symbol[static_cast<std::size_t>(k - 1)]) = 1;
        }
        const auto r = tasks::score(t, s, states);
        const double chance = 1.0 / t.symbols;
        INFO(kind);
        CHECK(r.scalars[0].first == "mean_accuracy");
        CHECK(r.scalars[0].second == 1.0);
        CHECK(scalar(r, "mean_accuracy_chance") == chance);
        CHECK(std::abs(scalar(r, "mean_accuracy_shuffled") - chance) <
              accuracy_bound(chance, static_cast<double>(t.test)));
    }
}

TEST_CASE("nback null: the match readout solves N = 1 from the symbols, shuffled at chance",
          "[task][metrics]") {
    TaskSpec t = symbol_task("nback", 4);
    t.delays = {1, 3};
    const auto s = tasks::make_stream(t, 16);
    const auto n = static_cast<Eigen::Index>(s.symbol.size());
    // The current and the previous symbol, one-hot side by side: no conjunction features, so a
    // linear readout of the state alone could not tell a match (the decoded posteriors can).
    Eigen::MatrixXd states = Eigen::MatrixXd::Zero(n, 8);
    for (Eigen::Index k = 1; k < n; ++k) {
        states(k, s.symbol[static_cast<std::size_t>(k)]) = 1;
        states(k, 4 + s.symbol[static_cast<std::size_t>(k - 1)]) = 1;
    }
    const auto r = tasks::score(t, s, states);
    const auto& per_n = r.curves[1].second;
    CHECK(per_n[0] == 1.0);
    CHECK(std::abs(per_n[1] - 0.5) < balanced_bound(1000, 4)); // item n - 3 is not in the state
    CHECK(scalar(r, "mean_balanced_accuracy_chance") == 0.5);
    const auto& shuffled = r.curves[2].second;
    for (double b : shuffled) CHECK(std::abs(b - 0.5) < balanced_bound(1000, 4));
}

TEST_CASE("memory capacity null: K / (E - 1), and a shuffled delay line reaches it",
          "[task][metrics]") {
    TaskSpec t;
    t.kind = "memory_capacity";
    t.washout = 50;
    t.train = 1500;
    t.validation = 300;
    t.test = 800;
    t.max_delay = 12;
    const auto s = tasks::make_stream(t, 1);
    const auto n = static_cast<Eigen::Index>(s.values.size());
    Eigen::MatrixXd states = Eigen::MatrixXd::Zero(n, 6);
    for (Eigen::Index k = 0; k < n; ++k)
        for (Eigen::Index i = 0; i < 6 && i <= k; ++i)
            states(k, i) = s.values[static_cast<std::size_t>(k - i)];
    const auto r = tasks::score(t, s, states);
    CHECK(scalar(r, "memory_capacity") == Approx(5.0).margin(0.05));
    const double chance = 12.0 / 799.0;
    CHECK(scalar(r, "memory_capacity_chance") == Approx(chance).epsilon(1e-15));
    // A sum of 12 squared correlations of independent series, each of mean 1/(E - 1) and
    // variance about 2/(E - 1)^2.
    CHECK(std::abs(scalar(r, "memory_capacity_shuffled") - chance) < 5 * std::sqrt(24.0) / 799);
}

TEST_CASE("classification nulls: images and associative recall", "[task][metrics]") {
    {
        TaskSpec t = symbol_task("image_classification", 10);
        tasks::TaskStream s;
        const auto n = static_cast<Eigen::Index>(t.washout + t.train + t.validation + t.test);
        Eigen::MatrixXd states = Eigen::MatrixXd::Zero(n, 10);
        for (Eigen::Index k = 0; k < n; ++k) {
            RandomStream rs(9, Stream::test, 0, static_cast<std::uint32_t>(k));
            s.symbol.push_back(static_cast<std::uint32_t>(rs.below(10)));
            states(k, s.symbol.back()) = 1;
        }
        const auto r = tasks::score(t, s, states);
        CHECK(scalar(r, "test_accuracy") == 1.0);
        CHECK(scalar(r, "test_accuracy_chance") == 0.1);
        CHECK(std::abs(scalar(r, "test_accuracy_shuffled") - 0.1) < accuracy_bound(0.1, 1000));
    }
    {
        TaskSpec t;
        t.kind = "associative_recall";
        t.keys = 12;
        t.values = 5;
        t.code_size = 3;
        t.delays = {0, 1};
        t.washout = 5;
        t.train = 600;
        t.validation = 150;
        t.test = 500;
        const auto s = tasks::make_stream(t, 24, 15);
        // The value of each query, one-hot, at the query item.
        Eigen::MatrixXd states =
            Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(s.items->sequence.size()), t.values);
        for (std::size_t e = 0; e < s.query_item.size(); ++e)
            states(static_cast<Eigen::Index>(s.query_item[e]), s.query_value[e]) = 1;
        const auto r = tasks::score(t, s, states);
        CHECK(scalar(r, "test_accuracy") == 1.0);
        CHECK(scalar(r, "test_accuracy_chance") == 0.2);
        CHECK(std::abs(scalar(r, "test_accuracy_shuffled") - 0.2) < accuracy_bound(0.2, 500));
    }
}

TEST_CASE("next-character chance: the add-one unigram of the training characters",
          "[task][metrics]") {
    TaskSpec t = symbol_task("next_char", 6);
    t.train = 800;
    t.validation = 200;
    t.test = 500;
    tasks::TaskStream s;
    const std::size_t n = t.washout + t.train + t.validation + t.test;
    // Skewed characters: symbol a with weight a + 1.
    for (std::size_t k = 0; k <= n; ++k) {
        RandomStream rs(4, Stream::test, 1, static_cast<std::uint32_t>(k));
        const auto u = static_cast<std::uint32_t>(rs.below(21));
        std::uint32_t a = 0;
        for (std::uint32_t sum = 1; sum <= u; sum += a + 2) ++a;
        s.symbol.push_back(a);
    }
    Eigen::MatrixXd states = Eigen::MatrixXd::Random(static_cast<Eigen::Index>(n), 4);
    const auto r = tasks::score(t, s, states);
    // By hand: counts over the training characters (items W..W+T, the last train target
    // included), then -mean log2 (c + 1) / (N + A) over the test targets.
    std::map<std::uint32_t, double> count;
    for (std::size_t i = t.washout; i <= t.washout + t.train; ++i) ++count[s.symbol[i]];
    const double N = static_cast<double>(t.train + 1);
    double bits = 0;
    for (std::size_t i = n - t.test + 1; i <= n; ++i)
        bits -= std::log2((count[s.symbol[i]] + 1) / (N + 6));
    bits /= static_cast<double>(t.test);
    CHECK(scalar(r, "bits_per_character_chance") == Approx(bits).epsilon(1e-12));
    CHECK(scalar(r, "bits_per_character_bigram") == scalar(r, "ngram1_kneser_ney_bpc"));
    CHECK(scalar(r, "bits_per_character_trigram") == scalar(r, "ngram2_kneser_ney_bpc"));
    // Random states: the readout and its null both land near the unigram.
    CHECK(std::abs(scalar(r, "bits_per_character_shuffled") - bits) < 0.1);
}

TEST_CASE("real runs: the shuffled null of a short shipped task is at chance", "[task][metrics]") {
    const std::vector<std::string> shorter = {"task.washout=50", "task.train=600",
                                              "task.validation=150", "task.test=300"};
    {
        Experiment ex = shipped("tasks/delayed_recall.toml", shorter);
        MemoryBackend mb;
        const auto r = tasks::run_task(ex.network, ex.task, mb);
        const double shuffled = scalar(r, "mean_accuracy_shuffled");
        WARN("delayed recall " << scalar(r, "mean_accuracy") << ", shuffled " << shuffled
                               << ", tau " << scalar(r, "memory_tau_items") << " items");
        CHECK(std::abs(shuffled - 0.125) < accuracy_bound(0.125, 300));
        CHECK(scalar(r, "mean_accuracy") > shuffled + 0.1);
        CHECK(scalar(r, "memory_tau_ms") ==
              Approx(20 * scalar(r, "memory_tau_items")).epsilon(1e-12));
    }
    {
        Experiment ex = shipped("tasks/nback.toml", shorter);
        MemoryBackend mb;
        const auto r = tasks::run_task(ex.network, ex.task, mb);
        const double shuffled = scalar(r, "mean_balanced_accuracy_shuffled");
        WARN("n-back " << scalar(r, "mean_balanced_accuracy") << ", shuffled " << shuffled);
        CHECK(std::abs(shuffled - 0.5) < balanced_bound(300, 4));
    }
    {
        Experiment ex = shipped("tasks/memory_capacity.toml", shorter);
        MemoryBackend mb;
        const auto r = tasks::run_task(ex.network, ex.task, mb);
        const double K = ex.task.max_delay, chance = K / 299.0;
        const double shuffled = scalar(r, "memory_capacity_shuffled");
        WARN("memory capacity " << scalar(r, "memory_capacity") << ", shuffled " << shuffled
                                << ", chance " << chance);
        CHECK(scalar(r, "memory_capacity_chance") == Approx(chance).epsilon(1e-15));
        CHECK(std::abs(shuffled - chance) < 5 * std::sqrt(2 * K) / 299);
    }
}
