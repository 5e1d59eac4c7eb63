// SPDX-License-Identifier: MIT
// associative_recall: key -> value pairs, one per item: the key's code (`code_size` of the
// input's lines, one fixed random code per key) on the input, the value's code on the teacher.
// Episode e writes a target pair, then L = delays[e % size] pairs with other keys, then shows
// the target key alone (the query, teacher silent); a softmax readout of the state at the end
// of the query names the value. washout, train, validation and test count episodes.
#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "core/rng.hpp"
#include "kinds.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/task_keys.hpp"

namespace gliasim::tasks {

namespace {

// The codes (`code_size` lines at `rate`) of `keys` keys and `values` values; episode e has
// delays[e % size] interfering pairs. The values' population is the task's teacher.
struct Options {
    double rate = 100; // [Hz]
    std::uint32_t keys = 32, values = 8;
    std::uint32_t code_size = 10;
    std::vector<std::uint32_t> delays = {0, 2, 4, 8, 16};
};

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    const auto& pops = k.populations();
    k.rate("rate", o.rate);
    const experiment_io::Key& teacher_key = k["teacher"];
    const auto teacher = k.context().population_index(
        teacher_key.required("the item_source population of the values"));
    if (!takes_items(*pops[teacher].model) || teacher == ts.input)
        teacher_key.fail(
            fmt::format("the teacher must be an item_source population other than "
                        "the input; '{}' is {}",
                        pops[teacher].name,
                        teacher == ts.input ? "the input" : "model " + pops[teacher].model->name));
    ts.teacher = teacher;
    k.count("keys", o.keys, 2, 1'000'000);
    k.count("values", o.values, 2, 1'000'000);
    k.count("code_size", o.code_size, 1, 1'000'000);
    const index_t width = pops[ts.input].size;
    const index_t narrow = std::min(width, pops[teacher].size);
    if (o.code_size > narrow)
        k["code_size"].fail_or_at_table(fmt::format(
            "codes of {} lines do not fit '{}' ({} entities) and '{}' ({})", o.code_size,
            pops[ts.input].name, width, pops[teacher].name, pops[teacher].size));
    k.delays("delays", o.delays, 100000);
    ts.options = std::move(o);
}

// Each episode shows its pairs, then the query.
std::uint64_t items(const TaskSpec& task) {
    const auto& delays = options_of<Options>(task).delays;
    std::uint64_t n = 0;
    for (std::uint64_t e = 0; e < task.episodes(); ++e) n += delays[e % delays.size()] + 2;
    return n;
}

// `count` fixed random codes of `size` lines out of `width` (row-major rates, `rate` on the
// code's lines).
std::vector<float> random_codes(std::uint64_t seed, std::uint64_t which, std::uint32_t count,
                                std::uint32_t size, std::size_t width, double rate) {
    std::vector<float> rates(static_cast<std::size_t>(count) * width, 0.0f);
    std::vector<std::uint32_t> lines(width);
    for (std::uint32_t c = 0; c < count; ++c) {
        RandomStream rs(seed, Stream::task, which, c);
        for (std::size_t i = 0; i < width; ++i) lines[i] = static_cast<std::uint32_t>(i);
        for (std::uint32_t k = 0; k < size; ++k) { // partial Fisher-Yates
            const auto j = k + static_cast<std::uint32_t>(rs.below(width - k));
            std::swap(lines[k], lines[j]);
            rates[c * width + lines[k]] = static_cast<float>(rate);
        }
    }
    return rates;
}

// The key stream on the input, the value stream on the teacher (pattern `values` is silence,
// for the queries).
void fill_stream(const TaskSpec& task, const StreamWidths& widths, TaskStream& s) {
    const auto& o = options_of<Options>(task);
    ItemStream& keys = *s.items;
    keys.rates = random_codes(task.seed, 2, o.keys, o.code_size, widths.input, o.rate);
    s.teacher = std::make_shared<ItemStream>(keys);
    ItemStream& values = *s.teacher;
    values.width = widths.teacher;
    values.rates = random_codes(task.seed, 3, o.values, o.code_size, widths.teacher, o.rate);
    values.rates.resize(values.rates.size() + widths.teacher, 0.0f);
    std::uint64_t item = 0;
    auto show = [&](std::uint32_t key, std::uint32_t value) {
        keys.sequence[item] = key;
        values.sequence[item] = value;
        ++item;
    };
    for (std::uint64_t e = 0; e < task.episodes(); ++e) {
        RandomStream rs(task.seed, Stream::task, 4, e);
        const auto L = o.delays[e % o.delays.size()];
        const auto key = static_cast<std::uint32_t>(rs.below(o.keys));
        const auto value = static_cast<std::uint32_t>(rs.below(o.values));
        show(key, value);
        for (std::uint32_t l = 0; l < L; ++l) {
            auto other = static_cast<std::uint32_t>(rs.below(o.keys - 1));
            if (other >= key) ++other;
            show(other, static_cast<std::uint32_t>(rs.below(o.values)));
        }
        s.query_item.push_back(item);
        s.query_value.push_back(value);
        s.query_interference.push_back(L);
        show(key, o.values);
    }
}

// One softmax readout names the value from the state at the end of each query (train queries
// fit it, validation queries choose its L2 penalty); the test accuracy is reported overall and
// per number of interfering pairs, next to its chance and shuffled-label null (metrics_null.hpp).
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const auto [W, T, V, E] = Splits(task);
    const auto& o = options_of<Options>(task);
    Eigen::MatrixXd Q(W + T + V + E, states.cols());
    for (Eigen::Index e = 0; e < Q.rows(); ++e)
        Q.row(e) =
            states.row(static_cast<Eigen::Index>(stream.query_item[static_cast<std::size_t>(e)]));
    auto value = [&](Eigen::Index episode) {
        return static_cast<int>(stream.query_value[static_cast<std::size_t>(episode)]);
    };
    const std::vector<int> y_fit = labels_of(W, T + V, value),
                           y_test = labels_of(W + T + V, E, value);
    const int classes = static_cast<int>(o.values);
    const SplitRows rows(task, Q);
    const std::vector<int> predicted =
        validated_classifier(rows, classes, y_fit).predict(rows.test);
    const LabelShuffle shuffle(task, y_fit.size(), y_test.size());
    const double shuffled =
        validated_test_accuracy(rows, classes, shuffle.fit(y_fit), shuffle.test(y_test));
    std::vector<double> ls(o.delays.begin(), o.delays.end()), per_l;
    std::sort(ls.begin(), ls.end());
    ls.erase(std::unique(ls.begin(), ls.end()), ls.end());
    for (double l : ls) {
        std::size_t right = 0, all = 0;
        for (Eigen::Index i = 0; i < E; ++i) {
            const auto e = static_cast<std::size_t>(W + T + V + i);
            if (stream.query_interference[e] != l) continue;
            ++all;
            right += predicted[static_cast<std::size_t>(i)] == y_test[static_cast<std::size_t>(i)];
        }
        per_l.push_back(all ? static_cast<double>(right) / static_cast<double>(all)
                            : std::numeric_limits<double>::quiet_NaN());
    }
    TaskResult r;
    const double chance = class_chance(o.values);
    add_scored(r, "test_accuracy", accuracy(y_test, predicted), chance, shuffled);
    // The target pair was written L + 1 items before its query.
    std::vector<double> items_back(ls);
    for (double& x : items_back) x += 1;
    add_memory_tau(r, task, items_back, per_l, chance);
    r.scalars.emplace_back("features", static_cast<double>(states.cols()));
    r.curves = {{"interfering_pairs", ls}, {"accuracy_per_interfering_pairs", per_l}};
    r.axes = {"interfering_pairs"};
    return r;
}

} // namespace

TaskKind associative_recall_kind() {
    return {.name = "associative_recall",
            .keys = {"rate", "teacher", "keys", "values", "code_size", "delays"},
            .read = read,
            .items = items,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
