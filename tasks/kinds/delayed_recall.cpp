// SPDX-License-Identifier: MIT
// delayed_recall: `symbols` symbols drawn independently per item, each one-hot on its group of
// input entities; a softmax readout per delay d names the symbol d items back.
#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"

namespace gliasim::tasks {

namespace {

// Each delay's L2 penalty is chosen on the validation rows.
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& o = options_of<SymbolOptions>(task);
    std::vector<double> accuracy_per_delay;
    for (auto d : o.delays) {
        auto symbol_back = [&](Eigen::Index item) {
            return static_cast<int>(stream.symbol[static_cast<std::size_t>(item - d)]);
        };
        const std::vector<int> y_train = labels_of(W, T, symbol_back),
                               y_val = labels_of(W + T, V, symbol_back),
                               y_test = labels_of(W + T + V, E, symbol_back);
        const int A = static_cast<int>(o.symbols);
        const SoftmaxModel best_model =
            fit_softmax_validated(rows.train(), y_train, rows.validation(), A, {1e-3, 1e-2, 1e-1},
                                  [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                                      return accuracy(y_val, m.predict(v));
                                  });
        accuracy_per_delay.push_back(accuracy(y_test, best_model.predict(rows.test)));
    }
    const double mean = mean_of(accuracy_per_delay);
    TaskResult r;
    r.scalars = {{"mean_accuracy", mean},
                 {"chance", 1.0 / static_cast<double>(o.symbols)},
                 {"features", static_cast<double>(states.cols())}};
    std::vector<double> delays(o.delays.begin(), o.delays.end());
    r.curves = {{"delays", delays}, {"accuracy_per_delay", accuracy_per_delay}};
    r.axes = {"delays"};
    return r;
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
