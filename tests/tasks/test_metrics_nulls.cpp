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
#include "task_support.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

using namespace gliasim;
using namespace gliasim::test;

namespace {

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

// A [task] of `kind` with the splits these tests use and `extra` keys, over an input of `width`
// (and a teacher of `teacher`) entities.
TaskSpec spec_of(const std::string& kind, const std::string& extra, int width = 16,
                 int teacher = 0) {
    TaskSpec t =
        task_spec("kind = \"" + kind +
                      "\"\nwashout = 10\ntrain = 1200\nvalidation = 300\ntest = 1000\n" + extra,
                  width, teacher);
    t.seed = 3; // of the stream: task_spec's file sets 0
    return t;
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
        const unsigned symbols = kind == "parity" ? 2 : 8;
        const TaskSpec t = kind == "parity" ? spec_of(kind, "windows = [1]\n")
                                            : spec_of(kind, "symbols = 8\ndelays = [0, 1]\n");
        const auto s = tasks::make_stream(t, 16);
        const auto n = static_cast<Eigen::Index>(s.symbol.size());
        Eigen::MatrixXd states = Eigen::MatrixXd::Zero(n, 2 * symbols);
        for (Eigen::Index k = 1; k < n; ++k) {
            states(k, s.symbol[static_cast<std::size_t>(k)]) = 1;
            states(k, symbols + s.symbol[static_cast<std::size_t>(k - 1)]) = 1;
        }
        const auto r = tasks::score(t, s, states);
        const double chance = 1.0 / symbols;
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
    const TaskSpec t = spec_of("nback", "symbols = 4\ndelays = [1, 3]\n");
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
    const TaskSpec t = task_spec("kind = \"memory_capacity\"\nwashout = 50\ntrain = 1500\n"
                                 "validation = 300\ntest = 800\nmax_delay = 12\n",
                                 1);
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
        // Reading an image task needs Fashion-MNIST; its score needs only the common keys.
        TaskSpec t;
        t.kind = "image_classification";
        t.washout = 10;
        t.train = 1200;
        t.validation = 300;
        t.test = 1000;
        t.seed = 3;
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
        const TaskSpec t = task_spec("kind = \"associative_recall\"\nteacher = \"teacher\"\n"
                                     "keys = 12\nvalues = 5\ncode_size = 3\ndelays = [0, 1]\n"
                                     "washout = 5\ntrain = 600\nvalidation = 150\ntest = 500\n",
                                     24, 15);
        const Eigen::Index values = 5;
        const auto s = tasks::make_stream(t, 24, 15);
        // The value of each query, one-hot, at the query item.
        Eigen::MatrixXd states =
            Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(s.items->sequence.size()), values);
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
    // The shipped file's options (the 36-symbol alphabet), other splits; the characters below
    // use 6 of the symbols.
    const Experiment ex = experiment(read_text("tasks/next_char.toml"));
    TaskSpec t = *tasks::task_of(ex);
    t.washout = 10;
    t.seed = 3;
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
        bits -= std::log2((count[s.symbol[i]] + 1) / (N + 36));
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
        const auto r = run_shipped("tasks/delayed_recall.toml", shorter);
        const double shuffled = scalar(r, "mean_accuracy_shuffled");
        WARN("delayed recall " << scalar(r, "mean_accuracy") << ", shuffled " << shuffled
                               << ", tau " << scalar(r, "memory_tau_items") << " items");
        CHECK(std::abs(shuffled - 0.125) < accuracy_bound(0.125, 300));
        CHECK(scalar(r, "mean_accuracy") > shuffled + 0.1);
        CHECK(scalar(r, "memory_tau_ms") ==
              Approx(20 * scalar(r, "memory_tau_items")).epsilon(1e-12));
    }
    {
        const auto r = run_shipped("tasks/nback.toml", shorter);
        const double shuffled = scalar(r, "mean_balanced_accuracy_shuffled");
        WARN("n-back " << scalar(r, "mean_balanced_accuracy") << ", shuffled " << shuffled);
        CHECK(std::abs(shuffled - 0.5) < balanced_bound(300, 4));
    }
    {
        const auto r = run_shipped("tasks/memory_capacity.toml", shorter);
        const double K = 40, chance = K / 299.0; // max_delay of memory_capacity.toml
        const double shuffled = scalar(r, "memory_capacity_shuffled");
        WARN("memory capacity " << scalar(r, "memory_capacity") << ", shuffled " << shuffled
                                << ", chance " << chance);
        CHECK(scalar(r, "memory_capacity_chance") == Approx(chance).epsilon(1e-15));
        CHECK(std::abs(shuffled - chance) < 5 * std::sqrt(2 * K) / 299);
    }
}
