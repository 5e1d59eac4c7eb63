// SPDX-License-Identifier: MIT
// nback: the delayed_recall stream; a two-class softmax per N answers whether the symbol of
// item n equals the one of item n - N, scored by balanced accuracy (the mean of the two
// classes' accuracies), so chance is 0.5 whatever the match rate.
#include <cmath>

#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"

namespace gliasim::tasks {

namespace {

TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& delays = options_of<SymbolOptions>(task).delays;
    std::vector<double> balanced;
    for (auto d : delays) {
        auto match = [&](Eigen::Index item) {
            const auto at = static_cast<std::size_t>(item);
            return stream.symbol[at] == stream.symbol[at - d] ? 1 : 0;
        };
        const std::vector<int> y_train = labels_of(W, T, match), y_val = labels_of(W + T, V, match),
                               y_test = labels_of(W + T + V, E, match);
        auto score_of = [](const std::vector<int>& y, const std::vector<int>& p) {
            const auto c = per_class_accuracy(y, p, 2);
            return 0.5 * ((std::isnan(c[0]) ? 0.5 : c[0]) + (std::isnan(c[1]) ? 0.5 : c[1]));
        };
        const SoftmaxModel model =
            fit_softmax_validated(rows.train(), y_train, rows.validation(), 2, {1e-3, 1e-2, 1e-1},
                                  [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                                      return score_of(y_val, m.predict(v));
                                  });
        balanced.push_back(score_of(y_test, model.predict(rows.test)));
    }
    const double mean = mean_of(balanced);
    TaskResult r;
    r.scalars = {{"mean_balanced_accuracy", mean},
                 {"chance", 0.5},
                 {"features", static_cast<double>(states.cols())}};
    std::vector<double> ns(delays.begin(), delays.end());
    r.curves = {{"n_back", ns}, {"balanced_accuracy_per_n", balanced}};
    r.axes = {"n_back"};
    return r;
}

} // namespace

TaskKind nback_kind() {
    return {.name = "nback",
            .keys = kSymbolKeys,
            .read = read_symbol_keys,
            .fill_stream = random_symbol_stream,
            .score = score};
}

} // namespace gliasim::tasks
