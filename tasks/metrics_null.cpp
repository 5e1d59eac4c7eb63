// SPDX-License-Identifier: MIT
#include "metrics_null.hpp"

#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"
#include "metrics.hpp"
#include "metrics_decay.hpp"

namespace gliasim::tasks {

std::vector<std::size_t> row_permutation(std::uint64_t seed, std::uint32_t which, std::size_t n) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Fisher-Yates from the top; sub-stream 6 of the task stream is the label shuffles'.
    RandomStream rs(seed, Stream::task, 6, which);
    for (std::size_t i = n; i > 1; --i) {
        const auto j = static_cast<std::size_t>(rs.below(i));
        std::swap(order[i - 1], order[j]);
    }
    return order;
}

LabelShuffle::LabelShuffle(const TaskSpec& task, std::size_t fit_rows, std::size_t test_rows)
    : fit_(row_permutation(task.seed, 0, fit_rows)),
      test_(row_permutation(task.seed, 1, test_rows)) {}

SoftmaxModel validated_classifier(const SplitRows& rows, int classes,
                                  const std::vector<int>& y_fit) {
    const std::vector<int> y_train(y_fit.begin(), y_fit.begin() + rows.T),
        y_val(y_fit.begin() + rows.T, y_fit.end());
    return fit_softmax_validated(rows.train(), y_train, rows.validation(), classes,
                                 {1e-3, 1e-2, 1e-1},
                                 [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                                     return accuracy(y_val, m.predict(v));
                                 });
}

double validated_test_accuracy(const SplitRows& rows, int classes, const std::vector<int>& y_fit,
                               const std::vector<int>& y_test) {
    return accuracy(y_test, validated_classifier(rows, classes, y_fit).predict(rows.test));
}

double class_chance(std::uint32_t classes) {
    if (classes == 0) throw std::invalid_argument("chance: no classes");
    return 1.0 / static_cast<double>(classes);
}

double memory_capacity_chance(std::uint32_t delays, std::uint64_t test_items) {
    if (test_items < 2) throw std::invalid_argument("memory capacity chance: needs 2 test items");
    return static_cast<double>(delays) / static_cast<double>(test_items - 1);
}

void add_scored(TaskResult& r, const std::string& metric, double score, double chance,
                double shuffled) {
    r.scalars.emplace_back(metric, score);
    r.scalars.emplace_back(metric + "_chance", chance);
    r.scalars.emplace_back(metric + "_shuffled", shuffled);
}

void add_memory_tau(TaskResult& r, const TaskSpec& task, const std::vector<double>& delays,
                    const std::vector<double>& values, double chance) {
    const double tau = memory_tau(delays, values, chance);
    r.scalars.emplace_back("memory_tau_items", tau);
    r.scalars.emplace_back("memory_tau_ms", tau * (task.item_ms + task.gap_ms));
}

TaskResult delay_curves_result(const TaskSpec& task, DelayCurves c, Eigen::Index features) {
    TaskResult r;
    add_scored(r, c.metric, mean_of(c.values), c.chance, mean_of(c.shuffled));
    add_memory_tau(r, task, c.delays, c.values, c.chance);
    r.scalars.emplace_back("features", static_cast<double>(features));
    r.curves = {{c.axis, std::move(c.delays)},
                {c.curve, std::move(c.values)},
                {c.curve + "_shuffled", std::move(c.shuffled)}};
    r.axes = {c.axis};
    return r;
}

} // namespace gliasim::tasks
