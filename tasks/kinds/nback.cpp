// SPDX-License-Identifier: MIT
// nback: the delayed_recall stream; for each N the readout answers whether the symbol of item n
// equals the one of item n - N, scored by balanced accuracy (the mean of the two classes'
// accuracies), so chance is 0.5 whatever the match rate.
//
// A linear readout of the state cannot compute a match (equality of two symbols is not linear in
// their codes), so it stays at chance even when both symbols are decoded perfectly. The readout
// is therefore a same/different classifier on decoded symbol posteriors:
//   1. two softmax decoders read the state of item n: one names the symbol of item n, one the
//      symbol of item n - N (each fitted on the train rows, its L2 penalty chosen by validation
//      accuracy);
//   2. the match evidence is the probability that the two decoded symbols agree,
//      m(n) = sum_a p_now(a | x_n) p_back(a | x_n);
//   3. "match" when m(n) > theta, theta chosen on the validation rows (whose posteriors are out of
//      sample) for the best balanced accuracy; scored on the test rows.
// The task then measures what it should: whether the state still holds item n - N next to item n.
#include <algorithm>
#include <cmath>

#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"

namespace gliasim::tasks {

namespace {

double balanced_accuracy(const std::vector<int>& y, const std::vector<int>& p) {
    const auto c = per_class_accuracy(y, p, 2);
    return 0.5 * ((std::isnan(c[0]) ? 0.5 : c[0]) + (std::isnan(c[1]) ? 0.5 : c[1]));
}

std::vector<int> above(const Eigen::VectorXd& m, double theta) {
    std::vector<int> p(static_cast<std::size_t>(m.size()));
    for (Eigen::Index i = 0; i < m.size(); ++i) p[static_cast<std::size_t>(i)] = m(i) > theta;
    return p;
}

// The threshold with the best balanced accuracy on (m, y): below every value, or halfway
// between two neighbouring distinct values; the lowest on ties.
double best_threshold(const Eigen::VectorXd& m, const std::vector<int>& y) {
    std::vector<double> v(m.data(), m.data() + m.size());
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    double best_theta = v.empty() ? 0.0 : v.front() - 1.0;
    double best = balanced_accuracy(y, above(m, best_theta));
    for (std::size_t i = 0; i + 1 < v.size(); ++i) {
        const double theta = 0.5 * (v[i] + v[i + 1]);
        const double b = balanced_accuracy(y, above(m, theta));
        if (b > best) best = b, best_theta = theta;
    }
    return best_theta;
}

// The labels one N needs on the fit rows (train then validation) and the test rows.
struct NbackLabels {
    std::vector<int> back_fit, match_fit, match_test;
};

// The test balanced accuracy of the readout above.
// `now` decodes the symbol of item n (the same for every N).
double match_accuracy(const SplitRows& rows, int classes, const SoftmaxModel& now,
                      const NbackLabels& y) {
    const SoftmaxModel back = validated_classifier(rows, classes, y.back_fit);
    auto evidence = [&](const Eigen::MatrixXd& x) -> Eigen::VectorXd {
        return (now.predict_proba(x).array() * back.predict_proba(x).array()).rowwise().sum();
    };
    const std::vector<int> match_val(y.match_fit.begin() + rows.T, y.match_fit.end());
    const double theta = best_threshold(evidence(rows.validation()), match_val);
    return balanced_accuracy(y.match_test, above(evidence(rows.test), theta));
}

TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& o = options_of<SymbolOptions>(task);
    const LabelShuffle shuffle(task, static_cast<std::size_t>(T + V), static_cast<std::size_t>(E));
    const int A = static_cast<int>(o.symbols);
    auto symbol = [&](Eigen::Index item) {
        return static_cast<int>(stream.symbol[static_cast<std::size_t>(item)]);
    };
    const std::vector<int> now_fit = labels_of(W, T + V, symbol);
    const SoftmaxModel now = validated_classifier(rows, A, now_fit);
    const SoftmaxModel now_shuffled = validated_classifier(rows, A, shuffle.fit(now_fit));
    std::vector<double> balanced, shuffled;
    for (auto d : o.delays) {
        auto back = [&](Eigen::Index item) { return symbol(item - d); };
        auto match = [&](Eigen::Index item) { return symbol(item) == symbol(item - d) ? 1 : 0; };
        const NbackLabels y{labels_of(W, T + V, back), labels_of(W, T + V, match),
                            labels_of(W + T + V, E, match)};
        balanced.push_back(match_accuracy(rows, A, now, y));
        // One permutation moves a fit row's labels together, so a shuffled row stays consistent.
        const NbackLabels s{shuffle.fit(y.back_fit), shuffle.fit(y.match_fit),
                            shuffle.test(y.match_test)};
        shuffled.push_back(match_accuracy(rows, A, now_shuffled, s));
    }
    return delay_curves_result(task,
                               {.metric = "mean_balanced_accuracy",
                                .chance = balanced_chance,
                                .axis = "n_back",
                                .curve = "balanced_accuracy_per_n",
                                .delays = {o.delays.begin(), o.delays.end()},
                                .values = balanced,
                                .shuffled = shuffled},
                               states.cols());
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
