// SPDX-License-Identifier: MIT
#pragma once

// What several task kinds share: the item splits, the softmax readout chosen on the validation
// rows, and the symbol tasks' options, keys and one-hot code on groups of input entities.

#include <Eigen/Dense>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "task_kind.hpp"
#include "trainers.hpp"

namespace gliasim::tasks {

// The item counts of the splits: washout (not read out), train, validation, test.
struct Splits {
    explicit Splits(const TaskSpec& task)
        : W(static_cast<Eigen::Index>(task.washout)), T(static_cast<Eigen::Index>(task.train)),
          V(static_cast<Eigen::Index>(task.validation)), E(static_cast<Eigen::Index>(task.test)) {}
    Eigen::Index W, T, V, E;
};

// The rows of the item states a readout fits (train, then validation) and is scored on (test).
struct SplitRows : Splits {
    SplitRows(const TaskSpec& task, const Eigen::MatrixXd& states)
        : Splits(task), fit(states.middleRows(W, T + V)), test(states.middleRows(W + T + V, E)) {}
    Eigen::MatrixXd train() const { return fit.topRows(T); }
    Eigen::MatrixXd validation() const { return fit.bottomRows(V); }
    Eigen::MatrixXd fit, test;
};

// The softmax readout whose L2 penalty scores best (higher is better) on the validation rows.
template <typename Score>
SoftmaxModel fit_softmax_validated(const Eigen::MatrixXd& train, const std::vector<int>& y_train,
                                   const Eigen::MatrixXd& validation, int classes,
                                   std::initializer_list<double> grid, Score&& score) {
    double best = -std::numeric_limits<double>::infinity();
    SoftmaxModel model;
    for (double l2 : grid) {
        SoftmaxOptions o;
        o.l2 = l2;
        o.max_iterations = 200;
        SoftmaxModel m = fit_softmax(train, y_train, classes, o);
        const double value = score(m, validation);
        if (value > best) {
            best = value;
            model = std::move(m);
        }
    }
    return model;
}

// `rows` labels from item `first` on: label(item).
template <typename Label>
std::vector<int> labels_of(Eigen::Index first, Eigen::Index rows, Label&& label) {
    std::vector<int> y;
    y.reserve(static_cast<std::size_t>(rows));
    for (Eigen::Index i = 0; i < rows; ++i) y.push_back(label(first + i));
    return y;
}

// The options of delayed_recall and nback: `symbols` symbols, one-hot on disjoint groups of the
// input at `rate` (others silent); a readout reports on the symbol `delays` items back.
struct SymbolOptions {
    std::uint32_t symbols = 8;
    double rate = 100; // [Hz]
    std::vector<std::uint32_t> delays = {1, 2, 3, 4, 5};
};
// Their keys, and their TaskKind::read.
extern const std::vector<std::string> kSymbolKeys;
void read_symbol_keys(const TaskKeys& keys, TaskSpec& task);

// One pattern per symbol: `symbols` groups of the input's entities, symbol a on entities
// [width a / A, width (a + 1) / A) at `rate`, the rest silent.
void one_hot_symbol_patterns(std::uint32_t symbols, double rate, ItemStream& items);
// Symbols drawn uniformly and independently for every item (delayed_recall, nback), each item
// showing its symbol's pattern: a TaskKind::fill_stream.
void random_symbol_stream(const TaskSpec& task, const StreamWidths& widths, TaskStream& stream);

// The mean of a non-empty curve.
double mean_of(const std::vector<double>& values);

} // namespace gliasim::tasks
