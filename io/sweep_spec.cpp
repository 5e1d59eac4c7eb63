// SPDX-License-Identifier: MIT
// The [sweep] table: parsed with toml++ for positions, expanded into points whose values are
// TOML text for the same key paths `--set` accepts.
#include "sweep_spec.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <sstream>
#include <toml++/toml.h>

#include "experiment_document.hpp"
#include "experiment_source.hpp"
#include "sweep_random.hpp"

namespace gliasim {

namespace {

const std::vector<std::string> kSweepKeys = {"grid", "zip", "random", "seeds", "slurm"};
const std::vector<std::string> kSlurmKeys = {"time", "mem", "cpus_per_task", "partition"};
const std::vector<std::string> kRangeKeys = {"min", "max", "distribution"};
constexpr std::size_t kMaxPoints = 1000000;

bool has_control_character(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// A key as a message shows it: control characters as \xNN, so that the message stays one line.
std::string shown(std::string_view key) {
    std::string out;
    for (const char c : key) {
        const auto u = static_cast<unsigned char>(c);
        out += u < 0x20 || u == 0x7f ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
    return out;
}

bool all_digits(std::string_view s, std::size_t max_digits = 9) {
    return !s.empty() && s.size() <= max_digits &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        const auto at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
        if (at == std::string_view::npos) return out;
        start = at + 1;
    }
}

// One group of the product: `rows` assignments, each giving a value to every key of the group.
struct Group {
    std::vector<std::size_t> keys;                 // indices into SweepSpec::keys
    std::vector<std::vector<SweepParameter>> rows; // values and their positions; keys unset
};

SweepParameter value_at(std::string text, const toml::node& n) {
    return {"", std::move(text), n.source().begin.line, n.source().begin.column};
}

std::string toml_text(const toml::node& n) {
    // Floats in their shortest exact form (0.05, not toml++'s 0.050000000000000003), still
    // TOML floats ("1" would read back as an integer).
    if (const auto* f = n.as_floating_point()) {
        std::string s = fmt::format("{}", f->get());
        if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
        return s;
    }
    toml::table wrapper;
    if (const auto* t = n.as_table()) {
        toml::table copy = *t;
        copy.is_inline(true);
        wrapper.insert("v", std::move(copy));
    } else {
        wrapper.insert("v", n);
    }
    std::ostringstream o;
    o << toml::toml_formatter{wrapper, toml::toml_formatter::default_flags &
                                           ~toml::format_flags::indentation};
    std::string s = o.str();
    return s.substr(s.find('=') + 2);
}

class SweepReader {
public:
    explicit SweepReader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const toml::node* n, const std::string& key,
                           const std::string& msg) const {
        std::uint32_t line = 0, col = 0;
        if (n) line = n->source().begin.line, col = n->source().begin.column;
        throw InputError(file_, line, col, key, msg);
    }

    const toml::table& table(const toml::node& n, const std::string& key) const {
        if (!n.is_table()) fail(&n, key, "expected a table");
        return *n.as_table();
    }

    void check_keys(const toml::table& t, const std::string& path,
                    const std::vector<std::string>& allowed) const {
        for (const auto& [k, v] : t)
            if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
                std::string list;
                for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                fail(&v, path + "." + std::string(k.str()),
                     fmt::format("unknown key; expected one of: {}", list));
            }
    }

    // The entries of a group table in file order (toml++ tables iterate by name).
    std::vector<std::pair<std::string, const toml::node*>> in_file_order(const toml::table& t) {
        std::vector<std::pair<std::string, const toml::node*>> out;
        for (const auto& [k, v] : t) out.emplace_back(std::string(k.str()), &v);
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            const auto& sa = a.second->source().begin;
            const auto& sb = b.second->source().begin;
            return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
        });
        return out;
    }

    std::size_t add_key(SweepSpec& spec, const std::string& key, const std::string& sweep_key,
                        const toml::node& n) {
        if (key.empty() || key.front() == '.' || key.back() == '.' ||
            key.find("..") != std::string::npos)
            fail(&n, sweep_key, "expected a key path such as \"projections.exc_exc.weight\"");
        if (has_control_character(key))
            fail(&n, sweep_key, "a key path cannot hold control characters (tab, line break)");
        if (key.starts_with("sweep"))
            fail(&n, sweep_key, "the [sweep] table itself cannot be swept");
        for (const auto& k : spec.keys)
            if (k.key == key)
                fail(
                    &n, sweep_key,
                    fmt::format("'{}' is already swept by {} (line {})", key, k.sweep_key, k.line));
        spec.keys.push_back({key, sweep_key, n.source().begin.line, n.source().begin.column});
        return spec.keys.size() - 1;
    }

    std::vector<SweepParameter> value_list(const toml::node& n, const std::string& key) const {
        if (!n.is_array() || n.as_array()->empty())
            fail(&n, key, "expected a non-empty list of values, e.g. [\"4 nS\", \"6 nS\"]");
        std::vector<SweepParameter> out;
        for (const auto& e : *n.as_array()) out.push_back(value_at(toml_text(e), e));
        return out;
    }

    Group grid(SweepSpec& spec, const toml::table& t) {
        Group g;
        g.rows.emplace_back();
        for (const auto& [key, node] : in_file_order(t)) {
            const std::string where = "sweep.grid." + shown(key);
            const auto values = value_list(*node, where);
            g.keys.push_back(add_key(spec, key, where, *node));
            if (g.rows.size() * values.size() > kMaxPoints)
                fail(node, where, fmt::format("the grid has more than {} points", kMaxPoints));
            std::vector<std::vector<SweepParameter>> rows;
            for (const auto& row : g.rows)
                for (const auto& v : values) {
                    rows.push_back(row);
                    rows.back().push_back(v);
                }
            g.rows = std::move(rows);
        }
        return g;
    }

    Group zip(SweepSpec& spec, const toml::table& t) {
        Group g;
        std::string first_key;
        std::size_t length = 0;
        for (const auto& [key, node] : in_file_order(t)) {
            const std::string where = "sweep.zip." + shown(key);
            const auto values = value_list(*node, where);
            if (g.keys.empty()) {
                first_key = key, length = values.size();
                g.rows.resize(length);
            } else if (values.size() != length) {
                fail(node, where,
                     fmt::format("zip lists must have equal lengths: {} values here, {} in '{}'",
                                 values.size(), length, first_key));
            }
            g.keys.push_back(add_key(spec, key, where, *node));
            for (std::size_t i = 0; i < length; ++i) g.rows[i].push_back(values[i]);
        }
        return g;
    }

    sweep::RandomRange range(const toml::node& n, const std::string& where) const {
        const toml::table& t = table(n, where);
        check_keys(t, where, kRangeKeys);
        const toml::node* lo = t.get("min");
        const toml::node* hi = t.get("max");
        if (!lo || !hi) fail(&n, where, "a random range needs both min and max");
        sweep::RandomRange r;
        if (const toml::node* d = t.get("distribution")) {
            const auto s = d->value<std::string>();
            if (!s || (*s != "uniform" && *s != "log_uniform"))
                fail(d, where + ".distribution", "expected \"uniform\" or \"log_uniform\"");
            r.log = *s == "log_uniform";
        }
        if (lo->is_integer() && hi->is_integer()) {
            r.integer = true;
            r.min = static_cast<double>(*lo->value<std::int64_t>());
            r.max = static_cast<double>(*hi->value<std::int64_t>());
        } else if (lo->is_number() && hi->is_number()) {
            r.min = *lo->value<double>();
            r.max = *hi->value<double>();
        } else if (lo->is_string() && hi->is_string()) {
            std::string unit_hi;
            if (!sweep::split_quantity(*lo->value<std::string>(), r.min, r.unit) || r.unit.empty())
                fail(lo, where + ".min", "expected a quantity such as \"2 nS\"");
            if (!sweep::split_quantity(*hi->value<std::string>(), r.max, unit_hi) ||
                unit_hi.empty())
                fail(hi, where + ".max", "expected a quantity such as \"8 nS\"");
            if (unit_hi != r.unit)
                fail(hi, where + ".max",
                     fmt::format("min and max must use the same unit ('{}' and '{}')", r.unit,
                                 unit_hi));
        } else {
            fail(&n, where,
                 "min and max must both be numbers or both be quantity strings with units");
        }
        if (!(r.min < r.max)) fail(hi, where + ".max", "max must be greater than min");
        if (r.log && r.min <= 0) fail(lo, where + ".min", "log_uniform needs min > 0");
        return r;
    }

    Group random(SweepSpec& spec, const toml::table& t) {
        Group g;
        const toml::node* n_node = t.get("n");
        if (!n_node || !n_node->is_integer() || *n_node->value<std::int64_t>() < 1 ||
            *n_node->value<std::int64_t>() > static_cast<std::int64_t>(kMaxPoints))
            fail(n_node ? n_node : &t, "sweep.random.n",
                 "expected the number of samples, an integer >= 1");
        const auto n = static_cast<std::size_t>(*n_node->value<std::int64_t>());
        std::uint64_t seed = 1;
        if (const toml::node* s = t.get("seed")) {
            if (!s->is_integer() || *s->value<std::int64_t>() < 0)
                fail(s, "sweep.random.seed", "expected a non-negative integer");
            seed = static_cast<std::uint64_t>(*s->value<std::int64_t>());
        }
        std::vector<sweep::RandomRange> ranges;
        std::vector<const toml::node*> range_nodes;
        for (const auto& [key, node] : in_file_order(t)) {
            if (key == "n" || key == "seed") continue;
            const std::string where = "sweep.random." + shown(key);
            ranges.push_back(range(*node, where));
            range_nodes.push_back(node);
            g.keys.push_back(add_key(spec, key, where, *node));
        }
        if (ranges.empty()) fail(&t, "sweep.random", "no key to sample");
        std::mt19937_64 rng(seed);
        for (std::size_t i = 0; i < n; ++i) {
            g.rows.emplace_back();
            for (std::size_t k = 0; k < ranges.size(); ++k)
                g.rows.back().push_back(value_at(sweep::sample(ranges[k], rng), *range_nodes[k]));
        }
        return g;
    }

    Group seeds(SweepSpec& spec, const toml::node& n) {
        Group g;
        g.keys.push_back(add_key(spec, "simulation.seed", "sweep.seeds", n));
        if (n.is_integer()) {
            const auto count = *n.value<std::int64_t>();
            if (count < 1) fail(&n, "sweep.seeds", "expected a count >= 1 or a list of seeds");
            for (std::int64_t s = 1; s <= count; ++s)
                g.rows.push_back({value_at(std::to_string(s), n)});
            return g;
        }
        if (!n.is_array() || n.as_array()->empty())
            fail(&n, "sweep.seeds", "expected a count (seeds = 5) or a list (seeds = [1, 7])");
        for (const auto& e : *n.as_array()) {
            if (!e.is_integer() || *e.value<std::int64_t>() < 0)
                fail(&e, "sweep.seeds", "seeds must be non-negative integers");
            g.rows.push_back({value_at(toml_text(e), e)});
        }
        return g;
    }

    void slurm(SweepSpec& spec, const toml::table& t) {
        check_keys(t, "sweep.slurm", kSlurmKeys);
        auto text = [&](const char* key, std::string& out) {
            if (const toml::node* n = t.get(key)) {
                if (!n->is_string())
                    fail(n, fmt::format("sweep.slurm.{}", key), "expected a string");
                out = *n->value<std::string>();
            }
        };
        // Checked here, where the value's line and column are known; the script generator
        // checks again before writing anything.
        auto checked = [&](const char* key, std::string& out,
                           std::string (*problem)(std::string_view)) {
            text(key, out);
            if (const std::string why = problem(out); !out.empty() && !why.empty())
                fail(t.get(key), fmt::format("sweep.slurm.{}", key), why);
        };
        checked("time", spec.slurm.time, slurm_time_problem);
        checked("mem", spec.slurm.mem, slurm_memory_problem);
        checked("partition", spec.slurm.partition, slurm_partition_problem);
        if (const toml::node* n = t.get("cpus_per_task")) {
            if (!n->is_integer() || *n->value<std::int64_t>() < 1)
                fail(n, "sweep.slurm.cpus_per_task", "expected an integer >= 1");
            spec.slurm.cpus_per_task = static_cast<int>(*n->value<std::int64_t>());
        }
    }

private:
    std::string file_;
};

// The product of the groups, the last group varying fastest.
std::vector<SweepPoint> expand(const SweepSpec& spec, const std::vector<Group>& groups) {
    std::size_t total = 1;
    for (const auto& g : groups) total *= g.rows.size();
    std::vector<SweepPoint> points(total);
    const std::size_t width = std::max<std::size_t>(4, std::to_string(total - 1).size());
    for (std::size_t i = 0; i < total; ++i) {
        std::vector<SweepParameter> values(spec.keys.size());
        std::size_t rest = i;
        for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
            const auto& row = g->rows[rest % g->rows.size()];
            rest /= g->rows.size();
            for (std::size_t k = 0; k < g->keys.size(); ++k) values[g->keys[k]] = row[k];
        }
        SweepPoint& p = points[i];
        p.index = i;
        p.parameters = std::move(values);
        for (std::size_t k = 0; k < spec.keys.size(); ++k) p.parameters[k].key = spec.keys[k].key;
        p.id = fmt::format("{:0{}}-{}", i, width, parameter_hash(p.parameters));
    }
    return points;
}

} // namespace

std::string slurm_time_problem(std::string_view v) {
    const std::string expected = "expected a Slurm time limit: MM, MM:SS, HH:MM:SS, D-HH, "
                                 "D-HH:MM or D-HH:MM:SS (e.g. \"00:30:00\" or \"1-12\")";
    if (v == "UNLIMITED" || v == "INFINITE") return {};
    const auto dash = v.find('-');
    if (dash != std::string_view::npos && !all_digits(v.substr(0, dash))) return expected;
    const auto clock = split(dash == std::string_view::npos ? v : v.substr(dash + 1), ':');
    if (clock.size() > 3 ||
        !std::all_of(clock.begin(), clock.end(), [](auto c) { return all_digits(c); }))
        return expected;
    return {};
}

std::string slurm_memory_problem(std::string_view v) {
    std::string_view digits = v;
    if (!v.empty() && std::string_view("KMGTkmgt").find(v.back()) != std::string_view::npos)
        digits.remove_suffix(1);
    if (!all_digits(digits, 15))
        return "expected a Slurm memory size: digits with an optional K, M, G or T suffix "
               "(e.g. \"4G\" or \"500M\")";
    return {};
}

std::string slurm_partition_problem(std::string_view v) {
    const bool ok = !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
               c == ',';
    });
    return ok ? std::string()
              : "expected a Slurm partition name: letters, digits, '_', '.', '-' (several "
                "separated by ','), at most 128 characters";
}

std::string slurm_job_name_problem(std::string_view v) {
    const bool ok = !v.empty() && v.size() <= 128 && std::all_of(v.begin(), v.end(), [](char c) {
        return c >= 0x20 && c < 0x7f && c != '\'' && c != '"' && c != '\\';
    });
    return ok ? std::string()
              : "a Slurm job name must be printable ASCII without quotes or backslashes, at "
                "most 128 characters (rename the sweep file)";
}

std::string batch_path_problem(std::string_view v) {
    return has_control_character(v)
               ? "a path written into a batch script cannot hold control characters (tab, line "
                 "break)"
               : std::string();
}

std::vector<std::string> SweepPoint::overrides() const {
    std::vector<std::string> out;
    for (const auto& p : parameters) out.push_back(p.key + "=" + p.value);
    return out;
}

std::string parameter_hash(const std::vector<SweepParameter>& parameters) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (const auto& p : parameters)
        for (const char c : p.key + "=" + p.value + "\n") {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ull;
        }
    return fmt::format("{:08x}", static_cast<std::uint32_t>(h ^ (h >> 32)));
}

SweepSpec parse_sweep(std::string_view text, const std::string& source_name) {
    const toml::table doc = read_experiment_document(text, source_name);
    SweepReader r(source_name);
    const toml::node* sweep_node = doc.get("sweep");
    if (!sweep_node)
        throw InputError(source_name, 0, 0, "sweep",
                         "no [sweep] table: add [sweep.grid], [sweep.zip], [sweep.random] or "
                         "[sweep] seeds = N");
    const toml::table& sweep = r.table(*sweep_node, "sweep");
    r.check_keys(sweep, "sweep", kSweepKeys);

    SweepSpec spec;
    spec.source = source_name;
    spec.text = std::string(text);

    std::vector<Group> groups;
    auto add = [&](Group g) {
        if (!g.keys.empty()) groups.push_back(std::move(g));
    };
    if (const toml::node* n = sweep.get("grid")) add(r.grid(spec, r.table(*n, "sweep.grid")));
    if (const toml::node* n = sweep.get("zip")) add(r.zip(spec, r.table(*n, "sweep.zip")));
    if (const toml::node* n = sweep.get("random")) add(r.random(spec, r.table(*n, "sweep.random")));
    if (const toml::node* n = sweep.get("seeds")) add(r.seeds(spec, *n));
    if (const toml::node* n = sweep.get("slurm")) r.slurm(spec, r.table(*n, "sweep.slurm"));
    if (spec.keys.empty())
        r.fail(sweep_node, "sweep", "nothing to sweep: give grid, zip, random or seeds");
    std::size_t total = 1;
    for (const auto& g : groups) total *= g.rows.size();
    if (total > kMaxPoints)
        r.fail(sweep_node, "sweep",
               fmt::format("{} points is more than the limit of {}", total, kMaxPoints));
    spec.points = expand(spec, groups);
    return spec;
}

SweepSpec load_sweep(const std::string& path) {
    // As for an experiment file: only a regular file under the size cap, so that a FIFO or
    // /dev/zero given as the sweep file is refused at once instead of blocking or filling memory.
    auto read = read_experiment_source(path);
    if (const auto* why = std::get_if<std::string>(&read)) {
        if (why->starts_with("cannot open"))
            throw InputError(path, 0, 0, "", "cannot open the sweep file" + why->substr(11));
        throw InputError(path, 0, 0, "", "the sweep file " + *why);
    }
    return parse_sweep(std::get<SourceFile>(read).text, path);
}

} // namespace gliasim
