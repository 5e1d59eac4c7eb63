// SPDX-License-Identifier: MIT
#pragma once

// Scores for the readout tasks: classification (accuracy, confusion matrix), short-term memory
// capacity (Jaeger 2002), next-symbol prediction in bits per character, and n-gram baselines for
// the latter.
//
// Memory capacity
//   MC_k = corr^2(yhat_k(n), u(n - k)) over the test steps, MC = sum_k MC_k. corr^2 is 0 when
//   either series is constant. (How fast MC_k falls is a fitted time constant, metrics_decay.hpp.)
//
// Bits per character
//   BPC = -(1/N) sum_t log2 max(p(next_t), floor), floor 1e-6 (the probabilities are not
//   renormalised after clipping); perplexity 2^BPC; top-1 accuracy (ties: the lowest index).
//
// n-gram baselines (symbols are ints in [0, A); an order-k model conditions on the k previous
// symbols: k = 0 unigram, 1 bigram, ...). One NgramModel holds the counts of every order up to
// max_order and answers for any order <= max_order with either smoothing:
//   - add_one: P(w | h) = (c(h w) + 1) / (c(h) + A) for the longest usable context h that was seen
//     in training; an unseen context backs off to the next shorter one, down to the unigram
//     (uniform if the training sequence is empty).
//   - kneser_ney: interpolated Kneser-Ney with one absolute discount D (default 0.75):
//       P(w | h) = max(c(h w) - D, 0) / c(h) + D N1+(h .) / c(h) P(w | h'),
//     h' = h without its oldest symbol, ending in the uniform 1/A below the unigram. The longest
//     context uses raw counts c; the shorter ones use continuation counts N1+(. h w) (the number
//     of distinct symbols seen before h w; the start of the training sequence counts as one such
//     symbol, so every seen n-gram has a continuation count >= 1). A context with no counts
//     passes the lower-order distribution through unchanged.
//   Both give distributions that sum to 1 over the alphabet for every context. When fewer than k
//   symbols precede a position (start of a sequence without history), the available ones are
//   used, and the longest of them plays the role of the highest order.

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace gliasim::tasks {

// ---------------------------------------------------------------- classification

// Fraction of equal entries (sizes must match, >= 1 entry).
double accuracy(std::span<const int> truth, std::span<const int> predicted);

// K x K counts: entry (i, j) = number of items of true class i predicted as j. Labels in [0, K).
Eigen::MatrixXi confusion_matrix(std::span<const int> truth, std::span<const int> predicted,
                                 int num_classes);

// Per true class: the fraction predicted correctly (recall); NaN for a class with no items.
std::vector<double> per_class_accuracy(std::span<const int> truth, std::span<const int> predicted,
                                       int num_classes);

// ---------------------------------------------------------------- memory capacity

// Squared Pearson correlation; 0 if either input is constant. Sizes must match, >= 2 entries.
double squared_correlation(const Eigen::Ref<const Eigen::VectorXd>& a,
                           const Eigen::Ref<const Eigen::VectorXd>& b);

// n x K targets for delays 1..K: entry (n, k - 1) = u(n - k), 0 where n < k.
Eigen::MatrixXd delayed_targets(std::span<const double> u, int max_delay);

struct MemoryCapacity {
    std::vector<double> per_delay; // MC_k, index k - 1
    double total = 0;              // sum of MC_k
};

// predictions: T x K, row j is step first_step + j, column k - 1 predicts u(first_step + j - k).
// Needs first_step >= K, first_step + T <= u.size() and T >= 2.
MemoryCapacity memory_capacity(std::span<const double> u,
                               const Eigen::Ref<const Eigen::MatrixXd>& predictions,
                               std::int64_t first_step);

// ---------------------------------------------------------------- bits per character

inline constexpr double probability_floor = 1e-6;

// From the predicted probabilities of the symbols that did come next (>= 1 entry).
double bits_per_character(std::span<const double> p_next, double floor = probability_floor);
// From N x A predicted distributions and the N symbols that came next.
double bits_per_character(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                          std::span<const int> next, double floor = probability_floor);
double perplexity(double bits_per_character); // 2^BPC
double top1_accuracy(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                     std::span<const int> next);

struct NextSymbolScores {
    double bits_per_character = 0;
    double perplexity = 0;
    double top1_accuracy = 0;
};
NextSymbolScores score_next_symbol(const Eigen::Ref<const Eigen::MatrixXd>& probabilities,
                                   std::span<const int> next, double floor = probability_floor);

// ---------------------------------------------------------------- n-gram baselines

enum class NgramSmoothing { add_one, kneser_ney };

class NgramModel {
public:
    // Counts every n-gram of order 0..max_order in train. alphabet_size >= 1,
    // 0 <= max_order <= 8 and alphabet_size^(max_order + 1) < 2^63; 0 < discount <= 1.
    NgramModel(std::span<const int> train, int alphabet_size, int max_order,
               double discount = 0.75);

    [[nodiscard]] int alphabet_size() const { return A_; }
    [[nodiscard]] int max_order() const { return max_order_; }
    [[nodiscard]] double discount() const { return D_; }

    // P(symbol | context) of the order-`order` model; the last min(order, context.size())
    // symbols of the context are used.
    [[nodiscard]] double probability(std::span<const int> context, int symbol,
                                     NgramSmoothing smoothing, int order) const;
    // The whole distribution over the alphabet (sums to 1).
    [[nodiscard]] std::vector<double> distribution(std::span<const int> context,
                                                   NgramSmoothing smoothing, int order) const;
    // -mean log2 P(test_t | preceding symbols); the first symbols of test are preceded by the end
    // of history (pass the training sequence for a contiguous split), or by nothing.
    [[nodiscard]] double bits_per_symbol(std::span<const int> test, NgramSmoothing smoothing,
                                         int order, std::span<const int> history = {}) const;

private:
    struct ContextStats {
        std::uint64_t raw_total = 0;  // sum_w c(h w)
        std::uint64_t raw_types = 0;  // N1+(h .)
        std::uint64_t cont_total = 0; // sum_w N1+(. h w)
        std::uint64_t cont_types = 0; // #{w : N1+(. h w) > 0}
    };
    using Map = std::unordered_map<std::uint64_t, std::uint64_t>;

    [[nodiscard]] std::uint64_t code(std::span<const int> symbols) const;
    void check_symbol(int s) const;
    // Probability with the context already cut to its usable length.
    [[nodiscard]] double probability_cut(std::span<const int> h, int w,
                                         NgramSmoothing smoothing) const;

    int A_;
    int max_order_;
    double D_;
    // Per context length j = 0..max_order:
    std::vector<Map> raw_;  // c(h w) keyed by code(h w)
    std::vector<Map> cont_; // N1+(. h w) keyed by code(h w) (j < max_order)
    std::vector<std::unordered_map<std::uint64_t, ContextStats>> contexts_; // keyed by code(h)
};

struct NgramBaseline {
    int order = 0;
    double add_one_bpc = 0;
    double kneser_ney_bpc = 0;
};

// Both smoothings for orders 0..max_order, trained on train and evaluated on test (history as in
// NgramModel::bits_per_symbol).
std::vector<NgramBaseline> ngram_baselines(std::span<const int> train, std::span<const int> test,
                                           int alphabet_size, int max_order = 4,
                                           std::span<const int> history = {},
                                           double discount = 0.75);

} // namespace gliasim::tasks
