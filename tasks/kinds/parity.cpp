// SPDX-License-Identifier: MIT
// parity: a random bit per item (one-hot on two groups of input entities at `rate`); for each
// window k in `windows`, a two-class softmax readout of the state at the end of item n answers
// the parity of the last k bits, b(n) xor b(n - 1) xor ... xor b(n - k + 1). Parity needs
// every bit of the window at once and is not linear in them, so it measures how long a network
// holds items in a usable (nonlinearly mixed) form; with items of a few hundred ms, windows
// span seconds. Bits are fair and independent, so every window's parity is fair: chance 0.5.
#include <fmt/format.h>

#include "core/rng.hpp"
#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/task_keys.hpp"

namespace gliasim::tasks {

namespace {

struct Options {
    double rate = 100;                           // [Hz] of the shown bit's group
    std::vector<std::uint32_t> windows = {2, 3}; // N: the parity of the last N bits
};

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    const auto& input = k.populations()[ts.input];
    k.rate("rate", o.rate);
    if (input.size < 2)
        k["input"].fail(fmt::format("parity codes a bit on two groups of input entities; '{}' "
                                    "has {}",
                                    input.name, input.size));
    k.delays("windows", o.windows, 1000);
    for (auto w : o.windows)
        if (w == 0 || w > ts.washout + 1)
            k["windows"].fail_or_at_table(fmt::format(
                "window {} must be at least 1 and at most washout + 1 ({}): the first read-out "
                "item needs the window's earlier bits",
                w, ts.washout + 1));
    ts.options = std::move(o);
}

void fill_stream(const TaskSpec& task, const StreamWidths&, TaskStream& s) {
    ItemStream& it = *s.items;
    one_hot_symbol_patterns(2, options_of<Options>(task).rate, it); // bits 0 and 1
    const std::uint64_t n = it.sequence.size();
    s.symbol.resize(n);
    for (std::uint64_t k = 0; k < n; ++k) {
        RandomStream rs(task.seed, Stream::task, 5, k);
        s.symbol[k] = static_cast<std::uint32_t>(rs.below(2));
        it.sequence[k] = s.symbol[k];
    }
}

// Each window is read for real and with its labels shuffled (metrics_null.hpp).
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& windows = options_of<Options>(task).windows;
    const LabelShuffle shuffle(task, static_cast<std::size_t>(T + V), static_cast<std::size_t>(E));
    std::vector<double> accuracy_per_window, shuffled_per_window;
    for (auto k : windows) {
        auto parity = [&](Eigen::Index item) {
            std::uint32_t p = 0;
            for (std::uint32_t j = 0; j < k; ++j)
                p ^= stream.symbol[static_cast<std::size_t>(item - j)];
            return static_cast<int>(p);
        };
        const std::vector<int> y_fit = labels_of(W, T + V, parity),
                               y_test = labels_of(W + T + V, E, parity);
        accuracy_per_window.push_back(validated_test_accuracy(rows, 2, y_fit, y_test));
        shuffled_per_window.push_back(
            validated_test_accuracy(rows, 2, shuffle.fit(y_fit), shuffle.test(y_test)));
    }
    // The window plays the delay: the oldest bit a window needs is k - 1 items back.
    return delay_curves_result(task,
                               {.metric = "mean_accuracy",
                                .chance = balanced_chance,
                                .axis = "windows",
                                .curve = "accuracy_per_window",
                                .delays = {windows.begin(), windows.end()},
                                .values = accuracy_per_window,
                                .shuffled = shuffled_per_window},
                               states.cols());
}

} // namespace

TaskKind parity_kind() {
    return {.name = "parity",
            .keys = {"rate", "windows"},
            .read = read,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
