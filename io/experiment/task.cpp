// SPDX-License-Identifier: MIT
// [task]: the input stream, the readout and how it is trained (io/task_spec.hpp). The run
// lasts as long as the stream: simulation.duration is set from it. Read through the extension
// point (SectionExtension) like a section owned by a layer above io/.
#include "sections.hpp"

#include "models/item_stream.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <type_traits>

namespace gliasim::experiment_io {

namespace {

// The keys every kind takes, then those of each kind.
const std::vector<std::string> kCommonKeys = {"input",   "item",       "gap",  "washout",
                                              "train",   "validation", "test", "seed",
                                              "readout", "reader",     "tau"};
// The declared keys of [task] and the reads they share; defaults go into `w`.
struct TaskKeys {
    const BuildContext& ctx;
    toml::table& w;
    std::map<std::string, Key> keys = {};

    const Key& operator[](const std::string& name) const { return keys.at(name); }
    const toml::table& table() const { return *ctx.doc.get("task")->as_table(); }

    void time(const char* name, double& v, double min) const {
        if (const Key& k = (*this)[name]) {
            v = k.quantity(Dim::time);
            if (!(v >= min)) k.fail(fmt::format("must be at least {} ms", min));
            ctx.whole_steps(k, v);
        } else {
            w.insert(name, quantity_text(v, Dim::time));
        }
    }
    template <class T>
    void count(const char* name, T& v, std::int64_t min, std::int64_t max) const {
        if (const Key& k = (*this)[name])
            v = static_cast<T>(k.integer(min, max, "a count"));
        else
            w.insert(name, static_cast<std::int64_t>(v));
    }
    void rate(const char* name, double& v) const {
        if (const Key& k = (*this)[name]) {
            v = k.quantity(Dim::frequency);
            if (!(v > 0 && v < 1e5)) k.fail("a rate in (0, 100 kHz)");
        } else {
            w.insert(name, quantity_text(v, Dim::frequency));
        }
    }
    void delays(TaskSpec& ts, std::int64_t max) const {
        const Key& k = (*this)["delays"];
        if (!k) return;
        ts.delays.clear();
        if (!k.value().is_array() || k.value().as_array()->empty())
            k.fail("expected a non-empty array of delays in items");
        std::size_t i = 0;
        for (const auto& e : *k.value().as_array())
            ts.delays.push_back(static_cast<std::uint32_t>(
                ctx.r.integer(e, fmt::format("task.delays[{}]", i++), 0, max, "a delay")));
    }
};

void read_associative_recall(const TaskKeys& k, TaskSpec& ts) {
    const auto& pops = k.ctx.ex.network.populations;
    k.rate("rate", ts.rate);
    const Key& teacher = k["teacher"];
    ts.teacher =
        k.ctx.population_index(teacher.required("the item_source population of the values"));
    if (!takes_items(*pops[ts.teacher].model) || ts.teacher == ts.input)
        teacher.fail(fmt::format("the teacher must be an item_source population other than "
                                 "the input; '{}' is {}",
                                 pops[ts.teacher].name,
                                 ts.teacher == ts.input ? "the input"
                                                        : "model " + pops[ts.teacher].model->name));
    k.count("keys", ts.keys, 2, 1'000'000);
    k.count("values", ts.values, 2, 1'000'000);
    k.count("code_size", ts.code_size, 1, 1'000'000);
    const index_t width = pops[ts.input].size;
    const index_t narrow = std::min(width, pops[ts.teacher].size);
    if (ts.code_size > narrow)
        k["code_size"].fail_or_at_table(fmt::format(
            "codes of {} lines do not fit '{}' ({} entities) and '{}' ({})", ts.code_size,
            pops[ts.input].name, width, pops[ts.teacher].name, pops[ts.teacher].size));
    ts.delays = {0, 2, 4, 8, 16};
    k.delays(ts, 100000);
}

void read_memory_capacity(const TaskKeys& k, TaskSpec& ts) {
    k.rate("rate0", ts.rate0);
    k.count("max_delay", ts.max_delay, 1, 100000);
    if (ts.max_delay > ts.washout)
        k["max_delay"].fail_or_at_table(
            fmt::format("max_delay ({}) must not exceed washout ({}): the first "
                        "read-out item needs max_delay items before it",
                        ts.max_delay, ts.washout));
}

void read_image_classification(const TaskKeys& k, TaskSpec& ts) {
    const auto& pops = k.ctx.ex.network.populations;
    k.rate("rate", ts.rate);
    ts.symbols = 10;
    const Key& dataset = k["dataset"];
    if (dataset.required("\"fashion_mnist\" (Debian dataset-fashion-mnist)").string() !=
        "fashion_mnist")
        dataset.fail("the only image dataset is \"fashion_mnist\"");
    ts.dataset_dir = "/usr/share/datasets/fashion-mnist";
    if (const char* env = std::getenv("GLIASIM_FASHION_MNIST_DIR")) ts.dataset_dir = env;
    if (!std::filesystem::is_directory(ts.dataset_dir))
        dataset.fail(fmt::format("Fashion-MNIST is not installed ({} is missing): apt-get "
                                 "install dataset-fashion-mnist, or scripts/install_deps.sh",
                                 ts.dataset_dir));
    if (pops[ts.input].size != 784)
        k["input"].fail(fmt::format("Fashion-MNIST images have 784 pixels; '{}' has {} entities",
                                    pops[ts.input].name, pops[ts.input].size));
    k.count("selforg", ts.selforg, 0, 100'000'000);
    k.time("selforg_item", ts.selforg_item_ms, k.ctx.ex.network.dt);
    if (ts.washout + ts.train + ts.validation > 60000)
        k.ctx.r.fail(&k.table(), "task.train",
                     "washout + train + validation exceed the 60000 training images");
    if (ts.test > 10000) k["test"].fail("test exceeds the 10000 test images");
}

void read_next_char(const TaskKeys& k, TaskSpec& ts) {
    const auto& pops = k.ctx.ex.network.populations;
    k.rate("rate", ts.rate);
    ts.symbols = 36; // tasks/datasets.hpp Alphabet
    const index_t width = pops[ts.input].size;
    if (width < ts.symbols)
        k["input"].fail(fmt::format("next_char codes 36 symbols on groups of input entities; '{}' "
                                    "has {}, fewer than 36",
                                    pops[ts.input].name, width));
    const Key& text = k["text"];
    ts.text = text.required("\"kjv\" or a text file relative to this file").string();
    if (ts.text == "kjv") {
        ts.text = "/usr/local/share/gliasim/kjv.txt";
        if (const char* env = std::getenv("GLIASIM_KJV_PATH")) ts.text = env;
    } else {
        // Relative to the file that wrote the key (a base file, through extends).
        const auto* from = text.value().source().path.get();
        const auto dir =
            std::filesystem::path(from && !from->empty() ? *from : k.ctx.ex.source).parent_path();
        ts.text = (dir / ts.text).lexically_normal().string();
    }
    if (!std::filesystem::is_regular_file(ts.text))
        text.fail(fmt::format("no text file '{}' (\"kjv\" is installed by "
                              "scripts/install_deps.sh)",
                              ts.text));
    ts.file_keys = {{"text", ts.text}};
    k.count("text_offset", ts.text_offset, 0, std::numeric_limits<std::int64_t>::max());
    const auto chars = std::filesystem::file_size(ts.text);
    const auto needed = ts.text_offset + ts.washout + ts.train + ts.validation + ts.test + 1;
    if (needed > chars)
        text.fail(fmt::format("'{}' has {} bytes, fewer than the {} characters the task needs",
                              ts.text, chars, needed));
}

// delayed_recall and nback: symbols on groups of the input, recalled `delays` items later.
void read_symbol_task(const TaskKeys& k, TaskSpec& ts) {
    const auto& pops = k.ctx.ex.network.populations;
    k.rate("rate", ts.rate);
    k.count("symbols", ts.symbols, 2, 100000);
    const index_t width = pops[ts.input].size;
    if (width < ts.symbols)
        k["symbols"].fail_or_at_table(
            fmt::format("{} symbols need at least one input entity each; '{}' has {}", ts.symbols,
                        pops[ts.input].name, width));
    k.delays(ts, 100000);
    for (auto d : ts.delays)
        if (d > ts.washout)
            k["delays"].fail_or_at_table(
                fmt::format("delay {} exceeds washout ({})", d, ts.washout));
}

struct KindKeys {
    const char* name;
    std::vector<std::string> keys;
    void (*read)(const TaskKeys&, TaskSpec&);
};
// In the order of the "expected one of" list.
const std::vector<KindKeys> kKinds = {
    {"memory_capacity", {"rate0", "max_delay"}, read_memory_capacity},
    {"delayed_recall", {"symbols", "rate", "delays"}, read_symbol_task},
    {"next_char", {"rate", "text", "text_offset"}, read_next_char},
    {"image_classification",
     {"rate", "dataset", "selforg", "selforg_item"},
     read_image_classification},
    {"nback", {"symbols", "rate", "delays"}, read_symbol_task},
    {"associative_recall",
     {"rate", "teacher", "keys", "values", "code_size", "delays"},
     read_associative_recall},
};

void read_readout(const TaskKeys& k, TaskSpec& ts) {
    const auto& pops = k.ctx.ex.network.populations;
    const Key& readout = k["readout"];
    const toml::node& rn =
        readout.required("the populations read out, e.g. [\"E\", \"I\"]").value();
    if (!rn.is_array() || rn.as_array()->empty())
        readout.fail("expected a non-empty array of population names");
    std::size_t i = 0;
    for (const auto& e : *rn.as_array()) {
        const auto p = k.ctx.population_index(e, fmt::format("task.readout[{}]", i++));
        if (std::find(ts.readout.begin(), ts.readout.end(), p) != ts.readout.end())
            k.ctx.r.fail(&e, "task.readout", fmt::format("'{}' listed twice", pops[p].name));
        ts.readout.push_back(p);
    }
    if (const Key& reader = k["reader"]) {
        const std::string rd = reader.string();
        if (rd == "trace")
            ts.reader = TaskSpec::Reader::trace;
        else if (rd == "counts")
            ts.reader = TaskSpec::Reader::counts;
        else
            reader.fail(
                fmt::format("unknown reader '{}'; expected \"trace\" (exponentially filtered "
                            "spikes at each item end) or \"counts\" (spikes per item)",
                            rd));
    } else {
        k.w.insert("reader", "trace");
    }
    k.time("tau", ts.tau, k.ctx.ex.network.dt);
}

// The kind decides which keys [task] takes: it is read first.
const KindKeys& read_kind(const Key& kind_key) {
    const std::string kind =
        kind_key
            .required("memory_capacity, delayed_recall, nback, next_char, image_classification "
                      "or associative_recall")
            .string();
    for (const auto& k : kKinds)
        if (kind == k.name) return k;
    std::vector<std::string> kinds;
    for (const auto& k : kKinds) kinds.push_back(k.name);
    kind_key.fail(fmt::format("unknown task kind '{}'{}", kind,
                              did_you_mean_or(kind, kinds, "; expected one of " + join(kinds))));
}

void read_task(BuildContext& ctx) {
    const toml::table* t = ctx.section("task");
    const auto& pops = ctx.ex.network.populations;
    for (std::uint32_t p = 0; p < pops.size(); ++p)
        if (takes_items(*pops[p].model) && !t)
            ctx.r.fail(ctx.doc.get("populations"), "populations." + pops[p].name,
                       fmt::format("population '{}' (model {}) presents a task's items, but the "
                                   "experiment has no [task] naming it as input",
                                   pops[p].name, pops[p].model->name));
    if (!t) return;
    TaskSpec& ts = ctx.ex.task;
    ts.enabled = true;
    ts.seed = ctx.ex.network.seed;
    SectionReader s(ctx.r, *t, "task");
    const KindKeys& kind = read_kind(s.get("kind"));
    ts.kind = kind.name;
    TaskKeys k{ctx, *ctx.doc.get("task")->as_table()};
    for (const auto& names : {kCommonKeys, kind.keys})
        for (const auto& name : names) k.keys.emplace(name, s.get(name));
    s.finish(fmt::format("[task] of kind {}", kind.name));
    const Key& input = k["input"];
    ts.input = ctx.population_index(input.required("the item_source population"));
    if (!takes_items(*pops[ts.input].model))
        input.fail(fmt::format("population '{}' (model {}) cannot present items; use model = "
                               "\"item_source\"",
                               pops[ts.input].name, pops[ts.input].model->name));
    k.time("item", ts.item_ms, ctx.ex.network.dt);
    k.time("gap", ts.gap_ms, 0);
    k.count("washout", ts.washout, 0, 100'000'000);
    k.count("train", ts.train, 10, 100'000'000);
    k.count("validation", ts.validation, 1, 100'000'000);
    k.count("test", ts.test, 10, 100'000'000);
    k.count("seed", ts.seed, 0, std::numeric_limits<std::int64_t>::max());
    kind.read(k, ts);
    read_readout(k, ts);
    // The stream decides the duration. A duration given anyway (e.g. --set for a quick
    // look) is kept; the readout is then scored only if the whole stream fits.
    const double items = static_cast<double>(ts.stream_items());
    const double stream_ms =
        static_cast<double>(ts.selforg) * ts.selforg_item_ms + items * (ts.item_ms + ts.gap_ms);
    const toml::table* sim = ctx.section("simulation");
    if (!sim || !sim->get("duration")) ctx.ex.network.duration = stream_ms;
    ts.complete = ctx.ex.network.duration >= stream_ms - 1e-9;
}

// "selforg_end" = task.selforg x task.selforg_item, known before populations and projections
// are read so their reset schedules and learn_until can name it.
void name_task_phase_times(BuildContext& ctx) {
    const toml::node* tn = ctx.doc.get("task");
    if (!tn || !tn->is_table()) return;
    const toml::table& t = *tn->as_table();
    const toml::node* sn = t.get("selforg");
    if (!sn) return;
    double item_ms = TaskSpec{}.selforg_item_ms;
    if (const auto* n = t.get("selforg_item"))
        item_ms = ctx.r.quantity(*n, "task.selforg_item", Dim::time);
    const auto count = ctx.r.integer(*sn, "task.selforg", 0, 100'000'000, "a count");
    ctx.r.name_time("selforg_end", static_cast<double>(count) * item_ms);
}

} // namespace

SectionExtension task_section() {
    return {"task", name_task_phase_times, read_task, true};
}

} // namespace gliasim::experiment_io
