// SPDX-License-Identifier: MIT
#include "runner.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <initializer_list>
#include <limits>
#include <stdexcept>

#include "core/rng.hpp"
#include "datasets.hpp"
#include "metrics.hpp"
#include "trainers.hpp"

namespace gliasim::tasks {

namespace {

// Pearson correlation squared of two equally long vectors (0 when either is constant).
double corr2(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    const Eigen::VectorXd x = a.array() - a.mean();
    const Eigen::VectorXd y = b.array() - b.mean();
    const double sxx = x.squaredNorm(), syy = y.squaredNorm();
    if (sxx <= 0 || syy <= 0) return 0;
    const double sxy = x.dot(y);
    return sxy * sxy / (sxx * syy);
}

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

} // namespace

namespace {

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

// Episodes of key -> value pairs (TaskSpec::associative_recall): the key stream on the input,
// the value stream on the teacher (pattern `values` is silence, for the queries).
void associative_stream(const TaskSpec& task, std::size_t width, std::size_t teacher_width,
                        TaskStream& s) {
    ItemStream& keys = *s.items;
    keys.rates = random_codes(task.seed, 2, task.keys, task.code_size, width, task.rate);
    s.teacher = std::make_shared<ItemStream>(keys);
    ItemStream& values = *s.teacher;
    values.width = teacher_width;
    values.rates =
        random_codes(task.seed, 3, task.values, task.code_size, teacher_width, task.rate);
    values.rates.resize(values.rates.size() + teacher_width, 0.0f);
    std::uint64_t item = 0;
    auto show = [&](std::uint32_t key, std::uint32_t value) {
        keys.sequence[item] = key;
        values.sequence[item] = value;
        ++item;
    };
    for (std::uint64_t e = 0; e < task.episodes(); ++e) {
        RandomStream rs(task.seed, Stream::task, 4, e);
        const auto L = task.delays[e % task.delays.size()];
        const auto key = static_cast<std::uint32_t>(rs.below(task.keys));
        const auto value = static_cast<std::uint32_t>(rs.below(task.values));
        show(key, value);
        for (std::uint32_t l = 0; l < L; ++l) {
            auto other = static_cast<std::uint32_t>(rs.below(task.keys - 1));
            if (other >= key) ++other;
            show(other, static_cast<std::uint32_t>(rs.below(task.values)));
        }
        s.query_item.push_back(item);
        s.query_value.push_back(value);
        s.query_interference.push_back(L);
        show(key, task.values);
    }
}

// Associative recall: one softmax readout names the value from the state at the end of each
// query (train queries fit it, validation queries choose its L2 penalty); the test accuracy
// is reported overall and per number of interfering pairs.
TaskResult score_associative_recall(const TaskSpec& task, const TaskStream& stream,
                                    const Eigen::MatrixXd& states) {
    const auto W = static_cast<Eigen::Index>(task.washout);
    const auto T = static_cast<Eigen::Index>(task.train);
    const auto V = static_cast<Eigen::Index>(task.validation);
    const auto E = static_cast<Eigen::Index>(task.test);
    Eigen::MatrixXd Q(W + T + V + E, states.cols());
    for (Eigen::Index e = 0; e < Q.rows(); ++e)
        Q.row(e) =
            states.row(static_cast<Eigen::Index>(stream.query_item[static_cast<std::size_t>(e)]));
    auto labels = [&](Eigen::Index first, Eigen::Index rows) {
        std::vector<int> y;
        for (Eigen::Index i = 0; i < rows; ++i)
            y.push_back(static_cast<int>(stream.query_value[static_cast<std::size_t>(first + i)]));
        return y;
    };
    const std::vector<int> y_train = labels(W, T), y_val = labels(W + T, V),
                           y_test = labels(W + T + V, E);
    const int classes = static_cast<int>(task.values);
    const SoftmaxModel model = fit_softmax_validated(
        Q.middleRows(W, T), y_train, Q.middleRows(W + T, V), classes, {1e-3, 1e-2, 1e-1},
        [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
            return accuracy(y_val, m.predict(v));
        });
    const std::vector<int> predicted = model.predict(Q.middleRows(W + T + V, E));
    std::vector<double> ls(task.delays.begin(), task.delays.end()), per_l;
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
    r.scalars = {{"test_accuracy", accuracy(y_test, predicted)},
                 {"chance", 1.0 / static_cast<double>(task.values)},
                 {"features", static_cast<double>(states.cols())}};
    r.curves = {{"interfering_pairs", ls}, {"accuracy_per_interfering_pairs", per_l}};
    r.axes = {"interfering_pairs"};
    return r;
}

} // namespace

TaskStream make_stream(const TaskSpec& task, std::size_t width, std::size_t teacher_width) {
    const std::uint64_t n = task_items(task);
    TaskStream s;
    s.items = std::make_shared<ItemStream>();
    ItemStream& it = *s.items;
    it.item_ms = task.item_ms;
    it.gap_ms = task.gap_ms;
    it.width = width;
    it.sequence.resize(n);
    if (task.kind == TaskSpec::Kind::image_classification) {
        const FashionMnist data = load_fashion_mnist(task.dataset_dir);
        const std::size_t px = data.train.images.pixels_per_image();
        if (px != width)
            throw std::runtime_error(fmt::format(
                "the images have {} pixels but the input population has {} entities", px, width));
        // NALSM's encoding: p = x / sum(x), divided by the largest p over the training set.
        auto probabilities = [&](const ImageSet& set, std::size_t i, std::vector<double>& p) {
            const auto img = set.image(i);
            double sum = 0;
            for (auto v : img) sum += v;
            p.resize(img.size());
            for (std::size_t k = 0; k < img.size(); ++k) p[k] = sum > 0 ? img[k] / sum : 0.0;
        };
        std::vector<double> p;
        double max_p = 0;
        for (std::size_t i = 0; i < data.train.images.count; ++i) {
            probabilities(data.train.images, i, p);
            max_p = std::max(max_p, *std::max_element(p.begin(), p.end()));
        }
        const std::size_t n_train = data.train.images.count;
        const std::uint64_t trainlike = task.washout + task.train + task.validation;
        it.prefix_items = task.selforg;
        it.prefix_item_ms = task.selforg_item_ms;
        it.sequence.resize(task.selforg + n);
        s.symbol.resize(n);
        // Patterns: the training images used (self-organisation cycles through them), then the
        // test images.
        const std::size_t used_train = std::min<std::size_t>(
            n_train,
            std::max<std::uint64_t>(trainlike, std::min<std::uint64_t>(task.selforg, n_train)));
        it.rates.resize((used_train + task.test) * width);
        for (std::size_t i = 0; i < used_train + task.test; ++i) {
            const bool test = i >= used_train;
            probabilities(test ? data.test.images : data.train.images, test ? i - used_train : i,
                          p);
            for (std::size_t k = 0; k < width; ++k)
                it.rates[i * width + k] = static_cast<float>(task.rate * p[k] / max_p);
        }
        for (std::uint64_t k = 0; k < task.selforg; ++k)
            it.sequence[k] = static_cast<std::uint32_t>(k % used_train);
        for (std::uint64_t k = 0; k < n; ++k) {
            const bool test = k >= trainlike;
            const std::size_t image = test ? k - trainlike : k;
            it.sequence[task.selforg + k] =
                static_cast<std::uint32_t>(test ? used_train + image : image);
            s.symbol[k] = test ? data.test.labels[image] : data.train.labels[image];
        }
        return s;
    }
    if (task.kind == TaskSpec::Kind::associative_recall) {
        associative_stream(task, width, teacher_width, s);
        return s;
    }
    if (task.kind == TaskSpec::Kind::memory_capacity) {
        // One pattern per item: every input entity at rate0 (1 + u(n)).
        s.values.resize(n);
        it.rates.resize(n * width);
        for (std::uint64_t k = 0; k < n; ++k) {
            RandomStream rs(task.seed, Stream::task, 0, k);
            s.values[k] = 2.0 * rs.uniform() - 1.0;
            std::fill_n(it.rates.begin() + static_cast<std::ptrdiff_t>(k * width), width,
                        static_cast<float>(task.rate0 * (1.0 + s.values[k])));
            it.sequence[k] = static_cast<std::uint32_t>(k);
        }
    } else {
        // One pattern per symbol: its group of entities at `rate`, the rest silent.
        const std::uint32_t A = task.symbols;
        if (task.kind == TaskSpec::Kind::next_char) {
            const auto text = encode(read_text(task.text));
            if (text.size() < task.text_offset + n + 1)
                throw std::runtime_error(fmt::format(
                    "text '{}' encodes to {} characters; the task needs {} from offset {}",
                    task.text, text.size(), n + 1, task.text_offset));
            // symbol[n] is the character shown as item n; one more is kept: the last target.
            s.symbol.assign(text.begin() + static_cast<std::ptrdiff_t>(task.text_offset),
                            text.begin() + static_cast<std::ptrdiff_t>(task.text_offset + n + 1));
        }
        it.rates.assign(static_cast<std::size_t>(A) * width, 0.0f);
        for (std::uint32_t a = 0; a < A; ++a)
            for (std::size_t i = width * a / A; i < width * (a + 1) / A; ++i)
                it.rates[a * width + i] = static_cast<float>(task.rate);
        if (task.kind == TaskSpec::Kind::delayed_recall || task.kind == TaskSpec::Kind::nback) {
            s.symbol.resize(n);
            for (std::uint64_t k = 0; k < n; ++k) {
                RandomStream rs(task.seed, Stream::task, 1, k);
                s.symbol[k] = static_cast<std::uint32_t>(rs.below(A));
            }
        }
        for (std::uint64_t k = 0; k < n; ++k) it.sequence[k] = s.symbol[k];
    }
    return s;
}

StateAccumulator::StateAccumulator(const NetworkSpec& spec, const TaskSpec& task,
                                   std::uint64_t n_items)
    : task_(task), dt_(spec.dt) {
    item_steps_ = std::llround(task.item_ms / dt_);
    period_ = item_steps_ + std::llround(task.gap_ms / dt_);
    // The task's items start after the self-organisation prefix.
    start_ = static_cast<step_t>(task.selforg) * std::llround(task.selforg_item_ms / dt_);
    Eigen::Index columns = 0;
    for (auto p : task.readout) {
        Readout r;
        r.offset = columns;
        r.size = spec.populations[p].size;
        if (task.reader == TaskSpec::Reader::trace) {
            r.trace.assign(r.size, 0.0);
            r.last.assign(r.size, 0);
        }
        readouts_.push_back(std::move(r));
        columns += spec.populations[p].size;
    }
    X_ = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_items), columns);
}

// The trace state of every item that ends before step t (a spike in step s counts at s + 1).
void StateAccumulator::close_items_before(Readout& r, step_t t) {
    for (; r.next_item < X_.rows(); ++r.next_item) {
        const step_t end = start_ + r.next_item * period_ + item_steps_;
        if (end >= t) return;
        for (index_t i = 0; i < r.size; ++i)
            if (r.trace[i] != 0)
                X_(r.next_item, r.offset + i) =
                    r.trace[i] * std::exp(-static_cast<double>(end - r.last[i]) * dt_ / task_.tau);
    }
}

void StateAccumulator::add(std::size_t k, std::span<const Spike> spikes) {
    Readout& r = readouts_[k];
    if (task_.reader == TaskSpec::Reader::counts) {
        for (const Spike& s : spikes) {
            if (s.step < start_) continue;
            const auto item = static_cast<Eigen::Index>((s.step - start_) / period_);
            if ((s.step - start_) % period_ < item_steps_ && item < X_.rows())
                X_(item, r.offset + s.index) += 1.0;
        }
        return;
    }
    // Each spike (recorded at the end of its step) adds 1 to its neuron's trace, which decays
    // with tau; the state of item k is the trace at the end of the item.
    for (const Spike& s : spikes) {
        const step_t t = s.step + 1;
        close_items_before(r, t);
        r.trace[s.index] = r.trace[s.index] * std::exp(-static_cast<double>(t - r.last[s.index]) *
                                                       dt_ / task_.tau) +
                           1.0;
        r.last[s.index] = t;
    }
}

void StateAccumulator::archive(StateArchive& a) {
    for (std::size_t k = 0; k < readouts_.size(); ++k) {
        const auto s = a.scope("readout/" + std::to_string(k));
        Readout& r = readouts_[k];
        a.io("trace", r.trace);
        a.io("last_spike", r.last);
        std::int64_t next = r.next_item;
        a.scalar("next_item", next);
        r.next_item = next;
    }
    // Items that have begun have a row; the rows after the last non-zero one are still zero.
    std::int64_t rows = X_.rows();
    if (!a.loading())
        while (rows > 0 && (X_.row(rows - 1).array() == 0.0).all()) --rows;
    a.scalar("item_rows", rows);
    if (rows < 0 || rows > X_.rows())
        throw CheckpointMismatch("the checkpoint has more task items than this task");
    std::vector<double> block(static_cast<std::size_t>(rows * X_.cols()));
    Eigen::Map<Eigen::MatrixXd> view(block.data(), rows, X_.cols());
    if (!a.loading()) view = X_.topRows(rows);
    a.io("item_states", block);
    if (a.loading()) X_.topRows(rows) = view;
}

Eigen::MatrixXd StateAccumulator::finish() {
    if (task_.reader == TaskSpec::Reader::trace)
        for (auto& r : readouts_) close_items_before(r, std::numeric_limits<step_t>::max());
    return std::move(X_);
}

Eigen::MatrixXd read_states(const Simulation& sim, const TaskSpec& task, std::uint64_t n_items) {
    StateAccumulator acc(sim.network().spec(), task, n_items);
    for (std::size_t k = 0; k < task.readout.size(); ++k)
        acc.add(k, sim.kept_spikes(task.readout[k]));
    return acc.finish();
}

TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    // One Eigen thread: the readout's sums then do not depend on the number of threads, so a
    // task's figures are as reproducible as its spikes.
    Eigen::setNbThreads(1);
    TaskResult r;
    const auto W = static_cast<Eigen::Index>(task.washout);
    const auto T = static_cast<Eigen::Index>(task.train);
    const auto V = static_cast<Eigen::Index>(task.validation);
    const auto E = static_cast<Eigen::Index>(task.test);
    const Eigen::MatrixXd fit_rows = states.middleRows(W, T + V); // train, then validation
    const Eigen::MatrixXd test_rows = states.middleRows(W + T + V, E);
    std::vector<Eigen::Index> validation(static_cast<std::size_t>(V));
    for (Eigen::Index i = 0; i < V; ++i) validation[static_cast<std::size_t>(i)] = T + i;

    if (task.kind == TaskSpec::Kind::memory_capacity) {
        // One ridge readout per delay k, u(n - k) from the state at the end of item n; each
        // delay chooses its own regulariser on the validation rows.
        const Eigen::Index K = task.max_delay;
        Eigen::MatrixXd Y(T + V, K), Y_test(E, K);
        for (Eigen::Index k = 1; k <= K; ++k) {
            for (Eigen::Index i = 0; i < T + V; ++i)
                Y(i, k - 1) = stream.values[static_cast<std::size_t>(W + i - k)];
            for (Eigen::Index i = 0; i < E; ++i)
                Y_test(i, k - 1) = stream.values[static_cast<std::size_t>(W + T + V + i - k)];
        }
        RidgeOptions o;
        o.validation_rows = validation;
        o.per_output = true;
        const RidgeFit fit = fit_ridge(fit_rows, Y, o);
        const Eigen::MatrixXd pred = fit.model.predict(test_rows);
        std::vector<double> mc(static_cast<std::size_t>(K));
        double total = 0;
        double half_life = static_cast<double>(K + 1);
        for (Eigen::Index k = 0; k < K; ++k) {
            mc[static_cast<std::size_t>(k)] = corr2(pred.col(k), Y_test.col(k));
            total += mc[static_cast<std::size_t>(k)];
            if (mc[static_cast<std::size_t>(k)] < 0.5 && half_life > static_cast<double>(K))
                half_life = static_cast<double>(k + 1);
        }
        r.scalars = {{"memory_capacity", total},
                     {"half_life_items", half_life},
                     {"features", static_cast<double>(states.cols())}};
        r.curves = {{"memory_capacity_per_delay", mc}};
    } else if (task.kind == TaskSpec::Kind::associative_recall) {
        r = score_associative_recall(task, stream, states);
    } else if (task.kind == TaskSpec::Kind::nback) {
        // N-back match: a two-class softmax per N answers s(n) == s(n - N); scored by balanced
        // accuracy (the mean of the two classes' accuracies), so chance is 0.5.
        std::vector<double> balanced;
        for (auto d : task.delays) {
            auto match = [&](Eigen::Index first, Eigen::Index rows) {
                std::vector<int> y;
                for (Eigen::Index i = 0; i < rows; ++i) {
                    const auto at = static_cast<std::size_t>(first + i);
                    y.push_back(stream.symbol[at] == stream.symbol[at - d] ? 1 : 0);
                }
                return y;
            };
            const std::vector<int> y_train = match(W, T), y_val = match(W + T, V),
                                   y_test = match(W + T + V, E);
            auto score_of = [](const std::vector<int>& y, const std::vector<int>& p) {
                const auto c = per_class_accuracy(y, p, 2);
                return 0.5 * ((std::isnan(c[0]) ? 0.5 : c[0]) + (std::isnan(c[1]) ? 0.5 : c[1]));
            };
            const SoftmaxModel model = fit_softmax_validated(
                fit_rows.topRows(T), y_train, fit_rows.bottomRows(V), 2, {1e-3, 1e-2, 1e-1},
                [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                    return score_of(y_val, m.predict(v));
                });
            balanced.push_back(score_of(y_test, model.predict(test_rows)));
        }
        double mean = 0;
        for (double b : balanced) mean += b;
        mean /= static_cast<double>(balanced.size());
        r.scalars = {{"mean_balanced_accuracy", mean},
                     {"chance", 0.5},
                     {"features", static_cast<double>(states.cols())}};
        std::vector<double> ns(task.delays.begin(), task.delays.end());
        r.curves = {{"n_back", ns}, {"balanced_accuracy_per_n", balanced}};
        r.axes = {"n_back"};
    } else if (task.kind == TaskSpec::Kind::image_classification) {
        // A softmax readout of the item's state names the class; its L2 penalty is chosen on
        // the validation images.
        auto labels = [&](Eigen::Index first, Eigen::Index rows) {
            std::vector<int> y;
            for (Eigen::Index i = 0; i < rows; ++i)
                y.push_back(static_cast<int>(stream.symbol[static_cast<std::size_t>(first + i)]));
            return y;
        };
        const std::vector<int> y_train = labels(W, T), y_val = labels(W + T, V),
                               y_test = labels(W + T + V, E);
        auto validation_accuracy = [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
            return accuracy(y_val, m.predict(v));
        };
        const SoftmaxModel model =
            fit_softmax_validated(fit_rows.topRows(T), y_train, fit_rows.bottomRows(V), 10,
                                  {1e-4, 1e-3, 1e-2}, validation_accuracy);
        const double best = validation_accuracy(model, fit_rows.bottomRows(V));
        const std::vector<int> predicted = model.predict(test_rows);
        const Eigen::MatrixXi confusion = confusion_matrix(y_test, predicted, 10);
        std::vector<double> flat;
        for (int i = 0; i < 10; ++i)
            for (int j = 0; j < 10; ++j) flat.push_back(confusion(i, j));
        r.scalars = {{"test_accuracy", accuracy(y_test, predicted)},
                     {"validation_accuracy", best},
                     {"features", static_cast<double>(states.cols())}};
        r.curves = {{"confusion_true_by_predicted", flat},
                    {"per_class_accuracy", per_class_accuracy(y_test, predicted, 10)}};
    } else if (task.kind == TaskSpec::Kind::next_char) {
        // The next character from the state at the end of the current one: a softmax readout
        // whose L2 penalty minimises the validation bits per character; n-gram models trained
        // on the same training characters are the baselines.
        auto next = [&](Eigen::Index first, Eigen::Index rows) {
            std::vector<int> y;
            for (Eigen::Index i = 0; i < rows; ++i)
                y.push_back(
                    static_cast<int>(stream.symbol[static_cast<std::size_t>(first + i + 1)]));
            return y;
        };
        const std::vector<int> y_train = next(W, T), y_val = next(W + T, V),
                               y_test = next(W + T + V, E);
        const int A = static_cast<int>(task.symbols);
        const SoftmaxModel model = fit_softmax_validated(
            fit_rows.topRows(T), y_train, fit_rows.bottomRows(V), A, {1e-3, 1e-2, 1e-1},
            [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                return -score_next_symbol(m.predict_proba(v), y_val).bits_per_character;
            });
        const NextSymbolScores sc = score_next_symbol(model.predict_proba(test_rows), y_test);
        // n-grams: trained on the characters of the training items (and their successors),
        // scored on the test items' next characters with everything before them as history.
        std::vector<int> train_text, history, test_text;
        for (Eigen::Index i = W; i <= W + T; ++i)
            train_text.push_back(static_cast<int>(stream.symbol[static_cast<std::size_t>(i)]));
        for (Eigen::Index i = 0; i <= W + T + V; ++i)
            history.push_back(static_cast<int>(stream.symbol[static_cast<std::size_t>(i)]));
        test_text = y_test;
        const auto baselines = ngram_baselines(train_text, test_text, A, 4, history);
        r.scalars = {{"bits_per_character", sc.bits_per_character},
                     {"perplexity", sc.perplexity},
                     {"top1_accuracy", sc.top1_accuracy},
                     {"features", static_cast<double>(states.cols())}};
        std::vector<double> orders, add_one, kneser_ney;
        for (const auto& b : baselines) {
            orders.push_back(b.order);
            add_one.push_back(b.add_one_bpc);
            kneser_ney.push_back(b.kneser_ney_bpc);
            r.scalars.emplace_back(fmt::format("ngram{}_kneser_ney_bpc", b.order),
                                   b.kneser_ney_bpc);
        }
        r.curves = {{"ngram_order", orders},
                    {"ngram_add_one_bpc", add_one},
                    {"ngram_kneser_ney_bpc", kneser_ney}};
        r.axes = {"ngram_order"};
    } else {
        // Delayed recall: a softmax readout per delay d names the symbol d items back; its L2
        // penalty is chosen on the validation rows.
        std::vector<double> accuracy_per_delay;
        for (auto d : task.delays) {
            std::vector<int> y_train, y_val, y_test;
            for (Eigen::Index i = 0; i < T; ++i)
                y_train.push_back(
                    static_cast<int>(stream.symbol[static_cast<std::size_t>(W + i - d)]));
            for (Eigen::Index i = 0; i < V; ++i)
                y_val.push_back(
                    static_cast<int>(stream.symbol[static_cast<std::size_t>(W + T + i - d)]));
            for (Eigen::Index i = 0; i < E; ++i)
                y_test.push_back(
                    static_cast<int>(stream.symbol[static_cast<std::size_t>(W + T + V + i - d)]));
            const int A = static_cast<int>(task.symbols);
            const SoftmaxModel best_model = fit_softmax_validated(
                fit_rows.topRows(T), y_train, fit_rows.bottomRows(V), A, {1e-3, 1e-2, 1e-1},
                [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
                    return accuracy(y_val, m.predict(v));
                });
            accuracy_per_delay.push_back(accuracy(y_test, best_model.predict(test_rows)));
        }
        double mean = 0;
        for (double a : accuracy_per_delay) mean += a;
        mean /= static_cast<double>(accuracy_per_delay.size());
        r.scalars = {{"mean_accuracy", mean},
                     {"chance", 1.0 / static_cast<double>(task.symbols)},
                     {"features", static_cast<double>(states.cols())}};
        std::vector<double> delays(task.delays.begin(), task.delays.end());
        r.curves = {{"delays", delays}, {"accuracy_per_delay", accuracy_per_delay}};
        r.axes = {"delays"};
    }
    return r;
}

std::uint64_t task_items(const TaskSpec& t) {
    return t.stream_items();
}

void attach_stream(NetworkSpec& spec, const TaskSpec& task, const TaskStream& stream) {
    spec.populations[task.input].items = stream.items;
    if (stream.teacher) spec.populations[task.teacher].items = stream.teacher;
}

std::shared_ptr<StateAccumulator> stream_readout(Simulation& sim, const TaskSpec& task) {
    auto acc = std::make_shared<StateAccumulator>(sim.network().spec(), task, task_items(task));
    const double dt = sim.network().spec().dt;
    for (std::size_t k = 0; k < task.readout.size(); ++k) // from the task's first item on
        sim.stream_spikes(
            task.readout[k], [acc, k](std::span<const Spike> s) { acc->add(k, s); },
            std::llround(static_cast<double>(task.selforg) * task.selforg_item_ms / dt));
    return acc;
}

TaskResult finish(StateAccumulator& states, const TaskSpec& task, const TaskStream& stream,
                  const RunStats& stats) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t n = task_items(task);
    TaskResult r = score(task, stream, states.finish());
    r.stats = stats;
    r.scalars.emplace_back("items", static_cast<double>(n));
    r.scalars.emplace_back("items_per_second", stats.wall_simulate > 0
                                                   ? static_cast<double>(n) / stats.wall_simulate
                                                   : 0);
    r.scalars.emplace_back(
        "readout_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return r;
}

TaskResult run_task(NetworkSpec spec, const TaskSpec& task, RecordingBackend& backend,
                    const ProgressFn& progress) {
    const TaskStream stream =
        make_stream(task, spec.populations[task.input].size, spec.populations[task.teacher].size);
    attach_stream(spec, task, stream);
    // The whole stream, whatever simulation.duration says: the readout needs every item.
    spec.duration = std::max(
        spec.duration, static_cast<double>(task.selforg) * task.selforg_item_ms +
                           static_cast<double>(task_items(task)) * (task.item_ms + task.gap_ms));
    Simulation sim(spec);
    const auto states = stream_readout(sim, task);
    const RunStats stats = sim.run(backend, progress);
    return finish(*states, task, stream, stats);
}

} // namespace gliasim::tasks
