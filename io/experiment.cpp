// SPDX-License-Identifier: MIT
// Experiment files: TOML in, a validated NetworkSpec out. Every problem becomes an InputError
// that names the file, line and column, the key path and what was expected.
#include "experiment.hpp"
#include "experiment_document.hpp"
#include "experiment_initial.hpp"
#include "experiment_names.hpp"
#include "experiment_source.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <toml++/toml.h>
#include <type_traits>

#include "core/resource_estimate.hpp"

namespace gliasim {

namespace {

constexpr std::int64_t kMaxPopulationSize = std::numeric_limits<std::int32_t>::max();
constexpr double kMaxTimeMs = 1e14;

const std::vector<std::string> kTopLevel = {"simulation", "output",    "populations", "projections",
                                            "stimuli",    "recorders", "analysis",    "task",
                                            "sweep"}; // [sweep]: read by `gliasim sweep` only
const std::vector<std::string> kSimulationKeys = {"duration", "dt", "seed", "threads"};
const std::vector<std::string> kOutputKeys = {"file", "flush_interval"};
const std::vector<std::string> kPopulationKeys = {"model",    "size",      "initial", "spike_times",
                                                  "coupling", "positions", "reset",   "modulator"};
const std::vector<std::string> kProjectionKeys = {
    "source",         "target",          "rule",      "p",      "indegree",
    "allow_autapses", "allow_multapses", "synapse",   "weight", "delay",
    "receptor",       "third_factor",    "modulator", "C",      "lambda"};
const std::vector<std::string> kThirdFactorKeys = {"population", "p",         "pool_type",
                                                   "pool_size",  "weight_in", "delay_in",
                                                   "weight_out", "delay_out", "gliotransmission"};
const std::vector<std::string> kStimulusKeys = {"model", "target", "ids",     "start",
                                                "stop",  "weight", "receptor"};
const std::vector<std::string> kRecorderKeys = {"kind", "populations", "population", "variables",
                                                "ids",  "sample",      "interval",   "projection",
                                                "bins", "range"};
const std::vector<std::string> kRules = {"bernoulli", "fixed_indegree", "one_to_one", "all_to_all",
                                         "distance"};

std::string example_for(Dim d) {
    switch (d) {
    case Dim::time:
        return "\"20 ms\"";
    case Dim::voltage:
        return "\"-65 mV\"";
    case Dim::current:
        return "\"100 pA\"";
    case Dim::conductance:
        return "\"0.6 nS\"";
    case Dim::capacitance:
        return "\"250 pF\"";
    case Dim::frequency:
        return "\"5 Hz\"";
    case Dim::concentration:
        return "\"0.1 uM\"";
    case Dim::dimensionless:
        return "0.5";
    }
    return "";
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

std::string type_name(const toml::node& n) {
    switch (n.type()) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a number";
    case toml::node_type::boolean:
        return "a boolean";
    default:
        return "a date/time";
    }
}

class Reader {
public:
    Reader(std::string file, std::set<std::string> overridden)
        : file_(std::move(file)), overridden_(std::move(overridden)) {}

    // A name accepted wherever a time is, e.g. "selforg_end" of an image task, so schedules
    // follow the task's phases instead of hand-computed times.
    void name_time(const std::string& name, double ms) { named_times_[name] = ms; }

    [[noreturn]] void fail(const toml::node* n, const std::string& key,
                           const std::string& msg) const {
        std::uint32_t line = 0, col = 0;
        const std::string* file = nullptr; // set for nodes from a file this one extends
        if (n) {
            line = n->source().begin.line;
            col = n->source().begin.column;
            file = n->source().path.get();
        }
        fail_at(line, col, key, msg, file);
    }

    // Errors inside what --set wrote name that override; nodes with no position in the file
    // (tables --set created) are blamed on the override sharing the longest key prefix.
    [[noreturn]] void fail_at(std::uint32_t line, std::uint32_t col, const std::string& key,
                              const std::string& msg, const std::string* file = nullptr) const {
        for (const auto& o : overridden_)
            if (key == o || key.starts_with(o + ".") || key.starts_with(o + "["))
                throw InputError("--set " + o, 0, 0, key, msg);
        if (line == 0) {
            std::string best;
            std::size_t best_len = 0;
            for (const auto& o : overridden_) {
                std::size_t n = 0;
                while (n < o.size() && n < key.size() && o[n] == key[n]) ++n;
                if (n > best_len) best_len = n, best = o;
            }
            if (!best.empty()) throw InputError("--set " + best, 0, 0, key, msg);
            line = 1, col = 1;
        }
        throw InputError(file && !file->empty() ? *file : file_, line, col, key, msg);
    }

    const toml::table& table(const toml::node& n, const std::string& key) const {
        if (!n.is_table()) fail(&n, key, "expected a table, got " + type_name(n));
        return *n.as_table();
    }

    void check_keys(const toml::table& t, const std::string& path,
                    const std::vector<std::string>& allowed, const std::string& what) const {
        for (const auto& [k, v] : t) {
            const std::string name(k.str());
            if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
            const std::string full = path.empty() ? name : path + "." + name;
            std::string msg = fmt::format("unknown key '{}' in {}", name, what);
            const auto guess = closest_match(name, allowed);
            if (!guess.empty())
                msg += fmt::format("; did you mean '{}'?", guess);
            else
                msg += fmt::format(" (allowed: {})", join(allowed));
            // Point at the key (`key = value`) or at the `[header]` of a table, not at a value.
            if (v.is_table() && !v.as_table()->is_inline() && v.source().begin.line > 0)
                fail(&v, full, msg);
            fail_at(k.source().begin.line, k.source().begin.column, full, msg);
        }
    }

    const toml::node& required(const toml::table& t, const std::string& path, const std::string& k,
                               const std::string& what) const {
        const toml::node* n = t.get(k);
        if (!n) fail(&t, path + "." + k, "missing required key (" + what + ")");
        return *n;
    }

    std::string string(const toml::node& n, const std::string& key) const {
        if (!n.is_string()) fail(&n, key, "expected a string, got " + type_name(n));
        return n.as_string()->get();
    }

    bool boolean(const toml::node& n, const std::string& key) const {
        if (!n.is_boolean()) fail(&n, key, "expected true or false, got " + type_name(n));
        return n.as_boolean()->get();
    }

    std::int64_t integer(const toml::node& n, const std::string& key, std::int64_t lo,
                         std::int64_t hi, const std::string& what) const {
        std::int64_t v = 0;
        if (n.is_integer()) {
            v = n.as_integer()->get();
        } else if (n.is_floating_point() &&
                   std::floor(n.as_floating_point()->get()) == n.as_floating_point()->get() &&
                   std::abs(n.as_floating_point()->get()) < 9e18) {
            v = static_cast<std::int64_t>(n.as_floating_point()->get());
        } else {
            fail(&n, key, fmt::format("expected {}, got {}", what, type_name(n)));
        }
        if (v < lo || v > hi)
            fail(&n, key, fmt::format("expected {} in [{}, {}], got {}", what, lo, hi, v));
        return v;
    }

    double number(const toml::node& n, const std::string& key) const {
        if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
        if (n.is_floating_point()) {
            const double v = n.as_floating_point()->get();
            if (!std::isfinite(v)) fail(&n, key, "expected a finite number");
            return v;
        }
        fail(&n, key, "expected a number, got " + type_name(n));
    }

    // A quantity in dimension `d`: "20 ms" or a bare number in the internal unit.
    double quantity(const toml::node& n, const std::string& key, Dim d) const {
        const std::string expected =
            d == Dim::dimensionless ? std::string("a number")
                                    : fmt::format("a {} such as {} (or a bare number in {})",
                                                  dim_name(d), example_for(d), internal_unit(d));
        if (n.is_integer() || n.is_floating_point()) return checked_time(n, key, d, number(n, key));
        if (d == Dim::time && n.is_string())
            if (auto it = named_times_.find(n.as_string()->get()); it != named_times_.end())
                return it->second;
        if (!n.is_string())
            fail(&n, key, fmt::format("expected {}, got {}", expected, type_name(n)));
        std::string err;
        const auto q = parse_quantity(n.as_string()->get(), &err);
        if (!q) fail(&n, key, err);
        if (q->dim == Dim::dimensionless)
            return checked_time(n, key, d, q->value); // a bare number written as a string
        if (q->dim != d)
            fail(&n, key,
                 fmt::format("expected {}, got a {} (\"{}\")", expected, dim_name(q->dim),
                             n.as_string()->get()));
        return checked_time(n, key, d, q->value);
    }

    // Times beyond 1e14 ms (3000 years) cannot be step counts; refusing them here keeps every
    // later conversion to integer steps free of overflow.
    double checked_time(const toml::node& n, const std::string& key, Dim d, double v) const {
        if (d == Dim::time && std::abs(v) > kMaxTimeMs)
            fail(&n, key,
                 fmt::format("{} ms is beyond the supported range of times (|t| <= {:g} ms)", v,
                             kMaxTimeMs));
        return v;
    }

    ValueSpec value_spec(const toml::node& n, const std::string& key, Dim d) const {
        if (!n.is_table()) return ValueSpec::constant(quantity(n, key, d), d);
        const toml::table& t = *n.as_table();
        const std::string dist =
            string(required(t, key, "distribution", "normal, uniform or lognormal"),
                   key + ".distribution");
        ValueSpec v;
        v.dim = d;
        auto get = [&](const char* k) {
            return quantity(required(t, key, k, "a value"), key + "." + k, d);
        };
        auto opt = [&](const char* k, double def) {
            const toml::node* x = t.get(k);
            return x ? quantity(*x, key + "." + k, d) : def;
        };
        const double inf = std::numeric_limits<double>::infinity();
        if (dist == "normal") {
            check_keys(t, key, {"distribution", "mean", "std", "low", "high"},
                       "a normal distribution");
            v.kind = ValueSpec::Kind::normal;
            v.a = get("mean");
            v.b = get("std");
            v.low = opt("low", -inf);
            v.high = opt("high", inf);
            if (v.b < 0) fail(t.get("std"), key + ".std", "standard deviation must be >= 0");
        } else if (dist == "uniform") {
            check_keys(t, key, {"distribution", "low", "high"}, "a uniform distribution");
            v.kind = ValueSpec::Kind::uniform;
            v.a = get("low");
            v.b = get("high");
            if (!(v.a < v.b)) fail(&t, key, "uniform distribution needs low < high");
        } else if (dist == "lognormal") {
            check_keys(t, key, {"distribution", "mean", "std", "high"}, "a lognormal distribution");
            v.kind = ValueSpec::Kind::lognormal;
            v.a = get("mean");
            v.b = get("std");
            v.high = opt("high", inf);
            if (!(v.a > 0)) fail(t.get("mean"), key + ".mean", "lognormal mean must be > 0");
            if (v.b < 0) fail(t.get("std"), key + ".std", "standard deviation must be >= 0");
        } else {
            const auto guess = closest_match(dist, {"normal", "uniform", "lognormal"});
            fail(t.get("distribution"), key + ".distribution",
                 fmt::format("unknown distribution '{}'{}; expected normal, uniform or lognormal",
                             dist, guess.empty() ? "" : "; did you mean '" + guess + "'?"));
        }
        if (v.low > v.high) fail(&t, key, "truncation bounds need low <= high");
        if (v.kind == ValueSpec::Kind::normal && (v.high < v.a - 6 * v.b || v.low > v.a + 6 * v.b))
            fail(&t, key, "truncation bounds exclude almost all of the distribution");
        return v;
    }

    std::vector<index_t> id_list(const toml::node& n, const std::string& key, index_t size) const {
        if (!n.is_array()) fail(&n, key, "expected an array of entity ids, got " + type_name(n));
        std::vector<index_t> ids;
        std::size_t i = 0;
        for (const auto& e : *n.as_array()) {
            ids.push_back(static_cast<index_t>(integer(e, fmt::format("{}[{}]", key, i++), 0,
                                                       static_cast<std::int64_t>(size) - 1,
                                                       "an id of the population")));
        }
        std::sort(ids.begin(), ids.end());
        if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
            fail(&n, key, "ids must not repeat");
        if (ids.empty()) fail(&n, key, "expected at least one id");
        return ids;
    }

    std::vector<std::string> string_list(const toml::node& n, const std::string& key) const {
        if (!n.is_array()) fail(&n, key, "expected an array of strings, got " + type_name(n));
        std::vector<std::string> out;
        std::size_t i = 0;
        for (const auto& e : *n.as_array())
            out.push_back(string(e, fmt::format("{}[{}]", key, i++)));
        return out;
    }

private:
    std::string file_;
    std::set<std::string> overridden_;
    std::map<std::string, double> named_times_;
};

// Splits "a.b.c=value" and writes value into the document, creating tables on the way.
std::string apply_override(toml::table& doc, const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw InputError("--set " + text, 0, 0, "", "expected key.path=value");
    const std::string path = text.substr(0, eq);
    const std::string value = text.substr(eq + 1);
    std::vector<std::string> parts;
    std::stringstream ss(path);
    for (std::string p; std::getline(ss, p, '.');) {
        if (p.empty()) throw InputError("--set " + text, 0, 0, path, "empty key in key path");
        parts.push_back(p);
    }
    toml::table* t = &doc;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        toml::node* n = t->get(parts[i]);
        if (!n) {
            t->insert(parts[i], toml::table{});
            n = t->get(parts[i]);
        }
        if (!n->is_table())
            throw InputError(
                "--set " + text, 0, 0, path,
                fmt::format("'{}' is not a table, cannot set a key inside it", parts[i]));
        t = n->as_table();
    }
    // The value is TOML when it parses as TOML; otherwise it is taken as a string, so that
    // --set simulation.duration=10s works without shell quoting of inner quotes.
    try {
        toml::table v = toml::parse("v = " + value);
        t->insert_or_assign(parts.back(), *v.get("v"));
    } catch (const toml::parse_error&) {
        t->insert_or_assign(parts.back(), value);
    }
    return path;
}

// Sub-tables in the order they appear in the file (tables from --set go last, by name).
std::vector<std::pair<std::string, const toml::table*>>
ordered_tables(const Reader& r, const toml::table& t, const std::string& path) {
    std::vector<std::pair<std::string, const toml::table*>> out;
    for (const auto& [k, v] : t) {
        // Names become HDF5 paths and file names: only the safe set (experiment_names.hpp).
        if (const auto why = unsafe_name_reason(k.str()))
            r.fail_at(k.source().begin.line, k.source().begin.column,
                      path + "." + printable_name(k.str()), *why);
        out.emplace_back(std::string(k.str()), &r.table(v, path + "." + std::string(k.str())));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        const auto la = a.second->source().begin.line, lb = b.second->source().begin.line;
        const auto ka = la == 0 ? std::numeric_limits<std::uint32_t>::max() : la;
        const auto kb = lb == 0 ? std::numeric_limits<std::uint32_t>::max() : lb;
        return ka < kb;
    });
    return out;
}

std::string quantity_text(double v, Dim d) {
    if (d == Dim::dimensionless) return fmt::format("{}", v);
    return fmt::format("{} {}", v, internal_unit(d));
}

struct Builder {
    Reader& r;
    const ModelRegistry& reg;
    toml::table& doc; // defaults are written back into it for the resolved experiment
    Experiment ex;

    const toml::table* section(const char* name) {
        const toml::node* n = doc.get(name);
        return n ? &r.table(*n, name) : nullptr;
    }

    void simulation() {
        const toml::table* t = section("simulation");
        if (!t) r.fail(&doc, "simulation", "missing [simulation] table (needs at least duration)");
        r.check_keys(*t, "simulation", kSimulationKeys, "[simulation]");
        auto& net = ex.network;
        if (const auto* n = t->get("dt")) net.dt = r.quantity(*n, "simulation.dt", Dim::time);
        if (!(net.dt >= 1e-4 && net.dt <= 10.0))
            r.fail(t->get("dt"), "simulation.dt",
                   fmt::format("dt must be in [0.0001 ms, 10 ms], got {} ms", net.dt));
        // A task's stream decides the duration ([task]); a duration given anyway is replaced.
        if (doc.get("task") && !t->get("duration"))
            net.duration = 1;
        else
            net.duration = r.quantity(r.required(*t, "simulation", "duration", "e.g. \"1 s\""),
                                      "simulation.duration", Dim::time);
        if (!(net.duration > 0))
            r.fail(t->get("duration"), "simulation.duration", "duration must be > 0");
        // A shorter run would take no step at all and still say it completed.
        if (!doc.get("task") && net.duration < net.dt)
            r.fail(t->get("duration"), "simulation.duration",
                   fmt::format("duration {} ms is shorter than one step (dt = {} ms)", net.duration,
                               net.dt));
        if (net.duration / net.dt > 1e12)
            r.fail(
                t->get("duration"), "simulation.duration",
                fmt::format("{} ms at dt = {} ms is more than 1e12 steps", net.duration, net.dt));
        if (const auto* n = t->get("seed"))
            net.seed = static_cast<std::uint64_t>(
                r.integer(*n, "simulation.seed", 0, std::numeric_limits<std::int64_t>::max(),
                          "a non-negative integer seed"));
        if (const auto* n = t->get("threads"))
            net.threads = static_cast<int>(
                r.integer(*n, "simulation.threads", 0, 1024, "a thread count (0 = all cores)"));
        auto& w = *doc.get("simulation")->as_table();
        w.insert("dt", quantity_text(net.dt, Dim::time));
        w.insert("seed", static_cast<std::int64_t>(net.seed));
        w.insert("threads", net.threads);
    }

    void output() {
        const toml::table* t = section("output");
        if (t) {
            r.check_keys(*t, "output", kOutputKeys, "[output]");
            if (const auto* n = t->get("file")) {
                ex.output_file = r.string(*n, "output.file");
                if (ex.output_file.empty()) r.fail(n, "output.file", "expected a file name");
                // A NUL would cut the path short (another file than the one shown); a newline
                // or escape sequence would hide in messages and listings.
                for (const char c : ex.output_file)
                    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                        r.fail(n, "output.file",
                               fmt::format("control character 0x{:02X} in the file name",
                                           static_cast<unsigned>(static_cast<unsigned char>(c))));
            }
            if (const auto* n = t->get("flush_interval")) {
                ex.network.flush_interval = r.quantity(*n, "output.flush_interval", Dim::time);
                if (!(ex.network.flush_interval >= ex.network.dt))
                    r.fail(n, "output.flush_interval", "flush interval must be at least dt");
            }
        }
        if (ex.output_file.empty()) {
            const auto stem = std::filesystem::path(ex.source).stem().string();
            ex.output_file = (stem.empty() ? std::string("gliasim") : stem) + ".h5";
        }
    }

    std::uint32_t population_index(const toml::node& n, const std::string& key) const {
        const std::string name = r.string(n, key);
        const auto& pops = ex.network.populations;
        for (std::uint32_t i = 0; i < pops.size(); ++i)
            if (pops[i].name == name) return i;
        std::vector<std::string> names;
        for (const auto& p : pops) names.push_back(p.name);
        const auto guess = closest_match(name, names);
        r.fail(&n, key,
               fmt::format("no population named '{}'{}", name,
                           guess.empty() ? " (populations: " + join(names) + ")"
                                         : "; did you mean '" + guess + "'?"));
    }

    const ModelInfo& model(const toml::node& n, const std::string& key,
                           std::initializer_list<ModelKind> kinds) const {
        const std::string name = r.string(n, key);
        const ModelInfo* m = reg.find(name);
        std::vector<std::string> names;
        for (const auto& mi : reg.all())
            if (std::find(kinds.begin(), kinds.end(), mi.kind) != kinds.end())
                names.push_back(mi.name);
        if (!m || std::find(kinds.begin(), kinds.end(), m->kind) == kinds.end()) {
            const auto guess = closest_match(name, names);
            r.fail(&n, key,
                   fmt::format("unknown model '{}'{}", name,
                               guess.empty() ? " (known: " + join(names) + ")"
                                             : "; did you mean '" + guess + "'?"));
        }
        return *m;
    }

    // Model parameters given flat in `t`, checked against the schema; defaults filled in.
    // `weight_dim` is the unit of parameters given in the target's weight unit.
    ParamValues params(const toml::table& t, toml::table& w, const std::string& path,
                       const ModelInfo& m, const std::vector<std::string>& structural,
                       Dim weight_dim = Dim::dimensionless) {
        std::vector<std::string> allowed = structural;
        for (const auto& p : m.params) allowed.push_back(p.name);
        r.check_keys(t, path, allowed, fmt::format("{} (model {})", path, m.name));
        ParamValues v = m.default_params();
        for (std::size_t i = 0; i < m.params.size(); ++i) {
            const ParamSpec& ps = m.params[i];
            const toml::node* n = t.get(ps.name);
            const std::string key = path + "." + ps.name;
            const Dim dim = ps.in_weight_unit ? weight_dim : ps.dim;
            if (n && !ps.choices.empty()) {
                const std::string c = r.string(*n, key);
                const auto it = std::find(ps.choices.begin(), ps.choices.end(), c);
                if (it == ps.choices.end()) {
                    const auto guess = closest_match(c, ps.choices);
                    r.fail(n, key,
                           fmt::format("unknown {} '{}'{}", ps.name, c,
                                       guess.empty() ? "; expected " + ps.range_text()
                                                     : "; did you mean '" + guess + "'?"));
                }
                v[i] = static_cast<double>(it - ps.choices.begin());
            } else if (n) {
                v[i] = r.quantity(*n, key, dim);
                if (!ps.in_range(v[i]))
                    r.fail(n, key,
                           fmt::format("{} is out of range; {} must be in {}",
                                       quantity_text(v[i], dim), ps.name, ps.range_text()));
            } else if (!ps.choices.empty()) {
                w.insert(ps.name, ps.value_text(v[i], dim));
            } else {
                w.insert(ps.name, quantity_text(v[i], dim));
            }
        }
        if (m.check)
            if (auto err = m.check(v)) r.fail(&t, path, *err);
        return v;
    }

    // `coupling = { rule = "ring", neighbours = 1 }` or `{ rule = "bernoulli", p = 0.1 }`.
    CouplingSpec coupling(const toml::node& node, const std::string& path, index_t size) const {
        const toml::table& t = r.table(node, path);
        CouplingSpec c;
        const toml::node& rn = r.required(t, path, "rule", "\"ring\" or \"bernoulli\"");
        const std::string rule = r.string(rn, path + ".rule");
        if (rule == "ring") {
            r.check_keys(t, path, {"rule", "neighbours"}, "a ring coupling");
            c.rule = CouplingSpec::Rule::ring;
            if (const auto* n = t.get("neighbours"))
                c.neighbours = static_cast<std::uint32_t>(
                    r.integer(*n, path + ".neighbours", 1, std::max<index_t>(1, (size - 1) / 2),
                              "a number of neighbours on each side"));
        } else if (rule == "bernoulli") {
            r.check_keys(t, path, {"rule", "p"}, "a bernoulli coupling");
            c.rule = CouplingSpec::Rule::bernoulli;
            const toml::node& pn = r.required(t, path, "p", "pair probability");
            c.p = r.number(pn, path + ".p");
            if (!(c.p >= 0 && c.p <= 1))
                r.fail(&pn, path + ".p", fmt::format("probability must be in [0, 1], got {}", c.p));
        } else {
            r.fail(&rn, path + ".rule",
                   fmt::format("unknown coupling rule '{}'; expected \"ring\" or \"bernoulli\"",
                               rule));
        }
        return c;
    }

    void populations() {
        const toml::table* t = section("populations");
        if (!t || t->empty())
            r.fail(
                t ? t : &doc, "populations",
                "the experiment defines no populations ([populations.<name>] with model and size)");
        for (const auto& [name, pt] : ordered_tables(r, *t, "populations")) {
            const std::string path = "populations." + name;
            PopulationSpec ps;
            ps.name = name;
            const ModelInfo& m = model(
                r.required(*pt, path, "model", "a neuron or source model name"), path + ".model",
                {ModelKind::neuron, ModelKind::astrocyte, ModelKind::source});
            ps.model = &m;
            ps.size = static_cast<index_t>(
                r.integer(r.required(*pt, path, "size", "number of entities"), path + ".size", 1,
                          kMaxPopulationSize, "a positive population size"));
            toml::table& w = *doc.get("populations")->as_table()->get(name)->as_table();
            ps.params = params(*pt, w, path, m, kPopulationKeys);
            if (const auto* n = pt->get("initial")) {
                const toml::table& it = r.table(*n, path + ".initial");
                std::vector<std::string> vars;
                for (const auto& s : m.state) vars.push_back(s.name);
                r.check_keys(it, path + ".initial", vars,
                             fmt::format("initial state of model {}", m.name));
                for (const auto& [k, v] : it) {
                    const std::string var(k.str());
                    const auto vi = m.state_index(var);
                    ps.initial[var] = r.value_spec(v, path + ".initial." + var, m.state[*vi].dim);
                    if (auto why = initial_value_problem(m, m.state[*vi], ps.initial[var]))
                        r.fail(&v, path + ".initial." + var, *why);
                }
            }
            if (const auto* n = pt->get("positions"))
                placement(*n, path + ".positions", ex.network.populations.size(), ps.size);
            if (const auto* n = pt->get("reset")) ps.resets = resets(*n, path + ".reset");
            if (const auto* n = pt->get("coupling")) {
                if (!m.accepts_coupling)
                    r.fail(n, path + ".coupling",
                           fmt::format("model {} takes no coupling among its entities", m.name));
                ps.coupling = coupling(*n, path + ".coupling", ps.size);
            }
            if (const auto* n = pt->get("spike_times")) {
                if (!m.takes_spike_times)
                    r.fail(n, path + ".spike_times",
                           fmt::format("model {} takes no spike_times", m.name));
                ps.spike_times = spike_times(*n, path + ".spike_times", ps.size);
            } else if (m.takes_spike_times) {
                r.fail(pt, path + ".spike_times",
                       "missing required key (spike times, e.g. [\"10 ms\", \"20 ms\"])");
            }
            ex.network.populations.push_back(std::move(ps));
        }
    }

    // `positions = { grid = [nx, ny, nz], space = "liquid" }`: populations naming the same space
    // take disjoint sites of its grid, in a seeded random order, in declaration order.
    struct Space {
        std::string name;
        std::array<std::int64_t, 3> grid;
        std::vector<std::pair<std::size_t, index_t>> members; // population, size
        const toml::node* node;
        std::string key;
    };
    std::vector<Space> spaces = {};
    std::map<std::size_t, std::size_t> space_of = {}; // population -> its space

    void placement(const toml::node& n, const std::string& key, std::size_t pop, index_t size) {
        const toml::table& t = r.table(n, key);
        r.check_keys(t, key, {"grid", "space"}, "positions");
        const toml::node& gn = r.required(t, key, "grid", "[nx, ny, nz] sites");
        if (!gn.is_array() || gn.as_array()->empty() || gn.as_array()->size() > 3)
            r.fail(&gn, key + ".grid", "expected [nx], [nx, ny] or [nx, ny, nz]");
        std::array<std::int64_t, 3> grid{1, 1, 1};
        for (std::size_t i = 0; i < gn.as_array()->size(); ++i)
            grid[i] = r.integer((*gn.as_array())[i], fmt::format("{}.grid[{}]", key, i), 1,
                                1'000'000, "a positive number of sites");
        if (static_cast<double>(grid[0]) * static_cast<double>(grid[1]) *
                static_cast<double>(grid[2]) >
            1e8)
            r.fail(&gn, key + ".grid",
                   fmt::format("a grid of {} x {} x {} sites is too large (at most 1e8 sites)",
                               grid[0], grid[1], grid[2]));
        std::string name = key;
        if (const auto* sn = t.get("space")) name = r.string(*sn, key + ".space");
        auto it = std::find_if(spaces.begin(), spaces.end(),
                               [&](const Space& s) { return s.name == name; });
        if (it == spaces.end()) {
            spaces.push_back({name, grid, {}, &n, key});
            it = spaces.end() - 1;
        } else if (it->grid != grid) {
            r.fail(&gn, key + ".grid",
                   fmt::format("space '{}' already has grid [{}, {}, {}] (from {})", name,
                               it->grid[0], it->grid[1], it->grid[2], it->key));
        }
        it->members.emplace_back(pop, size);
        space_of[pop] = static_cast<std::size_t>(it - spaces.begin());
        std::uint64_t used = 0, sites = 1;
        for (const auto& [p, sz] : it->members) used += sz;
        for (auto g : grid) sites *= static_cast<std::uint64_t>(g);
        if (used > sites)
            r.fail(&n, key,
                   fmt::format("space '{}' has {} sites but its populations need {}", name, sites,
                               used));
    }

    // `modulator = "pop.var"` of populations, once every population is known.
    void population_modulators() {
        const toml::table* t = section("populations");
        auto& pops = ex.network.populations;
        std::size_t p = 0;
        for (const auto& [name, pt] : ordered_tables(r, *t, "populations")) {
            if (const auto* n = pt->get("modulator"))
                pops[p].modulator = modulator(*n, "populations." + name + ".modulator",
                                              *pops[p].model, pops[p], true);
            ++p;
        }
    }

    void place_populations() {
        for (std::size_t si = 0; si < spaces.size(); ++si) {
            const Space& sp = spaces[si];
            const std::uint64_t sites =
                static_cast<std::uint64_t>(sp.grid[0] * sp.grid[1] * sp.grid[2]);
            std::vector<std::uint64_t> order(sites);
            for (std::uint64_t k = 0; k < sites; ++k) order[k] = k;
            RandomStream rs(ex.network.seed, Stream::placement, static_cast<std::uint32_t>(si), 0);
            for (std::uint64_t k = sites; k > 1; --k) std::swap(order[k - 1], order[rs.below(k)]);
            std::uint64_t next = 0;
            for (const auto& [p, size] : sp.members) {
                auto& pos = ex.network.populations[p].positions;
                pos.resize(3 * static_cast<std::size_t>(size));
                for (index_t i = 0; i < size; ++i) {
                    const std::uint64_t site = order[next++];
                    const auto nx = static_cast<std::uint64_t>(sp.grid[0]),
                               ny = static_cast<std::uint64_t>(sp.grid[1]);
                    pos[3 * i] = static_cast<float>(site % nx);
                    pos[3 * i + 1] = static_cast<float>(site / nx % ny);
                    pos[3 * i + 2] = static_cast<float>(site / (nx * ny));
                }
            }
        }
    }

    // A time that must be a whole number of steps (schedules, windows).
    void whole_steps(const toml::node& n, const std::string& key, double ms) const {
        const double k = ms / ex.network.dt;
        if (std::abs(k - std::round(k)) > 1e-6 * std::max(1.0, k))
            r.fail(&n, key,
                   fmt::format("{} ms is not a whole number of steps of dt = {} ms", ms,
                               ex.network.dt));
    }

    // `reset = { every = "20 ms", from = "0 s", until = "10 s" }`, or an array of such tables.
    std::vector<ResetSchedule> resets(const toml::node& n, const std::string& key) const {
        std::vector<ResetSchedule> out;
        auto one = [&](const toml::node& e, const std::string& k) {
            const toml::table& t = r.table(e, k);
            r.check_keys(t, k, {"every", "from", "until"}, "a reset schedule");
            ResetSchedule rs;
            const toml::node& en = r.required(t, k, "every", "the sample length, e.g. \"20 ms\"");
            rs.every = r.quantity(en, k + ".every", Dim::time);
            if (!(rs.every >= ex.network.dt))
                r.fail(
                    &en, k + ".every",
                    fmt::format("resets must be at least one step ({} ms) apart", ex.network.dt));
            whole_steps(en, k + ".every", rs.every);
            if (const auto* f = t.get("from")) {
                rs.from = r.quantity(*f, k + ".from", Dim::time);
                whole_steps(*f, k + ".from", rs.from);
            }
            if (const auto* u = t.get("until")) {
                rs.until = r.quantity(*u, k + ".until", Dim::time);
                if (!(rs.until >= rs.from))
                    r.fail(u, k + ".until",
                           fmt::format("until ({} ms) is before from ({} ms)", rs.until, rs.from));
            }
            if (rs.from < 0) r.fail(t.get("from"), k + ".from", "from must be >= 0");
            out.push_back(rs);
        };
        if (n.is_array()) {
            std::size_t i = 0;
            for (const auto& e : *n.as_array()) one(e, fmt::format("{}[{}]", key, i++));
        } else {
            one(n, key);
        }
        return out;
    }

    // "selforg_end" = task.selforg x task.selforg_item, known before populations and projections
    // are read so their reset schedules and learn_until can name it.
    void task_phase_times() {
        const toml::node* tn = doc.get("task");
        if (!tn || !tn->is_table()) return;
        const toml::table& t = *tn->as_table();
        const toml::node* sn = t.get("selforg");
        if (!sn) return;
        double item_ms = TaskSpec{}.selforg_item_ms;
        if (const auto* n = t.get("selforg_item"))
            item_ms = r.quantity(*n, "task.selforg_item", Dim::time);
        const auto count = r.integer(*sn, "task.selforg", 0, 100'000'000, "a count");
        r.name_time("selforg_end", static_cast<double>(count) * item_ms);
    }

    // [task]: the input stream, the readout and how it is trained (io/task_spec.hpp). The
    // run lasts as long as the stream: simulation.duration is set from it.
    void task() {
        const toml::table* t = section("task");
        const auto& pops = ex.network.populations;
        for (std::uint32_t p = 0; p < pops.size(); ++p)
            if (pops[p].model->takes_items && !t)
                r.fail(doc.get("populations"), "populations." + pops[p].name,
                       fmt::format("population '{}' (model {}) presents a task's items, but the "
                                   "experiment has no [task] naming it as input",
                                   pops[p].name, pops[p].model->name));
        if (!t) return;
        TaskSpec& ts = ex.task;
        ts.enabled = true;
        ts.seed = ex.network.seed;
        toml::table& w = *doc.get("task")->as_table();
        const toml::node& kn =
            r.required(*t, "task", "kind",
                       "memory_capacity, delayed_recall, nback, next_char, image_classification or "
                       "associative_recall");
        const std::string kind = r.string(kn, "task.kind");
        std::vector<std::string> allowed = {"kind",    "input",   "item",       "gap",
                                            "washout", "train",   "validation", "test",
                                            "seed",    "readout", "reader",     "tau"};
        if (kind == "memory_capacity") {
            allowed.insert(allowed.end(), {"rate0", "max_delay"});
        } else if (kind == "delayed_recall") {
            allowed.insert(allowed.end(), {"symbols", "rate", "delays"});
        } else if (kind == "nback") {
            allowed.insert(allowed.end(), {"symbols", "rate", "delays"});
        } else if (kind == "next_char") {
            allowed.insert(allowed.end(), {"rate", "text", "text_offset"});
        } else if (kind == "associative_recall") {
            allowed.insert(allowed.end(),
                           {"rate", "teacher", "keys", "values", "code_size", "delays"});
        } else if (kind == "image_classification") {
            allowed.insert(allowed.end(), {"rate", "dataset", "selforg", "selforg_item"});
        } else {
            const std::vector<std::string> kinds = {"memory_capacity", "delayed_recall",
                                                    "next_char",       "image_classification",
                                                    "nback",           "associative_recall"};
            const auto guess = closest_match(kind, kinds);
            r.fail(&kn, "task.kind",
                   fmt::format("unknown task kind '{}'{}", kind,
                               guess.empty() ? "; expected one of " + join(kinds)
                                             : "; did you mean '" + guess + "'?"));
        }
        r.check_keys(*t, "task", allowed, fmt::format("[task] of kind {}", kind));
        ts.kind = kind;
        const toml::node& in = r.required(*t, "task", "input", "the item_source population");
        ts.input = population_index(in, "task.input");
        if (!pops[ts.input].model->takes_items)
            r.fail(&in, "task.input",
                   fmt::format("population '{}' (model {}) cannot present items; use model = "
                               "\"item_source\"",
                               pops[ts.input].name, pops[ts.input].model->name));
        auto time = [&](const char* key, double& v, double min) {
            if (const auto* n = t->get(key)) {
                v = r.quantity(*n, std::string("task.") + key, Dim::time);
                if (!(v >= min))
                    r.fail(n, std::string("task.") + key,
                           fmt::format("must be at least {} ms", min));
                whole_steps(*n, std::string("task.") + key, v);
            } else {
                w.insert(key, quantity_text(v, Dim::time));
            }
        };
        time("item", ts.item_ms, ex.network.dt);
        time("gap", ts.gap_ms, 0);
        auto count = [&](const char* key, auto& v, std::int64_t min, std::int64_t max) {
            if (const auto* n = t->get(key))
                v = static_cast<std::remove_reference_t<decltype(v)>>(
                    r.integer(*n, std::string("task.") + key, min, max, "a count"));
            else
                w.insert(key, static_cast<std::int64_t>(v));
        };
        count("washout", ts.washout, 0, 100'000'000);
        count("train", ts.train, 10, 100'000'000);
        count("validation", ts.validation, 1, 100'000'000);
        count("test", ts.test, 10, 100'000'000);
        count("seed", ts.seed, 0, std::numeric_limits<std::int64_t>::max());
        auto rate = [&](const char* key, double& v) {
            if (const auto* n = t->get(key)) {
                v = r.quantity(*n, std::string("task.") + key, Dim::frequency);
                if (!(v > 0 && v < 1e5))
                    r.fail(n, std::string("task.") + key, "a rate in (0, 100 kHz)");
            } else {
                w.insert(key, quantity_text(v, Dim::frequency));
            }
        };
        const index_t width = pops[ts.input].size;
        auto delays = [&](std::int64_t max) {
            const auto* n = t->get("delays");
            if (!n) return;
            ts.delays.clear();
            if (!n->is_array() || n->as_array()->empty())
                r.fail(n, "task.delays", "expected a non-empty array of delays in items");
            std::size_t i = 0;
            for (const auto& e : *n->as_array())
                ts.delays.push_back(static_cast<std::uint32_t>(
                    r.integer(e, fmt::format("task.delays[{}]", i++), 0, max, "a delay")));
        };
        if (ts.kind == "associative_recall") {
            rate("rate", ts.rate);
            const toml::node& tn =
                r.required(*t, "task", "teacher", "the item_source population of the values");
            ts.teacher = population_index(tn, "task.teacher");
            if (!pops[ts.teacher].model->takes_items || ts.teacher == ts.input)
                r.fail(&tn, "task.teacher",
                       fmt::format("the teacher must be an item_source population other than "
                                   "the input; '{}' is {}",
                                   pops[ts.teacher].name,
                                   ts.teacher == ts.input
                                       ? "the input"
                                       : "model " + pops[ts.teacher].model->name));
            count("keys", ts.keys, 2, 1'000'000);
            count("values", ts.values, 2, 1'000'000);
            count("code_size", ts.code_size, 1, 1'000'000);
            const index_t narrow = std::min(width, pops[ts.teacher].size);
            if (ts.code_size > narrow)
                r.fail(t->get("code_size") ? t->get("code_size") : t, "task.code_size",
                       fmt::format("codes of {} lines do not fit '{}' ({} entities) and '{}' ({})",
                                   ts.code_size, pops[ts.input].name, width, pops[ts.teacher].name,
                                   pops[ts.teacher].size));
            ts.delays = {0, 2, 4, 8, 16};
            delays(100000);
        } else if (ts.kind == "memory_capacity") {
            rate("rate0", ts.rate0);
            count("max_delay", ts.max_delay, 1, 100000);
            if (ts.max_delay > ts.washout)
                r.fail(t->get("max_delay") ? t->get("max_delay") : t, "task.max_delay",
                       fmt::format("max_delay ({}) must not exceed washout ({}): the first "
                                   "read-out item needs max_delay items before it",
                                   ts.max_delay, ts.washout));
        } else if (ts.kind == "image_classification") {
            rate("rate", ts.rate);
            ts.symbols = 10;
            const toml::node& dn = r.required(*t, "task", "dataset",
                                              "\"fashion_mnist\" (Debian dataset-fashion-mnist)");
            if (r.string(dn, "task.dataset") != "fashion_mnist")
                r.fail(&dn, "task.dataset", "the only image dataset is \"fashion_mnist\"");
            ts.dataset_dir = "/usr/share/datasets/fashion-mnist";
            if (const char* env = std::getenv("GLIASIM_FASHION_MNIST_DIR")) ts.dataset_dir = env;
            if (!std::filesystem::is_directory(ts.dataset_dir))
                r.fail(&dn, "task.dataset",
                       fmt::format("Fashion-MNIST is not installed ({} is missing): apt-get "
                                   "install dataset-fashion-mnist, or scripts/install_deps.sh",
                                   ts.dataset_dir));
            if (width != 784)
                r.fail(&in, "task.input",
                       fmt::format("Fashion-MNIST images have 784 pixels; '{}' has {} entities",
                                   pops[ts.input].name, width));
            count("selforg", ts.selforg, 0, 100'000'000);
            time("selforg_item", ts.selforg_item_ms, ex.network.dt);
            if (ts.washout + ts.train + ts.validation > 60000)
                r.fail(t, "task.train",
                       "washout + train + validation exceed the 60000 training images");
            if (ts.test > 10000)
                r.fail(t->get("test"), "task.test", "test exceeds the 10000 test images");
        } else if (ts.kind == "next_char") {
            rate("rate", ts.rate);
            ts.symbols = 36; // tasks/datasets.hpp Alphabet
            if (width < ts.symbols)
                r.fail(&in, "task.input",
                       fmt::format("next_char codes 36 symbols on groups of input entities; '{}' "
                                   "has {}, fewer than 36",
                                   pops[ts.input].name, width));
            const toml::node& xn =
                r.required(*t, "task", "text", "\"kjv\" or a text file relative to this file");
            ts.text = r.string(xn, "task.text");
            if (ts.text == "kjv") {
                ts.text = "/usr/local/share/gliasim/kjv.txt";
                if (const char* env = std::getenv("GLIASIM_KJV_PATH")) ts.text = env;
            } else {
                // Relative to the file that wrote the key (a base file, through extends).
                const auto* from = xn.source().path.get();
                const auto dir =
                    std::filesystem::path(from && !from->empty() ? *from : ex.source).parent_path();
                ts.text = (dir / ts.text).lexically_normal().string();
            }
            if (!std::filesystem::is_regular_file(ts.text))
                r.fail(&xn, "task.text",
                       fmt::format("no text file '{}' (\"kjv\" is installed by "
                                   "scripts/install_deps.sh)",
                                   ts.text));
            ts.file_keys = {{"text", ts.text}};
            count("text_offset", ts.text_offset, 0, std::numeric_limits<std::int64_t>::max());
            const auto chars = std::filesystem::file_size(ts.text);
            if (ts.text_offset + ts.washout + ts.train + ts.validation + ts.test + 1 > chars)
                r.fail(&xn, "task.text",
                       fmt::format("'{}' has {} bytes, fewer than the {} characters the task needs",
                                   ts.text, chars,
                                   ts.text_offset + ts.washout + ts.train + ts.validation +
                                       ts.test + 1));
        } else {
            rate("rate", ts.rate);
            count("symbols", ts.symbols, 2, 100000);
            if (width < ts.symbols)
                r.fail(t->get("symbols") ? t->get("symbols") : t, "task.symbols",
                       fmt::format("{} symbols need at least one input entity each; '{}' has {}",
                                   ts.symbols, pops[ts.input].name, width));
            delays(100000);
            for (auto d : ts.delays)
                if (d > ts.washout)
                    r.fail(t->get("delays") ? t->get("delays") : t, "task.delays",
                           fmt::format("delay {} exceeds washout ({})", d, ts.washout));
        }
        const toml::node& rn =
            r.required(*t, "task", "readout", "the populations read out, e.g. [\"E\", \"I\"]");
        if (!rn.is_array() || rn.as_array()->empty())
            r.fail(&rn, "task.readout", "expected a non-empty array of population names");
        std::size_t i = 0;
        for (const auto& e : *rn.as_array()) {
            const auto p = population_index(e, fmt::format("task.readout[{}]", i++));
            if (std::find(ts.readout.begin(), ts.readout.end(), p) != ts.readout.end())
                r.fail(&e, "task.readout", fmt::format("'{}' listed twice", pops[p].name));
            ts.readout.push_back(p);
        }
        if (const auto* n = t->get("reader")) {
            const std::string rd = r.string(*n, "task.reader");
            if (rd == "trace")
                ts.reader = TaskSpec::Reader::trace;
            else if (rd == "counts")
                ts.reader = TaskSpec::Reader::counts;
            else
                r.fail(
                    n, "task.reader",
                    fmt::format("unknown reader '{}'; expected \"trace\" (exponentially filtered "
                                "spikes at each item end) or \"counts\" (spikes per item)",
                                rd));
        } else {
            w.insert("reader", "trace");
        }
        time("tau", ts.tau, ex.network.dt);
        // The stream decides the duration. A duration given anyway (e.g. --set for a quick
        // look) is kept; the readout is then scored only if the whole stream fits.
        const double items = static_cast<double>(ts.stream_items());
        const double stream_ms =
            static_cast<double>(ts.selforg) * ts.selforg_item_ms + items * (ts.item_ms + ts.gap_ms);
        const toml::table* sim = section("simulation");
        if (!sim || !sim->get("duration")) ex.network.duration = stream_ms;
        ts.complete = ex.network.duration >= stream_ms - 1e-9;
    }

    // [analysis] branching_factor = { populations = ["E", "I"], sample_length, from }
    void analysis() {
        const toml::table* t = section("analysis");
        if (!t) return;
        r.check_keys(*t, "analysis", {"branching_factor"}, "[analysis]");
        const toml::node* bn = t->get("branching_factor");
        if (!bn) return;
        const std::string key = "analysis.branching_factor";
        const toml::table& b = r.table(*bn, key);
        r.check_keys(b, key, {"populations", "sample_length", "from"},
                     "a branching-factor analysis");
        BranchingSpec& bs = ex.network.branching;
        bs.enabled = true;
        const double per_ms = 1.0 / ex.network.dt;
        if (std::abs(per_ms - std::round(per_ms)) > 1e-6 * per_ms)
            r.fail(bn, key,
                   fmt::format("the branching factor's windows (1, 4, 5 and 25 ms) need a dt that "
                               "divides 1 ms; dt is {} ms",
                               ex.network.dt));
        const toml::node& pn = r.required(b, key, "populations", "the liquid's population names");
        if (!pn.is_array() || pn.as_array()->empty())
            r.fail(&pn, key + ".populations", "expected a non-empty array of population names");
        std::size_t i = 0;
        for (const auto& e : *pn.as_array()) {
            const auto p = population_index(e, fmt::format("{}.populations[{}]", key, i++));
            if (std::find(bs.populations.begin(), bs.populations.end(), p) != bs.populations.end())
                r.fail(&e, fmt::format("{}.populations[{}]", key, i - 1),
                       fmt::format("population '{}' listed twice", ex.network.populations[p].name));
            if (ex.network.populations[p].model->kind != ModelKind::neuron)
                r.fail(&e, key + ".populations",
                       fmt::format("population '{}' is not made of neurons",
                                   ex.network.populations[p].name));
            bs.populations.push_back(p);
        }
        if (const auto* n = b.get("from")) {
            bs.from = r.quantity(*n, key + ".from", Dim::time);
            if (!(bs.from >= 0)) r.fail(n, key + ".from", "from must be >= 0");
            whole_steps(*n, key + ".from", bs.from);
        }
        if (const auto* n = b.get("sample_length")) {
            bs.sample_length = r.quantity(*n, key + ".sample_length", Dim::time);
            if (!(bs.sample_length > 58.0))
                r.fail(n, key + ".sample_length",
                       fmt::format("a sample must be longer than the 25 ms excluded at each end "
                                   "plus the 4 ms windows (> 58 ms); got {} ms",
                                   bs.sample_length));
            whole_steps(*n, key + ".sample_length", bs.sample_length);
            // A shortened run (--set simulation.duration) analyses nothing rather than failing.
            const double samples = (ex.network.duration - bs.from) / bs.sample_length;
            if (samples > 0 && std::abs(samples - std::round(samples)) > 1e-6 * samples)
                r.fail(n, key + ".sample_length",
                       fmt::format("the analysed span ({} ms from {} ms to the end) must be a "
                                   "whole number of samples",
                                   ex.network.duration - bs.from, bs.from));
        }
    }

    std::vector<std::vector<double>> spike_times(const toml::node& n, const std::string& key,
                                                 index_t size) const {
        if (!n.is_array()) r.fail(&n, key, "expected an array of times or an array of arrays");
        const toml::array& a = *n.as_array();
        const double dt = ex.network.dt;
        auto one = [&](const toml::array& arr, const std::string& k) {
            std::vector<double> times;
            std::size_t i = 0;
            for (const auto& e : arr) {
                const std::string ek = fmt::format("{}[{}]", k, i++);
                const double t = r.quantity(e, ek, Dim::time);
                if (t < dt - 1e-9)
                    r.fail(&e, ek,
                           fmt::format("spike time {} ms is before the first step end ({} ms)", t,
                                       dt));
                times.push_back(t);
            }
            return times;
        };
        if (!a.empty() && a[0].is_array()) {
            if (a.size() != size)
                r.fail(
                    &n, key,
                    fmt::format("has {} lists but the population has {} entities", a.size(), size));
            std::vector<std::vector<double>> out;
            for (std::size_t i = 0; i < a.size(); ++i) {
                const std::string k = fmt::format("{}[{}]", key, i);
                if (!a[i].is_array()) r.fail(&a[i], k, "expected an array of times");
                out.push_back(one(*a[i].as_array(), k));
            }
            return out;
        }
        return {one(a, key)};
    }

    // The `receptor` key of a projection or stimulus onto model `tm`; when absent, NEST's
    // convention applies (a negative weight selects the second, inhibitory receptor) and the
    // choice is written into the resolved experiment.
    std::size_t receptor(const toml::table& t, toml::table& w, const std::string& path,
                         const ModelInfo& tm, double mean_weight) const {
        if (const auto* n = t.get("receptor")) {
            const std::string rec = r.string(*n, path + ".receptor");
            const auto ri = tm.receptor_index(rec);
            if (!ri)
                r.fail(n, path + ".receptor",
                       fmt::format("model {} has no receptor '{}' (receptors: {})", tm.name, rec,
                                   join(tm.receptors)));
            return *ri;
        }
        const std::size_t ri =
            tm.sign_picks_receptor && mean_weight < 0 && tm.receptors.size() > 1 ? 1 : 0;
        w.insert("receptor", tm.receptors[ri]);
        return ri;
    }

    // A delay key (`default_ms` when absent): at least dt, at most 65535 steps, bounded.
    ValueSpec delay(const toml::table& t, toml::table& w, const std::string& path, const char* key,
                    double default_ms) const {
        const double dt = ex.network.dt;
        const toml::node* n = t.get(key);
        if (!n) {
            w.insert(key, quantity_text(default_ms, Dim::time));
            return ValueSpec::constant(default_ms, Dim::time);
        }
        const std::string k = path + "." + key;
        ValueSpec d = r.value_spec(*n, k, Dim::time);
        if (d.min_value() < dt * 0.5)
            r.fail(n, k,
                   fmt::format("delays must be at least dt = {} ms; this one can be {} (give a "
                               "distribution a 'low' bound)",
                               dt,
                               d.is_constant() ? quantity_text(d.a, Dim::time)
                                               : std::string("smaller")));
        if (!std::isfinite(d.max_value()) || d.max_value() / dt > 65535)
            r.fail(n, k,
                   fmt::format("delays must be at most 65535 steps ({} ms); give a distribution "
                               "a 'high' bound",
                               65535 * dt));
        return d;
    }

    // [projections.X.third_factor]: pair the projection's connections with astrocytes.
    // `w` is the same table in the document, where defaults are written for the resolved text.
    ThirdFactorSpec third_factor(const toml::node& node, toml::table& w, const std::string& path,
                                 const ProjectionSpec& pj) {
        const toml::table& t = r.table(node, path);
        r.check_keys(t, path, kThirdFactorKeys, path);
        const auto& pops = ex.network.populations;
        ThirdFactorSpec tf;
        tf.enabled = true;
        const toml::node& an = r.required(t, path, "population", "an astrocyte population");
        tf.population = population_index(an, path + ".population");
        const ModelInfo& am = *pops[tf.population].model;
        const ModelInfo& tm = *pops[pj.target].model;
        if (am.kind != ModelKind::astrocyte || am.receptors.empty())
            r.fail(&an, path + ".population",
                   fmt::format("population '{}' (model {}) is not an astrocyte population",
                               pops[tf.population].name, am.name));
        tf.has_output = !am.continuous_output.empty();
        if (tf.has_output) {
            const auto it = std::find(tm.continuous_inputs.begin(), tm.continuous_inputs.end(),
                                      am.continuous_output);
            if (it == tm.continuous_inputs.end())
                r.fail(&an, path + ".population",
                       fmt::format("the target population '{}' (model {}) has no {} input for "
                                   "the astrocytes to act on",
                                   pops[pj.target].name, tm.name, am.continuous_output));
            tf.channel_out =
                tm.receptors.size() + static_cast<std::size_t>(it - tm.continuous_inputs.begin());
        } else {
            for (const char* k : {"weight_out", "delay_out"})
                if (const auto* n = t.get(k))
                    r.fail(n, path + "." + k,
                           fmt::format("model {} sends no slow inward current; it acts on "
                                       "synapses through gliotransmission only",
                                       am.name));
        }
        tf.receptor_in = 0;
        const index_t n_astro = pops[tf.population].size, n_target = pops[pj.target].size;
        if (const auto* n = t.get("p")) {
            tf.p = r.number(*n, path + ".p");
            if (!(tf.p >= 0 && tf.p <= 1))
                r.fail(n, path + ".p", fmt::format("probability must be in [0, 1], got {}", tf.p));
        } else {
            w.insert("p", 1.0);
        }
        std::string pool = "random";
        const toml::node* pn = t.get("pool_type");
        if (pn)
            pool = r.string(*pn, path + ".pool_type");
        else
            w.insert("pool_type", pool);
        if (pool == "random")
            tf.pool = ThirdFactorSpec::Pool::random;
        else if (pool == "block")
            tf.pool = ThirdFactorSpec::Pool::block;
        else
            r.fail(pn, path + ".pool_type",
                   fmt::format("unknown pool_type '{}'; expected \"random\" or \"block\"", pool));
        if (const auto* n = t.get("pool_size")) {
            tf.pool_size = static_cast<std::uint32_t>(
                r.integer(*n, path + ".pool_size", 1, n_astro,
                          "a pool size no larger than the astrocyte population"));
        } else {
            tf.pool_size = tf.pool == ThirdFactorSpec::Pool::random ? n_astro : 1;
            w.insert("pool_size", static_cast<std::int64_t>(tf.pool_size));
        }
        if (tf.pool == ThirdFactorSpec::Pool::block) {
            const bool ok = tf.pool_size == 1
                                ? n_target % n_astro == 0
                                : static_cast<std::uint64_t>(n_target) * tf.pool_size == n_astro;
            if (!ok)
                r.fail(t.get("pool_size") ? t.get("pool_size") : &t, path + ".pool_size",
                       fmt::format("block pools need the target size ({}) to be a multiple of "
                                   "the astrocyte count ({}) when pool_size = 1, or target size x "
                                   "pool_size = astrocyte count when pool_size > 1 (here {} x {} "
                                   "!= {}); use pool_type = \"random\" otherwise",
                                   n_target, n_astro, n_target, tf.pool_size, n_astro));
        }
        if (const auto* n = t.get("weight_in")) {
            tf.weight_in = r.value_spec(*n, path + ".weight_in", am.weight_dim);
            if (am.weights_non_negative && tf.weight_in.min_value() < 0)
                r.fail(n, path + ".weight_in",
                       fmt::format("weights onto {} must be >= 0; this one can be {}", am.name,
                                   tf.weight_in.describe()));
        } else {
            tf.weight_in = ValueSpec::constant(1.0, am.weight_dim);
            w.insert("weight_in", 1.0);
        }
        tf.delay_in =
            delay(t, w, path, "delay_in", pj.delay.is_constant() ? pj.delay.a : ex.network.dt);
        if (tf.has_output) {
            if (const auto* n = t.get("weight_out")) {
                tf.weight_out = r.value_spec(*n, path + ".weight_out", Dim::dimensionless);
            } else {
                tf.weight_out = ValueSpec::constant(1.0);
                w.insert("weight_out", 1.0);
            }
            tf.delay_out = delay(t, w, path, "delay_out", std::max(1.0, ex.network.dt));
        }
        if (const auto* n = t.get("gliotransmission")) {
            tf.gliotransmission = r.boolean(*n, path + ".gliotransmission");
            if (tf.gliotransmission) {
                const auto var = am.state_index("Gamma_S");
                if (!var)
                    r.fail(n, path + ".gliotransmission",
                           fmt::format("model {} releases no gliotransmitter (it has no Gamma_S); "
                                       "use astrocyte_gchi",
                                       am.name));
                if (!pj.synapse_model || !pj.synapse_model->make_transmission ||
                    !pj.synapse_model->param_index("alpha"))
                    r.fail(n, path + ".gliotransmission",
                           fmt::format("gliotransmission modulates release: the projection needs "
                                       "synapse = \"tsodyks_markram\" (it has '{}')",
                                       pj.synapse));
                tf.modulator_var = *var;
            }
        } else {
            w.insert("gliotransmission", false);
        }
        return tf;
    }

    // What a plastic synapse needs of its target and bounds.
    void plastic_checks(const toml::table& t, const std::string& path, const ProjectionSpec& pj,
                        const ModelInfo& syn, const ModelInfo& tm) const {
        const auto& pops = ex.network.populations;
        if (tm.kind != ModelKind::neuron)
            r.fail(t.get("synapse"), path + ".synapse",
                   fmt::format("synapse '{}' learns from postsynaptic spikes, but population '{}' "
                               "(model {}) is not a spiking neuron",
                               syn.name, pops[pj.target].name, tm.name));
        auto value = [&](const char* name) -> std::optional<double> {
            const auto i = syn.param_index(name);
            return i ? std::optional<double>(pj.synapse_params[*i]) : std::nullopt;
        };
        if (const auto lo_param = value("w_min"); lo_param && tm.weights_non_negative) {
            const double lo = *lo_param;
            if (lo < 0)
                r.fail(t.get("w_min"), path + ".w_min",
                       fmt::format("weights onto {} must be >= 0, so w_min must be too (got {})",
                                   tm.name, quantity_text(lo, tm.weight_dim)));
        }
        if (const auto* n = t.get("third_factor"))
            r.fail(n, path + ".third_factor",
                   fmt::format("synapse '{}' is plastic; third factors (tripartite links) pair "
                               "static or tsodyks_markram synapses only",
                               syn.name));
        const auto from = value("learn_from"), until = value("learn_until");
        if (from && until && *until != -1 && !(*until >= *from))
            r.fail(t.get("learn_until"), path + ".learn_until",
                   fmt::format("learn_until ({} ms) must be -1 (never freeze) or at least "
                               "learn_from ({} ms)",
                               *until, *from));
    }

    // The initial weights of a plastic projection lie within its bounds (clipping them silently
    // would change the network the user described).
    void plastic_weight_bounds(const toml::node& wn, const std::string& path,
                               const ProjectionSpec& pj, const ModelInfo& syn, Dim wd) const {
        const auto lo_i = syn.param_index("w_min"), hi_i = syn.param_index("w_max");
        if (!lo_i || !hi_i) return;
        const double lo = pj.synapse_params[*lo_i], hi = pj.synapse_params[*hi_i];
        if (pj.weight.min_value() < lo || pj.weight.max_value() > hi)
            r.fail(&wn, path + ".weight",
                   fmt::format("the initial weights of a plastic synapse must lie within "
                               "[w_min, w_max] = [{}, {}]; this weight can be {} (truncate a "
                               "distribution with low/high)",
                               quantity_text(lo, wd), quantity_text(hi, wd), pj.weight.describe()));
    }

    // `modulator = "population.variable"`: a state read by a plasticity rule at event time.
    // For a synapse rule the modulator has one value or one per target; for a neuron model
    // (`blocks`) one value per block of consecutive entities (the size must divide the
    // population's).
    ModulatorRef modulator(const toml::node& n, const std::string& key, const ModelInfo& reader,
                           const PopulationSpec& target, bool blocks = false) const {
        if (!reader.reads_modulator)
            r.fail(&n, key,
                   reader.kind == ModelKind::synapse
                       ? fmt::format("synapse '{}' reads no modulator; modulators scale "
                                     "plasticity rules such as synapse = \"stdp\"",
                                     reader.name)
                       : fmt::format("model {} reads no modulator (amsu does)", reader.name));
        const std::string text = r.string(n, key);
        const auto dot = text.find('.');
        if (dot == std::string::npos)
            r.fail(
                &n, key,
                fmt::format("expected \"population.variable\" (e.g. \"astro.A\"), got '{}'", text));
        const std::string pop = text.substr(0, dot), var = text.substr(dot + 1);
        const auto& pops = ex.network.populations;
        std::vector<std::string> names;
        for (const auto& p : pops) names.push_back(p.name);
        const auto it = std::find(names.begin(), names.end(), pop);
        if (it == names.end()) {
            const auto guess = closest_match(pop, names);
            r.fail(&n, key,
                   fmt::format("no population '{}' to read the modulator from{}", pop,
                               guess.empty() ? " (populations: " + join(names) + ")"
                                             : "; did you mean '" + guess + "'?"));
        }
        const PopulationSpec& ps = pops[static_cast<std::size_t>(it - names.begin())];
        const auto vi = ps.model->state_index(var);
        if (!vi) {
            std::vector<std::string> vars;
            for (const auto& s : ps.model->state) vars.push_back(s.name);
            const auto guess = closest_match(var, vars);
            r.fail(&n, key,
                   fmt::format("population '{}' (model {}) has no state variable '{}'{}", pop,
                               ps.model->name, var,
                               guess.empty() ? " (it has: " + join(vars) + ")"
                                             : "; did you mean '" + guess + "'?"));
        }
        if (blocks && target.size % ps.size != 0)
            r.fail(&n, key,
                   fmt::format("each modulator entity covers a block of equal size: '{}' has {} "
                               "entities, which does not divide the {} of '{}'",
                               pop, ps.size, target.size, target.name));
        if (!blocks && ps.size != 1 && ps.size != target.size)
            r.fail(&n, key,
                   fmt::format("a modulator is one value (a population of size 1) or one per "
                               "target; '{}' has {} entities and target '{}' has {}",
                               pop, ps.size, target.name, target.size));
        if (&ps == &target) r.fail(&n, key, "a population cannot be its own modulator");
        return {true, static_cast<std::uint32_t>(it - names.begin()), *vi};
    }

    void projections() {
        const toml::table* t = section("projections");
        if (!t) return;
        const auto& pops = ex.network.populations;
        for (const auto& [name, pt] : ordered_tables(r, *t, "projections")) {
            const std::string path = "projections." + name;
            toml::table& w = *doc.get("projections")->as_table()->get(name)->as_table();
            ProjectionSpec pj;
            pj.name = name;
            pj.source = population_index(r.required(*pt, path, "source", "a population name"),
                                         path + ".source");
            const toml::node& tn = r.required(*pt, path, "target", "a population name");
            pj.target = population_index(tn, path + ".target");
            const ModelInfo& sm = *pops[pj.source].model;
            const ModelInfo& tm = *pops[pj.target].model;
            const ModelInfo* syn = reg.find(pj.synapse);
            if (const auto* n = pt->get("synapse"))
                syn = &model(*n, path + ".synapse", {ModelKind::synapse});
            else
                w.insert("synapse", pj.synapse);
            pj.synapse = syn->name;
            pj.continuous = !syn->continuous_output.empty();
            // The synapse model's parameters sit flat in the projection table.
            pj.synapse_params = params(*pt, w, path, *syn, kProjectionKeys,
                                       pj.continuous ? Dim::dimensionless : tm.weight_dim);
            if (syn->plastic) plastic_checks(*pt, path, pj, *syn, tm);
            if (const auto* n = pt->get("modulator"))
                pj.modulator = modulator(*n, path + ".modulator", *syn, pops[pj.target]);
            if (!syn->params.empty() || syn->make_transmission) pj.synapse_model = syn;
            if (pj.continuous) {
                // Continuous coupling (e.g. sic): source output and target input must match.
                const std::string& what = syn->continuous_output;
                if (sm.continuous_output != what)
                    r.fail(pt->get("source"), path + ".source",
                           fmt::format("population '{}' (model {}) has no {} output, which "
                                       "synapse '{}' carries",
                                       pops[pj.source].name, sm.name, what, syn->name));
                const auto it =
                    std::find(tm.continuous_inputs.begin(), tm.continuous_inputs.end(), what);
                if (it == tm.continuous_inputs.end())
                    r.fail(&tn, path + ".target",
                           fmt::format("population '{}' (model {}) has no {} input",
                                       pops[pj.target].name, tm.name, what));
                pj.receptor = tm.receptors.size() +
                              static_cast<std::size_t>(it - tm.continuous_inputs.begin());
            } else {
                if (sm.kind == ModelKind::astrocyte)
                    r.fail(pt->get("source"), path + ".source",
                           fmt::format("population '{}' (model {}) sends no spikes; couple it to "
                                       "neurons with synapse = \"sic\"",
                                       pops[pj.source].name, sm.name));
                if (tm.receptors.empty())
                    r.fail(&tn, path + ".target",
                           fmt::format("population '{}' (model {}) takes no synaptic input",
                                       pops[pj.target].name, tm.name));
            }
            const toml::node& rn = r.required(*pt, path, "rule", join(kRules));
            const std::string rule = r.string(rn, path + ".rule");
            const index_t ns = pops[pj.source].size, nt = pops[pj.target].size;
            // Clang 14 cannot capture a structured binding: capture a copy of the pointer.
            auto disallow = [&, table = pt](const char* key, const std::string& why) {
                if (const auto* n = table->get(key)) r.fail(n, path + "." + key, why);
            };
            if (rule == "bernoulli") {
                pj.rule.kind = ConnectionRule::Kind::bernoulli;
                const toml::node& pn = r.required(*pt, path, "p", "connection probability");
                pj.rule.p = r.number(pn, path + ".p");
                if (!(pj.rule.p >= 0 && pj.rule.p <= 1))
                    r.fail(&pn, path + ".p",
                           fmt::format("probability must be in [0, 1], got {}", pj.rule.p));
                disallow("indegree", "indegree belongs to rule = \"fixed_indegree\"");
            } else if (rule == "fixed_indegree") {
                pj.rule.kind = ConnectionRule::Kind::fixed_indegree;
                const toml::node& kn = r.required(*pt, path, "indegree", "connections per target");
                pj.rule.k = static_cast<std::uint32_t>(r.integer(
                    kn, path + ".indegree", 0, 1'000'000'000, "a non-negative in-degree"));
                disallow("p", "p belongs to rule = \"bernoulli\"");
            } else if (rule == "one_to_one") {
                pj.rule.kind = ConnectionRule::Kind::one_to_one;
                if (ns != nt)
                    r.fail(&rn, path + ".rule",
                           fmt::format("one_to_one needs equal sizes; source has {}, target {}", ns,
                                       nt));
                disallow("p", "p belongs to rule = \"bernoulli\"");
                disallow("indegree", "indegree belongs to rule = \"fixed_indegree\"");
            } else if (rule == "distance") {
                pj.rule.kind = ConnectionRule::Kind::distance;
                const toml::node& cn =
                    r.required(*pt, path, "C", "peak probability of p = C exp(-(d/lambda)^2)");
                pj.rule.p = r.number(cn, path + ".C");
                if (!(pj.rule.p >= 0 && pj.rule.p <= 1))
                    r.fail(
                        &cn, path + ".C",
                        fmt::format("C is a probability and must be in [0, 1], got {}", pj.rule.p));
                const toml::node& ln = r.required(*pt, path, "lambda", "length scale (grid units)");
                pj.rule.lambda = r.number(ln, path + ".lambda");
                if (!(pj.rule.lambda > 0))
                    r.fail(&ln, path + ".lambda",
                           fmt::format("lambda must be > 0, got {}", pj.rule.lambda));
                if (space_of.count(pj.source) && space_of.count(pj.target) &&
                    space_of[pj.source] != space_of[pj.target])
                    r.fail(&rn, path + ".rule",
                           fmt::format("rule distance measures within one space; '{}' is in space "
                                       "'{}' and '{}' in space '{}'",
                                       pops[pj.source].name, spaces[space_of[pj.source]].name,
                                       pops[pj.target].name, spaces[space_of[pj.target]].name));
                for (auto [pi, role] : {std::pair{pj.source, "source"}, {pj.target, "target"}})
                    if (pops[pi].positions.empty())
                        r.fail(&rn, path + ".rule",
                               fmt::format("rule distance needs positions; {} population '{}' has "
                                           "none (give it positions = {{ grid = [nx, ny, nz] }})",
                                           role, pops[pi].name));
                disallow("p", "p belongs to rule = \"bernoulli\"; distance uses C and lambda");
                disallow("indegree", "indegree belongs to rule = \"fixed_indegree\"");
            } else if (rule == "all_to_all") {
                pj.rule.kind = ConnectionRule::Kind::all_to_all;
                disallow("p", "p belongs to rule = \"bernoulli\"");
                disallow("indegree", "indegree belongs to rule = \"fixed_indegree\"");
            } else {
                const auto guess = closest_match(rule, kRules);
                r.fail(&rn, path + ".rule",
                       fmt::format("unknown rule '{}'{}", rule,
                                   guess.empty() ? " (rules: " + join(kRules) + ")"
                                                 : "; did you mean '" + guess + "'?"));
            }
            if (const auto* n = pt->get("allow_autapses"))
                pj.rule.allow_autapses = r.boolean(*n, path + ".allow_autapses");
            if (const auto* n = pt->get("allow_multapses"))
                pj.rule.allow_multapses = r.boolean(*n, path + ".allow_multapses");
            if (pj.rule.kind == ConnectionRule::Kind::fixed_indegree && !pj.rule.allow_multapses) {
                const index_t pool =
                    ns - (pj.source == pj.target && !pj.rule.allow_autapses ? 1 : 0);
                if (pj.rule.k > pool)
                    r.fail(pt->get("indegree"), path + ".indegree",
                           fmt::format("indegree {} exceeds the {} distinct sources available "
                                       "without multapses",
                                       pj.rule.k, pool));
            }
            const Dim weight_dim = pj.continuous ? Dim::dimensionless : tm.weight_dim;
            const toml::node& wn = r.required(
                *pt, path, "weight",
                fmt::format("a {} such as {}", dim_name(weight_dim), example_for(weight_dim)));
            pj.weight = r.value_spec(wn, path + ".weight", weight_dim);
            if (syn->plastic) plastic_weight_bounds(wn, path, pj, *syn, weight_dim);
            if (pj.continuous)
                disallow("receptor", fmt::format("a {} projection goes to the {} input; it "
                                                 "takes no receptor",
                                                 pj.synapse, syn->continuous_output));
            else
                pj.receptor = receptor(*pt, w, path, tm, pj.weight.mean());
            if (!pj.continuous && tm.weights_non_negative && pj.weight.min_value() < 0)
                r.fail(&wn, path + ".weight",
                       tm.weight_dim == Dim::conductance
                           ? fmt::format("weights onto {} are conductances and must be >= 0 "
                                         "(choose the receptor with receptor = \"inhibitory\"); "
                                         "this weight can be {}",
                                         tm.name, pj.weight.describe())
                           : fmt::format("weights onto {} must be >= 0 (it accepts excitatory "
                                         "input only); this weight can be {}",
                                         tm.name, pj.weight.describe()));
            pj.delay = delay(*pt, w, path, "delay", ex.network.dt);
            if (const auto* n = pt->get("third_factor")) {
                if (pj.continuous)
                    r.fail(n, path + ".third_factor",
                           "a third factor pairs spike-carrying connections; this projection is "
                           "continuous");
                pj.third_factor = third_factor(*n, *w.get("third_factor")->as_table(),
                                               path + ".third_factor", pj);
            }
            const bool feeds_level =
                pj.continuous || (pj.third_factor.enabled && pj.third_factor.has_output);
            if (feeds_level && !pops[pj.target].resets.empty())
                r.fail(&tn, path + ".target",
                       fmt::format("population '{}' has per-sample resets, which would break the "
                                   "level of the continuous ({}) input this projection feeds it",
                                   pops[pj.target].name,
                                   tm.continuous_inputs.empty() ? "SIC" : tm.continuous_inputs[0]));
            ex.network.projections.push_back(std::move(pj));
        }
    }

    void stimuli() {
        const toml::table* t = section("stimuli");
        if (!t) return;
        const auto& pops = ex.network.populations;
        for (const auto& [name, st] : ordered_tables(r, *t, "stimuli")) {
            const std::string path = "stimuli." + name;
            toml::table& w = *doc.get("stimuli")->as_table()->get(name)->as_table();
            StimulusSpec s;
            s.name = name;
            const ModelInfo& m = model(r.required(*st, path, "model", "a stimulus model name"),
                                       path + ".model", {ModelKind::stimulus});
            s.model = &m;
            s.params = params(*st, w, path, m, kStimulusKeys);
            const toml::node& tn = r.required(*st, path, "target", "a population name");
            s.target = population_index(tn, path + ".target");
            const ModelInfo& tm = *pops[s.target].model;
            if (tm.kind != ModelKind::neuron && tm.kind != ModelKind::astrocyte)
                r.fail(&tn, path + ".target",
                       fmt::format("population '{}' (model {}) cannot receive stimuli",
                                   pops[s.target].name, tm.name));
            if (const auto* n = st->get("ids"))
                s.ids = r.id_list(*n, path + ".ids", pops[s.target].size);
            if (const auto* n = st->get("start"))
                s.start = r.quantity(*n, path + ".start", Dim::time);
            if (s.start < 0) r.fail(st->get("start"), path + ".start", "start must be >= 0");
            if (const auto* n = st->get("stop")) {
                s.stop = r.quantity(*n, path + ".stop", Dim::time);
                if (!(s.stop >= s.start))
                    r.fail(n, path + ".stop",
                           fmt::format("stop ({} ms) must not be before start ({} ms)", s.stop,
                                       s.start));
            }
            if (m.injects_spikes) {
                const toml::node& wn =
                    r.required(*st, path, "weight",
                               fmt::format("a {} such as {}", dim_name(tm.weight_dim),
                                           example_for(tm.weight_dim)));
                s.weight = r.quantity(wn, path + ".weight", tm.weight_dim);
                s.receptor = receptor(*st, w, path, tm, s.weight);
                if (tm.weights_non_negative && s.weight < 0)
                    r.fail(&wn, path + ".weight",
                           "conductance weights must be >= 0 (choose the receptor instead)");
            } else {
                for (const char* k : {"weight", "receptor"})
                    if (const auto* n = st->get(k))
                        r.fail(n, path + "." + k, fmt::format("model {} takes no {}", m.name, k));
            }
            ex.network.stimuli.push_back(std::move(s));
        }
    }

    void recorders() {
        const toml::table* t = section("recorders");
        if (!t) return;
        const auto& pops = ex.network.populations;
        for (const auto& [name, rt] : ordered_tables(r, *t, "recorders")) {
            const std::string path = "recorders." + name;
            r.check_keys(*rt, path, kRecorderKeys, path);
            const toml::node& kn = r.required(*rt, path, "kind", "\"spikes\" or \"state\"");
            const std::string kind = r.string(kn, path + ".kind");
            auto disallow = [&, table = rt](const char* key) { // (see projections())
                if (const auto* n = table->get(key))
                    r.fail(n, path + "." + key, fmt::format("not a key of a {} recorder", kind));
            };
            if (kind == "spikes") {
                for (const char* k : {"population", "variables", "ids", "sample", "interval"})
                    disallow(k);
                SpikeRecorderSpec s{name, {}};
                if (const auto* n = rt->get("populations")) {
                    if (!n->is_array())
                        r.fail(n, path + ".populations", "expected an array of population names");
                    std::size_t i = 0;
                    for (const auto& e : *n->as_array())
                        s.populations.push_back(
                            population_index(e, fmt::format("{}.populations[{}]", path, i++)));
                } else {
                    for (std::uint32_t i = 0; i < pops.size(); ++i) s.populations.push_back(i);
                }
                ex.network.spike_recorders.push_back(std::move(s));
            } else if (kind == "state") {
                disallow("populations");
                StateRecorderSpec s;
                s.name = name;
                const toml::node& pn = r.required(*rt, path, "population", "a population name");
                s.population = population_index(pn, path + ".population");
                const PopulationSpec& ps = pops[s.population];
                const ModelInfo& m = *ps.model;
                if (const auto* n = rt->get("variables")) {
                    const auto vars = r.string_list(*n, path + ".variables");
                    if (vars.empty())
                        r.fail(n, path + ".variables", "expected at least one variable");
                    std::vector<std::string> names;
                    for (const auto& sv : m.state) names.push_back(sv.name);
                    for (std::size_t i = 0; i < vars.size(); ++i) {
                        const auto vi = m.state_index(vars[i]);
                        if (!vi) {
                            const auto guess = closest_match(vars[i], names);
                            r.fail(&(*n->as_array())[i], fmt::format("{}.variables[{}]", path, i),
                                   fmt::format("model {} has no state variable '{}'{}", m.name,
                                               vars[i],
                                               guess.empty() ? " (variables: " + join(names) + ")"
                                                             : "; did you mean '" + guess + "'?"));
                        }
                        if (std::find(s.variables.begin(), s.variables.end(), *vi) !=
                            s.variables.end())
                            r.fail(n, path + ".variables",
                                   fmt::format("variable '{}' listed twice", vars[i]));
                        s.variables.push_back(*vi);
                    }
                } else {
                    for (std::size_t i = 0; i < m.state.size(); ++i) s.variables.push_back(i);
                }
                if (s.variables.empty())
                    r.fail(rt, path, fmt::format("model {} has no recordable state", m.name));
                const toml::node* idn = rt->get("ids");
                const toml::node* sn = rt->get("sample");
                if (idn && sn) r.fail(sn, path + ".sample", "give either ids or sample, not both");
                if (idn) {
                    s.ids = r.id_list(*idn, path + ".ids", ps.size);
                } else if (sn) {
                    const auto n = static_cast<index_t>(
                        r.integer(*sn, path + ".sample", 1, ps.size,
                                  "a sample size no larger than the population"));
                    // Evenly spread over the population.
                    for (index_t i = 0; i < n; ++i)
                        s.ids.push_back(
                            static_cast<index_t>(static_cast<std::uint64_t>(i) * ps.size / n));
                } else {
                    for (index_t i = 0; i < ps.size; ++i) s.ids.push_back(i);
                }
                const double dt = ex.network.dt;
                if (const auto* n = rt->get("interval")) {
                    s.interval = r.quantity(*n, path + ".interval", Dim::time);
                    const double k = s.interval / dt;
                    if (!(k >= 1 - 1e-9) || std::abs(k - std::round(k)) > 1e-6)
                        r.fail(n, path + ".interval",
                               fmt::format(
                                   "interval must be a positive multiple of dt = {} ms, got {} ms",
                                   dt, s.interval));
                } else {
                    s.interval = std::max(dt, 1.0);
                }
                ex.network.state_recorders.push_back(std::move(s));
            } else if (kind == "weights" || kind == "weight_histogram") {
                for (const char* k : {"populations", "population", "variables", "ids"}) disallow(k);
                ex.network.weight_recorders.push_back(weight_recorder(*rt, path, name, kind));
            } else {
                r.fail(&kn, path + ".kind",
                       fmt::format("unknown recorder kind '{}'; expected \"spikes\", \"state\", "
                                   "\"weights\" or \"weight_histogram\"",
                                   kind));
            }
        }
    }

    // kind = "weights": projection, sample (synapses; default all), interval.
    // kind = "weight_histogram": projection, bins, range = [low, high], interval.
    WeightRecorderSpec weight_recorder(const toml::table& t, const std::string& path,
                                       const std::string& name, const std::string& kind) {
        WeightRecorderSpec w;
        w.name = name;
        const toml::node& pn = r.required(t, path, "projection", "a projection name");
        const std::string proj = r.string(pn, path + ".projection");
        const auto& pjs = ex.network.projections;
        std::vector<std::string> names;
        for (const auto& pj : pjs) names.push_back(pj.name);
        const auto it = std::find(names.begin(), names.end(), proj);
        if (it == names.end()) {
            const auto guess = closest_match(proj, names);
            r.fail(&pn, path + ".projection",
                   fmt::format("no projection named '{}'{}", proj,
                               guess.empty() ? " (projections: " + join(names) + ")"
                                             : "; did you mean '" + guess + "'?"));
        }
        w.projection = static_cast<std::uint32_t>(it - names.begin());
        const ProjectionSpec& pj = pjs[w.projection];
        if (pj.continuous)
            r.fail(&pn, path + ".projection",
                   fmt::format("projection '{}' is continuous ({}); it has no synaptic weights "
                               "that change",
                               proj, pj.synapse));
        for (const auto& other : ex.network.weight_recorders)
            if (other.projection == w.projection && (other.bins > 0) == (kind != "weights"))
                r.fail(&pn, path + ".projection",
                       fmt::format("recorder '{}' already records {} of projection '{}'",
                                   other.name, kind, proj));
        const Dim wd = ex.network.populations[pj.target].model->weight_dim;
        if (kind == "weights") {
            for (const char* k : {"bins", "range"})
                if (const auto* n = t.get(k))
                    r.fail(n, path + "." + k, "belongs to kind = \"weight_histogram\"");
            if (const auto* n = t.get("sample"))
                w.sample = static_cast<std::uint64_t>(
                    r.integer(*n, path + ".sample", 1, std::numeric_limits<std::int64_t>::max(),
                              "a positive number of synapses"));
        } else {
            if (const auto* n = t.get("sample"))
                r.fail(n, path + ".sample", "a histogram counts every synapse; it takes no sample");
            const toml::node& bn = r.required(t, path, "bins", "the number of bins");
            w.bins = static_cast<std::uint32_t>(
                r.integer(bn, path + ".bins", 1, 100000, "a number of bins in [1, 100000]"));
            const toml::node& rn = r.required(t, path, "range", "[low, high] in the weight unit");
            if (!rn.is_array() || rn.as_array()->size() != 2)
                r.fail(&rn, path + ".range", "expected [low, high]");
            w.low = r.quantity((*rn.as_array())[0], path + ".range[0]", wd);
            w.high = r.quantity((*rn.as_array())[1], path + ".range[1]", wd);
            if (!(w.high > w.low))
                r.fail(&rn, path + ".range",
                       fmt::format("high ({}) must exceed low ({})", w.high, w.low));
        }
        if (const auto* n = t.get("interval")) {
            w.interval = r.quantity(*n, path + ".interval", Dim::time);
            if (!(w.interval >= ex.network.dt))
                r.fail(n, path + ".interval",
                       fmt::format("interval must be at least dt = {} ms", ex.network.dt));
            whole_steps(*n, path + ".interval", w.interval);
        }
        return w;
    }

    // The built network's memory; `gliasim run` compares it with the machine's (validation
    // does not: a file may be meant for a bigger machine).
    void estimate_memory() {
        // Clamped: a gigantic network's estimate may not fit 64 bits (the cast would be UB).
        const double bytes = estimate_resources(ex.network).memory_bytes;
        ex.estimated_bytes = bytes < 1.8e19 ? static_cast<std::uint64_t>(bytes)
                                            : std::numeric_limits<std::uint64_t>::max();
    }
};

// The resolved experiment as TOML, with populations, projections, stimuli and recorders in
// the order the network uses (toml++ would sort them by name, and that order decides random
// streams and summation order, so a re-run of the text must see the same order).
std::string resolved_text(const toml::table& doc, const NetworkSpec& net) {
    std::string out;
    auto emit = [&](const std::string& section, const std::string& name, const toml::node& n) {
        toml::table wrapper;
        if (name.empty()) {
            wrapper.insert(section, n);
        } else {
            toml::table inner;
            inner.insert(name, n);
            wrapper.insert(section, std::move(inner));
        }
        std::ostringstream o;
        o << toml::toml_formatter{wrapper};
        out += o.str();
        out += "\n\n";
    };
    const std::set<std::string> named = {"populations", "projections", "stimuli", "recorders"};
    for (const char* k : {"simulation", "output"})
        if (const toml::node* n = doc.get(k)) emit(k, "", *n);
    for (const auto& [k, v] : doc) {
        const std::string key(k.str());
        // A resolved experiment is one run: the [sweep] that produced it is not part of it.
        if (!named.count(key) && key != "simulation" && key != "output" && key != "sweep")
            emit(key, "", v);
    }
    auto emit_all = [&](const std::string& section, const std::vector<std::string>& names) {
        const toml::node* t = doc.get(section);
        if (!t || !t->is_table()) return;
        for (const auto& name : names)
            if (const toml::node* n = t->as_table()->get(name)) emit(section, name, *n);
    };
    std::vector<std::string> names;
    for (const auto& p : net.populations) names.push_back(p.name);
    emit_all("populations", names);
    names.clear();
    for (const auto& p : net.projections) names.push_back(p.name);
    emit_all("projections", names);
    names.clear();
    for (const auto& s : net.stimuli) names.push_back(s.name);
    emit_all("stimuli", names);
    // Recorders do not affect the dynamics; keep their order for a faithful file anyway.
    names.clear();
    for (const auto& r : net.spike_recorders) names.push_back(r.name);
    for (const auto& r : net.state_recorders) names.push_back(r.name);
    for (const auto& r : net.weight_recorders) names.push_back(r.name);
    std::vector<std::pair<std::uint32_t, std::string>> by_line;
    if (const toml::node* t = doc.get("recorders"); t && t->is_table())
        for (const auto& name : names)
            if (const toml::node* n = t->as_table()->get(name))
                by_line.emplace_back(n->source().begin.line, name);
    std::stable_sort(by_line.begin(), by_line.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    names.clear();
    for (const auto& [line, name] : by_line) names.push_back(name);
    emit_all("recorders", names);
    return out;
}

Experiment build(toml::table doc, const std::string& source,
                 const std::vector<std::string>& overrides, const ModelRegistry& registry) {
    std::set<std::string> overridden;
    for (const auto& o : overrides) overridden.insert(apply_override(doc, o));
    Reader r(source, overridden);
    r.check_keys(doc, "", kTopLevel, "the experiment file");
    Builder b{r, registry, doc, {}};
    b.ex.source = source;
    b.simulation();
    b.output();
    b.task_phase_times();
    b.populations();
    b.place_populations();
    b.population_modulators();
    b.projections();
    b.task();
    b.analysis();
    b.stimuli();
    b.recorders();
    b.estimate_memory();
    b.ex.resolved_toml = resolved_text(doc, b.ex.network);
    return std::move(b.ex);
}

} // namespace

Experiment parse_experiment(std::string_view text, const std::string& source_name,
                            const std::vector<std::string>& overrides,
                            const ModelRegistry& registry) {
    return build(read_experiment_document(text, source_name), source_name, overrides, registry);
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                           const ModelRegistry& registry) {
    auto read = read_experiment_source(path);
    if (const auto* why = std::get_if<std::string>(&read)) {
        // The old wording for a missing file; the others say what the path is instead.
        if (why->starts_with("cannot open"))
            throw InputError(path, 0, 0, "", "cannot open the experiment file" + why->substr(11));
        throw InputError(path, 0, 0, "", "the experiment file " + *why);
    }
    return parse_experiment(std::get<SourceFile>(read).text, path, overrides, registry);
}

} // namespace gliasim
