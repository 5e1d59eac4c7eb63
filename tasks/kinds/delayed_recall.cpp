// SPDX-License-Identifier: MIT
// delayed_recall: `symbols` symbols drawn independently per item, each one-hot on its group of
// input entities; a softmax readout per delay d names the symbol d items back.
#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"

namespace gliasim::tasks {

namespace {

// Each delay is read for real and with its labels shuffled (metrics_null.hpp).
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& o = options_of<SymbolOptions>(task);
    const LabelShuffle shuffle(task, static_cast<std::size_t>(T + V), static_cast<std::size_t>(E));
    const int A = static_cast<int>(o.symbols);
    std::vector<double> accuracy_per_delay, shuffled_per_delay;
    for (auto d : o.delays) {
        auto symbol_back = [&](Eigen::Index item) {
            return static_cast<int>(stream.symbol[static_cast<std::size_t>(item - d)]);
        };
        const std::vector<int> y_fit = labels_of(W, T + V, symbol_back),
                               y_test = labels_of(W + T + V, E, symbol_back);
        accuracy_per_delay.push_back(validated_test_accuracy(rows, A, y_fit, y_test));
        shuffled_per_delay.push_back(
            validated_test_accuracy(rows, A, shuffle.fit(y_fit), shuffle.test(y_test)));
    }
    return delay_curves_result(task,
                               {.metric = "mean_accuracy",
                                .chance = class_chance(o.symbols),
                                .axis = "delays",
                                .curve = "accuracy_per_delay",
                                .delays = {o.delays.begin(), o.delays.end()},
                                .values = accuracy_per_delay,
                                .shuffled = shuffled_per_delay},
                               states.cols());
}

} // namespace

TaskKind delayed_recall_kind() {
    return {.name = "delayed_recall",
            .keys = kSymbolKeys,
            .read = read_symbol_keys,
            .fill_stream = random_symbol_stream,
            .score = score};
}

} // namespace gliasim::tasks
