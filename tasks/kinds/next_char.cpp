// SPDX-License-Identifier: MIT
// next_char: the characters of a text (its 36-symbol alphabet, tasks/datasets.hpp, one-hot
// groups at `rate`) from `text_offset` on; a softmax readout of the state at the end of a
// character predicts the next one, scored in bits per character against n-gram baselines
// trained on the same characters (bigram and trigram: Kneser-Ney), its chance level and its
// shuffled-label null.
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "kinds.hpp"
#include "tasks/datasets.hpp"
#include "tasks/kind_support.hpp"
#include "tasks/metrics.hpp"
#include "tasks/metrics_null.hpp"
#include "tasks/task_keys.hpp"

namespace gliasim::tasks {

namespace {

struct Options {
    std::uint32_t symbols = 36;    // tasks/datasets.hpp Alphabet
    double rate = 100;             // [Hz] of a character's group
    std::string text;              // a file path, resolved
    std::uint64_t text_offset = 0; // characters skipped
};

// The text file: "kjv" (installed), or a path relative to the file that wrote the key.
std::string text_path(const TaskKeys& k, const experiment_io::Key& text) {
    std::string path = text.required("\"kjv\" or a text file relative to this file").string();
    if (path == "kjv") {
        path = "/usr/local/share/gliasim/kjv.txt";
        if (const char* env = std::getenv("GLIASIM_KJV_PATH")) path = env;
        return path;
    }
    // Relative to the file that wrote the key (a base file, through extends).
    const auto* from = text.value().source().path.get();
    const auto dir =
        std::filesystem::path(from && !from->empty() ? *from : k.context().ex.source).parent_path();
    return (dir / path).lexically_normal().string();
}

void read(const TaskKeys& k, TaskSpec& ts) {
    Options o;
    const auto& input = k.populations()[ts.input];
    k.rate("rate", o.rate);
    if (input.size < o.symbols)
        k["input"].fail(fmt::format("next_char codes 36 symbols on groups of input entities; '{}' "
                                    "has {}, fewer than 36",
                                    input.name, input.size));
    const experiment_io::Key& text = k["text"];
    o.text = text_path(k, text);
    if (!std::filesystem::is_regular_file(o.text))
        text.fail(fmt::format("no text file '{}' (\"kjv\" is installed by "
                              "scripts/install_deps.sh)",
                              o.text));
    ts.file_keys = {{"text", o.text}};
    k.count("text_offset", o.text_offset, 0, std::numeric_limits<std::int64_t>::max());
    const auto chars = std::filesystem::file_size(o.text);
    const auto needed = o.text_offset + ts.washout + ts.train + ts.validation + ts.test + 1;
    if (needed > chars)
        text.fail(fmt::format("'{}' has {} bytes, fewer than the {} characters the task needs",
                              o.text, chars, needed));
    ts.options = std::move(o);
}

void fill_stream(const TaskSpec& task, const StreamWidths&, TaskStream& s) {
    ItemStream& it = *s.items;
    const std::uint64_t n = it.sequence.size();
    const auto& o = options_of<Options>(task);
    const auto text = encode(read_text(o.text));
    if (text.size() < o.text_offset + n + 1)
        throw std::runtime_error(
            fmt::format("text '{}' encodes to {} characters; the task needs {} from offset {}",
                        o.text, text.size(), n + 1, o.text_offset));
    // symbol[n] is the character shown as item n; one more is kept: the last target.
    s.symbol.assign(text.begin() + static_cast<std::ptrdiff_t>(o.text_offset),
                    text.begin() + static_cast<std::ptrdiff_t>(o.text_offset + n + 1));
    one_hot_symbol_patterns(o.symbols, o.rate, it);
    for (std::uint64_t k = 0; k < n; ++k) it.sequence[k] = s.symbol[k];
}

// The readout: a softmax on the train items, its L2 penalty minimising the validation bits per
// character (y_fit: the next characters of the train, then the validation items).
SoftmaxModel next_char_readout(const SplitRows& rows, int classes, const std::vector<int>& y_fit) {
    const std::vector<int> y_val(y_fit.begin() + rows.T, y_fit.end());
    return fit_softmax_validated(
        rows.train(), {y_fit.begin(), y_fit.begin() + rows.T}, rows.validation(), classes,
        {1e-3, 1e-2, 1e-1}, [&](const SoftmaxModel& m, const Eigen::MatrixXd& v) {
            return -score_next_symbol(m.predict_proba(v), y_val).bits_per_character;
        });
}

// Scored for real and with the next characters shuffled (metrics_null.hpp); chance is the
// add-one unigram of the training characters, the best a readout blind to the state can do.
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    const SplitRows rows(task, states);
    const auto [W, T, V, E] = static_cast<const Splits&>(rows);
    auto next = [&](Eigen::Index item) {
        return static_cast<int>(stream.symbol[static_cast<std::size_t>(item + 1)]);
    };
    const std::vector<int> y_fit = labels_of(W, T + V, next),
                           y_test = labels_of(W + T + V, E, next);
    const int A = static_cast<int>(options_of<Options>(task).symbols);
    const NextSymbolScores sc =
        score_next_symbol(next_char_readout(rows, A, y_fit).predict_proba(rows.test), y_test);
    const LabelShuffle shuffle(task, y_fit.size(), y_test.size());
    const std::vector<int> shuffled_test = shuffle.test(y_test);
    const double shuffled_bpc =
        score_next_symbol(next_char_readout(rows, A, shuffle.fit(y_fit)).predict_proba(rows.test),
                          shuffled_test)
            .bits_per_character;
    // n-grams: trained on the characters of the training items (and their successors),
    // scored on the test items' next characters with everything before them as history.
    std::vector<int> train_text, history;
    for (Eigen::Index i = W; i <= W + T; ++i)
        train_text.push_back(static_cast<int>(stream.symbol[static_cast<std::size_t>(i)]));
    for (Eigen::Index i = 0; i <= W + T + V; ++i)
        history.push_back(static_cast<int>(stream.symbol[static_cast<std::size_t>(i)]));
    const auto baselines = ngram_baselines(train_text, y_test, A, 4, history);
    TaskResult r;
    add_scored(r, "bits_per_character", sc.bits_per_character, baselines[0].add_one_bpc,
               shuffled_bpc);
    r.scalars.emplace_back("bits_per_character_bigram", baselines[1].kneser_ney_bpc);
    r.scalars.emplace_back("bits_per_character_trigram", baselines[2].kneser_ney_bpc);
    r.scalars.emplace_back("perplexity", sc.perplexity);
    r.scalars.emplace_back("top1_accuracy", sc.top1_accuracy);
    r.scalars.emplace_back("features", static_cast<double>(states.cols()));
    std::vector<double> orders, add_one, kneser_ney;
    for (const auto& b : baselines) {
        orders.push_back(b.order);
        add_one.push_back(b.add_one_bpc);
        kneser_ney.push_back(b.kneser_ney_bpc);
        r.scalars.emplace_back(fmt::format("ngram{}_kneser_ney_bpc", b.order), b.kneser_ney_bpc);
    }
    r.curves = {{"ngram_order", orders},
                {"ngram_add_one_bpc", add_one},
                {"ngram_kneser_ney_bpc", kneser_ney}};
    r.axes = {"ngram_order"};
    return r;
}

} // namespace

TaskKind next_char_kind() {
    return {.name = "next_char",
            .keys = {"rate", "text", "text_offset"},
            .read = read,
            .fill_stream = fill_stream,
            .score = score};
}

} // namespace gliasim::tasks
