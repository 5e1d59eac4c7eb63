// SPDX-License-Identifier: MIT
// [task]: the keys every kind takes, then the kind's own (TaskKind::keys, read by its file).
// The run lasts as long as the stream: simulation.duration is set from it. io/ reads it through
// its extension point (SectionExtension), as a section owned by the layer above.
#include "experiment_file.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "task_keys.hpp"
#include "task_kind.hpp"

namespace gliasim::tasks {

namespace {

using experiment_io::BuildContext;
using experiment_io::Key;
using experiment_io::SectionReader;

// The keys every kind takes, in the order "(allowed: ...)" lists them.
const std::vector<std::string> kCommonKeys = {"input",   "item",       "gap",  "washout",
                                              "train",   "validation", "test", "seed",
                                              "readout", "reader",     "tau"};

// The kinds a file can name: those that read their keys.
std::vector<const TaskKind*> file_kinds() {
    std::vector<const TaskKind*> kinds;
    for (const auto& name : builtin_task_kinds().names())
        if (const TaskKind* k = builtin_task_kinds().find(name); k->read) kinds.push_back(k);
    return kinds;
}

// "a, b or c".
std::string or_list(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return out;
}

// The kind decides which keys [task] takes: it is read first.
const TaskKind& read_kind(const Key& kind_key) {
    std::vector<std::string> names;
    for (const TaskKind* k : file_kinds()) names.push_back(k->name);
    const std::string kind = kind_key.required(or_list(names)).string();
    for (const TaskKind* k : file_kinds())
        if (kind == k->name) return *k;
    kind_key.fail(fmt::format("unknown task kind '{}'{}", kind,
                              experiment_io::did_you_mean_or(
                                  kind, names, "; expected one of " + experiment_io::join(names))));
}

void read_readout(const TaskKeys& k, TaskSpec& ts) {
    const auto& ctx = k.context();
    const auto& pops = k.populations();
    const Key& readout = k["readout"];
    const toml::node& rn =
        readout.required("the populations read out, e.g. [\"E\", \"I\"]").value();
    if (!rn.is_array() || rn.as_array()->empty())
        readout.fail("expected a non-empty array of population names");
    std::size_t i = 0;
    for (const auto& e : *rn.as_array()) {
        const auto p = ctx.population_index(e, fmt::format("task.readout[{}]", i++));
        if (std::find(ts.readout.begin(), ts.readout.end(), p) != ts.readout.end())
            ctx.r.fail(&e, "task.readout", fmt::format("'{}' listed twice", pops[p].name));
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
        k.written().insert("reader", "trace");
    }
    k.time("tau", ts.tau, ctx.ex.network.dt);
}

// Every item_source population presents a task's items: without [task] it has none.
void refuse_items_without_task(const BuildContext& ctx) {
    const auto& pops = ctx.ex.network.populations;
    for (std::uint32_t p = 0; p < pops.size(); ++p)
        if (takes_items(*pops[p].model))
            ctx.r.fail(ctx.doc.get("populations"), "populations." + pops[p].name,
                       fmt::format("population '{}' (model {}) presents a task's items, but the "
                                   "experiment has no [task] naming it as input",
                                   pops[p].name, pops[p].model->name));
}

// The keys every kind takes, before the kind's own.
void read_common(const TaskKeys& k, TaskSpec& ts) {
    const auto& ctx = k.context();
    const auto& pops = k.populations();
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
}

void read_task(BuildContext& ctx) {
    const toml::table* t = ctx.section("task");
    if (!t) return refuse_items_without_task(ctx);
    TaskSpec ts;
    ts.seed = ctx.ex.network.seed;
    SectionReader s(ctx.r, *t, "task");
    const TaskKind& kind = read_kind(s.get("kind"));
    ts.kind = kind.name;
    TaskKeys k{ctx, *ctx.doc.get("task")->as_table()};
    for (const auto& names : {kCommonKeys, kind.keys})
        for (const auto& name : names) k.declare(name, s.get(name));
    s.finish(fmt::format("[task] of kind {}", kind.name));
    read_common(k, ts);
    kind.read(k, ts);
    read_readout(k, ts);
    // The stream decides the duration. A duration given anyway (e.g. --set for a quick
    // look) is kept; the readout is then scored only if the whole stream fits.
    const double stream = stream_ms(ts);
    const toml::table* sim = ctx.section("simulation");
    if (!sim || !sim->get("duration")) ctx.ex.network.duration = stream;
    ts.complete = ctx.ex.network.duration >= stream - 1e-9;
    ctx.ex.extensions["task"] = std::move(ts);
}

// Times the kinds' keys name (e.g. "selforg_end"), known before populations and projections
// are read so that their schedules can use them. Every kind looks, whichever the file names:
// the kind is judged later, with the other keys.
void name_task_times(BuildContext& ctx) {
    const toml::node* tn = ctx.doc.get("task");
    if (!tn || !tn->is_table()) return;
    for (const auto& name : builtin_task_kinds().names())
        if (const TaskKind* k = builtin_task_kinds().find(name); k->name_times) k->name_times(ctx);
}

} // namespace

const Key& TaskKeys::operator[](const std::string& name) const {
    const auto it = keys_.find(name);
    if (it == keys_.end())
        throw std::logic_error("[task] key '" + name + "' read but not declared by its kind");
    return it->second;
}

void TaskKeys::time(const char* name, double& v, double min) const {
    if (const Key& k = (*this)[name]) {
        v = k.quantity(Dim::time);
        if (!(v >= min)) k.fail(fmt::format("must be at least {} ms", min));
        ctx_.whole_steps(k, v);
    } else {
        w_.insert(name, experiment_io::quantity_text(v, Dim::time));
    }
}

void TaskKeys::rate(const char* name, double& v) const {
    if (const Key& k = (*this)[name]) {
        v = k.quantity(Dim::frequency);
        if (!(v > 0 && v < 1e5)) k.fail("a rate in (0, 100 kHz)");
    } else {
        w_.insert(name, experiment_io::quantity_text(v, Dim::frequency));
    }
}

void TaskKeys::delays(const char* name, std::vector<std::uint32_t>& delays,
                      std::int64_t max) const {
    const Key& k = (*this)[name];
    if (!k) return;
    delays.clear();
    if (!k.value().is_array() || k.value().as_array()->empty())
        k.fail("expected a non-empty array of delays in items");
    std::size_t i = 0;
    for (const auto& e : *k.value().as_array())
        delays.push_back(static_cast<std::uint32_t>(
            ctx_.r.integer(e, fmt::format("task.{}[{}]", name, i++), 0, max, "a delay")));
}

SectionExtension task_section() {
    return {"task", name_task_times, read_task, true};
}

} // namespace gliasim::tasks
