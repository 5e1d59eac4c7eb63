// SPDX-License-Identifier: MIT
// dms (delayed match-to-sample; issue 18, item 2): the input's lines are cut into `domains`
// equal groups, and each of `samples` sample patterns drives a fixed random choice of
// `domains_per_sample` of them at `rate`. Episode e shows a sample, then D = delays[e % size]
// silent items, then a probe: the sample's own pattern (match) or another sample's (non-match),
// 50/50, at probe_gain x rate. A two-class softmax readout of the state at the end of the probe
// answers match / non-match; it needs the sample still held when the probe arrives, so its
// balanced accuracy against D measures how long the network keeps an item over silence.
// washout, train, validation and test count episodes.
#include <algorithm>
#include <cmath>
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

struct Options {
    double rate = 100; // [Hz] of a sample's domains
    std::uint32_t samples = 4;
    std::uint32_t domains = 20, domains_per_sample = 5;
    std::vector<std::uint32_t> delays = {1, 2, 4, 8, 16, 32}; // silent items
    double probe_gain = 0.5;                                  // the probe's rate over `rate`
};

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    const auto& input = k.populations()[ts.input];
    k.rate("rate", o.rate);
    k.count("samples", o.samples, 2, 1'000'000);
    k.count("domains", o.domains, 1, 1'000'000);
    k.count("domains_per_sample", o.domains_per_sample, 1, 1'000'000);
    if (o.domains > input.size)
        k["domains"].fail_or_at_table(fmt::format("{} domains do not fit '{}' ({} entities)",
                                                  o.domains, input.name, input.size));
    if (o.domains_per_sample > o.domains)
        k["domains_per_sample"].fail_or_at_table(
            fmt::format("domains_per_sample ({}) must be at most domains ({})",
                        o.domains_per_sample, o.domains));
    if (const auto& g = k["probe_gain"]) {
        o.probe_gain = g.number();
        if (!(o.probe_gain > 0) || !std::isfinite(o.probe_gain))
            g.fail(fmt::format("probe_gain must be a positive number; got {}", o.probe_gain));
    } else {
        k.written().insert("probe_gain", o.probe_gain);
    }
    k.delays("delays", o.delays, 100000);
    ts.options = std::move(o);
}

// Each episode shows its sample, its D silent items and its probe; the delays cycle, so whole
// cycles add up the sum of the delays and the last, partial one its first delays.
std::uint64_t items(const TaskSpec& task) {
    const auto& delays = options_of<Options>(task).delays;
    const std::uint64_t episodes = task.episodes(), cycle = delays.size();
    std::uint64_t silent = 0, first = 0;
    for (std::uint64_t i = 0; i < cycle; ++i) {
        silent += delays[i];
        if (i < episodes % cycle) first += delays[i];
    }
    return 2 * episodes + (episodes / cycle) * silent + first;
}

// Patterns: sample s (0 <= s < S) at rate, its probe S + s at probe_gain x rate, 2S silence.
void dms_patterns(const TaskSpec& task, ItemStream& it) {
    const auto& o = options_of<Options>(task);
    const std::size_t W = it.width, G = o.domains, S = o.samples;
    it.rates.assign((2 * S + 1) * W, 0.0f);
    std::vector<std::uint32_t> domains(G);
    for (std::size_t s = 0; s < S; ++s) {
        RandomStream rs(task.seed, Stream::task, 7, s);
        for (std::size_t g = 0; g < G; ++g) domains[g] = static_cast<std::uint32_t>(g);
        for (std::size_t k = 0; k < o.domains_per_sample; ++k) { // partial Fisher-Yates
            std::swap(domains[k], domains[k + rs.below(G - k)]);
            const std::size_t g = domains[k];
            for (std::size_t line = g * W / G; line < (g + 1) * W / G; ++line) {
                it.rates[s * W + line] = static_cast<float>(o.rate);
                it.rates[(S + s) * W + line] = static_cast<float>(o.rate * o.probe_gain);
            }
        }
    }
}

// The episodes: query_item is each probe's item, query_value 1 for a match, query_interference
// its delay D.
void fill_stream(const TaskSpec& task, const StreamWidths&, TaskStream& s) {
    const auto& o = options_of<Options>(task);
    ItemStream& it = *s.items;
    dms_patterns(task, it);
    const std::uint32_t silence = 2 * o.samples;
    std::uint64_t item = 0;
    for (std::uint64_t e = 0; e < task.episodes(); ++e) {
        RandomStream rs(task.seed, Stream::task, 8, e);
        const auto D = o.delays[e % o.delays.size()];
        const auto sample = static_cast<std::uint32_t>(rs.below(o.samples));
        const bool match = rs.below(2) == 1;
        auto probe = sample;
        if (!match) {
            probe = static_cast<std::uint32_t>(rs.below(o.samples - 1));
            if (probe >= sample) ++probe;
        }
        it.sequence[item++] = sample;
        for (std::uint32_t d = 0; d < D; ++d) it.sequence[item++] = silence;
        s.query_item.push_back(item);
        s.query_value.push_back(match ? 1 : 0);
        s.query_interference.push_back(D);
        it.sequence[item++] = o.samples + probe;
    }
}

// The balanced accuracy (mean of the match and non-match recalls) of the test episodes with
// delay D (all test episodes when D < 0); NaN when one class is absent.
double balanced_accuracy_at(const TaskSpec& task, const TaskStream& stream,
                            const std::vector<int>& truth, const std::vector<int>& predicted,
                            double D) {
    const auto [W, T, V, E] = Splits(task);
    std::vector<int> t, p;
    for (Eigen::Index i = 0; i < E; ++i) {
        const auto e = static_cast<std::size_t>(W + T + V + i);
        if (D >= 0 && stream.query_interference[e] != D) continue;
        t.push_back(truth[static_cast<std::size_t>(i)]);
        p.push_back(predicted[static_cast<std::size_t>(i)]);
    }
    if (t.empty()) return std::numeric_limits<double>::quiet_NaN();
    const auto recall = per_class_accuracy(t, p, 2);
    return 0.5 * (recall[0] + recall[1]);
}

// One softmax readout of the probe states (train episodes fit it, validation episodes choose
// its L2 penalty), scored per delay, for real and with shuffled labels (metrics_null.hpp).
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const auto [W, T, V, E] = Splits(task);
    const auto& o = options_of<Options>(task);
    Eigen::MatrixXd probes(W + T + V + E, states.cols());
    for (Eigen::Index e = 0; e < probes.rows(); ++e)
        probes.row(e) =
            states.row(static_cast<Eigen::Index>(stream.query_item[static_cast<std::size_t>(e)]));
    auto match = [&](Eigen::Index episode) {
        return static_cast<int>(stream.query_value[static_cast<std::size_t>(episode)]);
    };
    const std::vector<int> y_fit = labels_of(W, T + V, match),
                           y_test = labels_of(W + T + V, E, match);
    const SplitRows rows(task, probes);
    const std::vector<int> predicted = validated_classifier(rows, 2, y_fit).predict(rows.test);
    const LabelShuffle shuffle(task, y_fit.size(), y_test.size());
    const std::vector<int> y_test_shuffled = shuffle.test(y_test);
    const std::vector<int> predicted_shuffled =
        validated_classifier(rows, 2, shuffle.fit(y_fit)).predict(rows.test);
    std::vector<double> ds(o.delays.begin(), o.delays.end()), per_delay, shuffled_per_delay;
    std::sort(ds.begin(), ds.end());
    ds.erase(std::unique(ds.begin(), ds.end()), ds.end());
    for (double D : ds) {
        per_delay.push_back(balanced_accuracy_at(task, stream, y_test, predicted, D));
        shuffled_per_delay.push_back(
            balanced_accuracy_at(task, stream, y_test_shuffled, predicted_shuffled, D));
    }
    TaskResult r = delay_curves_result(task,
                                       {.metric = "mean_balanced_accuracy",
                                        .chance = balanced_chance,
                                        .axis = "delays",
                                        .curve = "balanced_accuracy_per_delay",
                                        .delays = ds,
                                        .values = per_delay,
                                        .shuffled = shuffled_per_delay},
                                       states.cols());
    // Over all test episodes at once, next to the mean over delays.
    add_scored(r, "balanced_accuracy", balanced_accuracy_at(task, stream, y_test, predicted, -1),
               balanced_chance,
               balanced_accuracy_at(task, stream, y_test_shuffled, predicted_shuffled, -1));
    return r;
}

} // namespace

TaskKind dms_kind() {
    return {.name = "dms",
            .keys = {"rate", "samples", "domains", "domains_per_sample", "delays", "probe_gain"},
            .read = read,
            .items = items,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
