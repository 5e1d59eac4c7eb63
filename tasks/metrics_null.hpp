// SPDX-License-Identifier: MIT
#pragma once

// Chance levels and the shuffled-label null of the task readouts.
//
// Every task kind reports, next to its score <metric>, two reference figures:
//   <metric>_chance    the closed-form score of a readout that knows nothing of the state: 1/S for
//                      S equiprobable classes, 0.5 for a balanced accuracy or a fair bit, K/(E-1)
//                      for a memory capacity over K delays on E test items (E[r^2] of two
//                      independent series, one of them i.i.d., is exactly 1/(E-1)), the add-one
//                      unigram cross-entropy for next-character bits.
//   <metric>_shuffled  the same readout, the same regulariser search, trained and scored with its
//                      labels permuted: one permutation of the rows of the fit block (train and
//                      validation together) and one of the test block, drawn from the task seed
//                      (RandomStream sub-stream 6). The permutation keeps each block's label
//                      frequencies and removes any link between a state and its label, so this
//                      is what the whole fitting procedure scores on this network when there is
//                      nothing to find; it should sit at <metric>_chance within the test set's
//                      sampling error, and a real score is worth reading only well above it.

#include <cstdint>
#include <string>
#include <vector>

#include "kind_support.hpp"
#include "task_kind.hpp"

namespace gliasim::tasks {

// A fixed permutation of n rows: row i of the permuted block is row order[i] of the original.
std::vector<std::size_t> row_permutation(std::uint64_t seed, std::uint32_t which, std::size_t n);

// The two row permutations of a task's shuffled null (fit block, test block).
class LabelShuffle {
public:
    LabelShuffle(const TaskSpec& task, std::size_t fit_rows, std::size_t test_rows);

    template <typename T> std::vector<T> fit(const std::vector<T>& labels) const {
        return apply(fit_, labels);
    }
    template <typename T> std::vector<T> test(const std::vector<T>& labels) const {
        return apply(test_, labels);
    }
    [[nodiscard]] const std::vector<std::size_t>& fit_order() const { return fit_; }
    [[nodiscard]] const std::vector<std::size_t>& test_order() const { return test_; }

private:
    template <typename T>
    static std::vector<T> apply(const std::vector<std::size_t>& order,
                                const std::vector<T>& labels) {
        std::vector<T> out;
        out.reserve(order.size());
        for (std::size_t i : order) out.push_back(labels.at(i));
        return out;
    }
    std::vector<std::size_t> fit_, test_;
};

// The classification kinds' readout: a softmax fitted on the train rows, its L2 penalty (1e-3,
// 1e-2, 1e-1) chosen by validation accuracy. y_fit: the train labels, then the validation labels.
// Run once with the real labels and once with LabelShuffle's.
SoftmaxModel validated_classifier(const SplitRows& rows, int classes,
                                  const std::vector<int>& y_fit);
// Its accuracy on the test rows.
double validated_test_accuracy(const SplitRows& rows, int classes, const std::vector<int>& y_fit,
                               const std::vector<int>& y_test);

// Closed-form chance levels.
double class_chance(std::uint32_t classes); // 1/S
inline constexpr double balanced_chance = 0.5;
double memory_capacity_chance(std::uint32_t delays, std::uint64_t test_items); // K/(E-1)

// Appends <metric>, <metric>_chance and <metric>_shuffled, in that order.
void add_scored(TaskResult& r, const std::string& metric, double score, double chance,
                double shuffled);
// Appends memory_tau_items (the fitted time constant of `values` against `delays`, in items,
// baseline fixed at `chance`; metrics_decay.hpp) and memory_tau_ms (times the item period,
// item + gap). NaN when the curve has no resolvable decay.
void add_memory_tau(TaskResult& r, const TaskSpec& task, const std::vector<double>& delays,
                    const std::vector<double>& values, double chance);

// A score measured per delay (per N, per window): the curve and its shuffled twin against their
// axis, named by the kind.
struct DelayCurves {
    std::string metric; // the mean over the curve: <metric>, _chance, _shuffled
    double chance = 0;  // of one point (and of the mean)
    std::string axis, curve;
    std::vector<double> delays, values, shuffled;
};
// <metric> (mean of values), _chance, _shuffled (mean of shuffled), memory_tau_items and _ms,
// features; the curves axis, curve, curve + "_shuffled".
TaskResult delay_curves_result(const TaskSpec& task, DelayCurves c, Eigen::Index features);

} // namespace gliasim::tasks
