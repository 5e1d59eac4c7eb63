// SPDX-License-Identifier: MIT
// memory_capacity (Jaeger's short-term memory capacity): every input entity fires at
// rate0 (1 + u(n)), u uniform in [-1, 1] and independent across items; one ridge readout per
// delay k recovers u(n - k) from the state at the end of item n. The capacity is the sum over
// k of the squared correlation on the test items.
#include <algorithm>
#include <fmt/format.h>
#include <numeric>

#include "core/rng.hpp"
#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/task_keys.hpp"

namespace gliasim::tasks {

namespace {

// rate = rate0 (1 + u), u uniform in [-1, 1], on every input entity; delays 1..max_delay read.
struct Options {
    double rate0 = 20; // [Hz]
    std::uint32_t max_delay = 100;
};

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    k.rate("rate0", o.rate0);
    k.count("max_delay", o.max_delay, 1, 100000);
    if (o.max_delay > ts.washout)
        k["max_delay"].fail_or_at_table(
            fmt::format("max_delay ({}) must not exceed washout ({}): the first "
                        "read-out item needs max_delay items before it",
                        o.max_delay, ts.washout));
    ts.options = o;
}

// Pearson correlation squared of two equally long vectors (0 when either is constant).
double corr2(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    const Eigen::VectorXd x = a.array() - a.mean();
    const Eigen::VectorXd y = b.array() - b.mean();
    const double sxx = x.squaredNorm(), syy = y.squaredNorm();
    if (sxx <= 0 || syy <= 0) return 0;
    const double sxy = x.dot(y);
    return sxy * sxy / (sxx * syy);
}

// One pattern per item: every input entity at rate0 (1 + u(n)).
void fill_stream(const TaskSpec& task, const StreamWidths& widths, TaskStream& s) {
    ItemStream& it = *s.items;
    const std::size_t width = widths.input;
    const std::uint64_t n = it.sequence.size();
    const double rate0 = options_of<Options>(task).rate0;
    s.values.resize(n);
    it.rates.resize(n * width);
    for (std::uint64_t k = 0; k < n; ++k) {
        RandomStream rs(task.seed, Stream::task, 0, k);
        s.values[k] = 2.0 * rs.uniform() - 1.0;
        std::fill_n(it.rates.begin() + static_cast<std::ptrdiff_t>(k * width), width,
                    static_cast<float>(rate0 * (1.0 + s.values[k])));
        it.sequence[k] = static_cast<std::uint32_t>(k);
    }
}

// MC_k on the test rows for every delay: one ridge per delay, each choosing its own regulariser
// on the validation rows (Y: the fit rows' targets, train then validation).
std::vector<double> capacity_per_delay(const SplitRows& rows, const Eigen::MatrixXd& Y,
                                       const Eigen::MatrixXd& Y_test) {
    std::vector<Eigen::Index> validation(static_cast<std::size_t>(rows.V));
    for (Eigen::Index i = 0; i < rows.V; ++i) validation[static_cast<std::size_t>(i)] = rows.T + i;
    RidgeOptions o;
    o.validation_rows = validation;
    o.per_output = true;
    const RidgeFit fit = fit_ridge(rows.fit, Y, o);
    const Eigen::MatrixXd pred = fit.model.predict(rows.test);
    std::vector<double> mc(static_cast<std::size_t>(Y.cols()));
    for (Eigen::Index k = 0; k < Y.cols(); ++k)
        mc[static_cast<std::size_t>(k)] = corr2(pred.col(k), Y_test.col(k));
    return mc;
}

// The rows of Y in the given order.
Eigen::MatrixXd permuted_rows(const Eigen::MatrixXd& Y, const std::vector<std::size_t>& order) {
    Eigen::MatrixXd out(Y.rows(), Y.cols());
    for (std::size_t i = 0; i < order.size(); ++i)
        out.row(static_cast<Eigen::Index>(i)) = Y.row(static_cast<Eigen::Index>(order[i]));
    return out;
}

// Scored for real and with the target rows shuffled (metrics_null.hpp); the memory time
// constant is fitted to MC_k against k with its baseline at the chance 1/(E - 1) per delay.
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    const auto& o = options_of<Options>(task);
    const Eigen::Index K = o.max_delay;
    Eigen::MatrixXd Y(T + V, K), Y_test(E, K);
    for (Eigen::Index k = 1; k <= K; ++k) {
        for (Eigen::Index i = 0; i < T + V; ++i)
            Y(i, k - 1) = stream.values[static_cast<std::size_t>(W + i - k)];
        for (Eigen::Index i = 0; i < E; ++i)
            Y_test(i, k - 1) = stream.values[static_cast<std::size_t>(W + T + V + i - k)];
    }
    const std::vector<double> mc = capacity_per_delay(rows, Y, Y_test);
    const LabelShuffle shuffle(task, static_cast<std::size_t>(T + V), static_cast<std::size_t>(E));
    const std::vector<double> mc_shuffled = capacity_per_delay(
        rows, permuted_rows(Y, shuffle.fit_order()), permuted_rows(Y_test, shuffle.test_order()));
    std::vector<double> delays(static_cast<std::size_t>(K));
    for (Eigen::Index k = 0; k < K; ++k)
        delays[static_cast<std::size_t>(k)] = static_cast<double>(k + 1);
    TaskResult r;
    add_scored(r, "memory_capacity", std::accumulate(mc.begin(), mc.end(), 0.0),
               memory_capacity_chance(o.max_delay, task.test),
               std::accumulate(mc_shuffled.begin(), mc_shuffled.end(), 0.0));
    add_memory_tau(r, task, delays, mc, memory_capacity_chance(1, task.test));
    r.scalars.emplace_back("features", static_cast<double>(states.cols()));
    r.curves = {{"memory_capacity_per_delay", mc},
                {"memory_capacity_per_delay_shuffled", mc_shuffled}};
    return r;
}

} // namespace

TaskKind memory_capacity_kind() {
    return {.name = "memory_capacity",
            .keys = {"rate0", "max_delay"},
            .read = read,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
