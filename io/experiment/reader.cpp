// SPDX-License-Identifier: MIT
#include "reader.hpp"
#include "section_reader.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "core/registry.hpp"
#include "io/input_error.hpp"

namespace gliasim::experiment_io {

std::string join(const std::vector<std::string>& names) {
    std::string s;
    for (std::size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
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

std::string quantity_text(double v, Dim d) {
    if (d == Dim::dimensionless) return fmt::format("{}", v);
    return fmt::format("{} {}", v, internal_unit(d));
}

std::string did_you_mean_or(const std::string& word, const std::vector<std::string>& names,
                            const std::string& otherwise) {
    const auto guess = closest_match(word, names);
    return guess.empty() ? otherwise : "; did you mean '" + guess + "'?";
}

Reader::Reader(std::string file, std::set<std::string> overridden)
    : file_(std::move(file)), overridden_(std::move(overridden)) {}

void Reader::fail(const toml::node* n, const std::string& key, const std::string& msg) const {
    std::uint32_t line = 0, col = 0;
    const std::string* file = nullptr; // set for nodes from a file this one extends
    if (n) {
        line = n->source().begin.line;
        col = n->source().begin.column;
        file = n->source().path.get();
    }
    fail_at(line, col, key, msg, file);
}

void Reader::fail_at(std::uint32_t line, std::uint32_t col, const std::string& key,
                     const std::string& msg, const std::string* file) const {
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

const toml::table& Reader::table(const toml::node& n, const std::string& key) const {
    if (!n.is_table()) fail(&n, key, "expected a table, got " + type_name(n));
    return *n.as_table();
}

std::string Reader::string(const toml::node& n, const std::string& key) const {
    if (!n.is_string()) fail(&n, key, "expected a string, got " + type_name(n));
    return n.as_string()->get();
}

bool Reader::boolean(const toml::node& n, const std::string& key) const {
    if (!n.is_boolean()) fail(&n, key, "expected true or false, got " + type_name(n));
    return n.as_boolean()->get();
}

std::int64_t Reader::integer(const toml::node& n, const std::string& key, std::int64_t lo,
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

double Reader::number(const toml::node& n, const std::string& key) const {
    if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
    if (n.is_floating_point()) {
        const double v = n.as_floating_point()->get();
        if (!std::isfinite(v)) fail(&n, key, "expected a finite number");
        return v;
    }
    fail(&n, key, "expected a number, got " + type_name(n));
}

double Reader::quantity(const toml::node& n, const std::string& key, Dim d) const {
    const std::string expected = d == Dim::dimensionless
                                     ? std::string("a number")
                                     : fmt::format("a {} such as {} (or a bare number in {})",
                                                   dim_name(d), example_for(d), internal_unit(d));
    if (n.is_integer() || n.is_floating_point()) return checked_time(n, key, d, number(n, key));
    if (d == Dim::time && n.is_string())
        if (auto it = named_times_.find(n.as_string()->get()); it != named_times_.end())
            return it->second;
    if (!n.is_string()) fail(&n, key, fmt::format("expected {}, got {}", expected, type_name(n)));
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

double Reader::checked_time(const toml::node& n, const std::string& key, Dim d, double v) const {
    if (d == Dim::time && std::abs(v) > kMaxTimeMs)
        fail(&n, key,
             fmt::format("{} ms is beyond the supported range of times (|t| <= {:g} ms)", v,
                         kMaxTimeMs));
    return v;
}

ValueSpec Reader::value_spec(const toml::node& n, const std::string& key, Dim d) const {
    if (!n.is_table()) return ValueSpec::constant(quantity(n, key, d), d);
    SectionReader s(*this, *n.as_table(), key);
    const Key distribution = s.get("distribution");
    const std::string dist = distribution.required("normal, uniform or lognormal").string();
    ValueSpec v;
    v.dim = d;
    const double inf = std::numeric_limits<double>::infinity();
    if (dist == "normal") {
        const Key mean = s.get("mean"), sd = s.get("std"), low = s.get("low"), high = s.get("high");
        s.finish("a normal distribution");
        v.kind = ValueSpec::Kind::normal;
        v.a = mean.required("a value").quantity(d);
        v.b = sd.required("a value").quantity(d);
        v.low = low ? low.quantity(d) : -inf;
        v.high = high ? high.quantity(d) : inf;
        if (v.b < 0) sd.fail("standard deviation must be >= 0");
    } else if (dist == "uniform") {
        const Key low = s.get("low"), high = s.get("high");
        s.finish("a uniform distribution");
        v.kind = ValueSpec::Kind::uniform;
        v.a = low.required("a value").quantity(d);
        v.b = high.required("a value").quantity(d);
        if (!(v.a < v.b)) s.fail("uniform distribution needs low < high");
    } else if (dist == "lognormal") {
        const Key mean = s.get("mean"), sd = s.get("std"), high = s.get("high");
        s.finish("a lognormal distribution");
        v.kind = ValueSpec::Kind::lognormal;
        v.a = mean.required("a value").quantity(d);
        v.b = sd.required("a value").quantity(d);
        v.high = high ? high.quantity(d) : inf;
        if (!(v.a > 0)) mean.fail("lognormal mean must be > 0");
        if (v.b < 0) sd.fail("standard deviation must be >= 0");
    } else {
        distribution.fail(
            fmt::format("unknown distribution '{}'{}; expected normal, uniform or lognormal", dist,
                        did_you_mean_or(dist, {"normal", "uniform", "lognormal"}, "")));
    }
    if (v.low > v.high) s.fail("truncation bounds need low <= high");
    if (v.kind == ValueSpec::Kind::normal && (v.high < v.a - 6 * v.b || v.low > v.a + 6 * v.b))
        s.fail("truncation bounds exclude almost all of the distribution");
    return v;
}

std::vector<index_t> Reader::id_list(const toml::node& n, const std::string& key,
                                     index_t size) const {
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

std::vector<std::string> Reader::string_list(const toml::node& n, const std::string& key) const {
    if (!n.is_array()) fail(&n, key, "expected an array of strings, got " + type_name(n));
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const auto& e : *n.as_array()) out.push_back(string(e, fmt::format("{}[{}]", key, i++)));
    return out;
}

} // namespace gliasim::experiment_io
