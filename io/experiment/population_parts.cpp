// SPDX-License-Identifier: MIT
// The structural keys of [populations.X]: coupling, reset schedules and spike times.
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace gliasim::experiment_io {

// `coupling = { rule = "ring", neighbours = 1 }` or `{ rule = "bernoulli", p = 0.1 }`.
CouplingSpec read_coupling(const BuildContext& ctx, const Key& coupling, index_t size) {
    SectionReader s(ctx.r, coupling.table(), coupling.path());
    CouplingSpec c;
    const Key rule_key = s.get("rule");
    const std::string rule = rule_key.required("\"ring\" or \"bernoulli\"").string();
    if (rule == "ring") {
        const Key neighbours = s.get("neighbours");
        s.finish("a ring coupling");
        c.rule = CouplingSpec::Rule::ring;
        if (neighbours)
            c.neighbours = static_cast<std::uint32_t>(neighbours.integer(
                1, std::max<index_t>(1, (size - 1) / 2), "a number of neighbours on each side"));
    } else if (rule == "bernoulli") {
        const Key p = s.get("p");
        s.finish("a bernoulli coupling");
        c.rule = CouplingSpec::Rule::bernoulli;
        c.p = p.required("pair probability").number();
        if (!(c.p >= 0 && c.p <= 1))
            p.fail(fmt::format("probability must be in [0, 1], got {}", c.p));
    } else {
        rule_key.fail(
            fmt::format("unknown coupling rule '{}'; expected \"ring\" or \"bernoulli\"", rule));
    }
    return c;
}

// `reset = { every = "20 ms", from = "0 s", until = "10 s" }`, or an array of such tables.
std::vector<ResetSchedule> read_resets(const BuildContext& ctx, const Key& reset) {
    const double dt = ctx.ex.network.dt;
    std::vector<ResetSchedule> out;
    auto one = [&](const toml::node& e, const std::string& path) {
        SectionReader s(ctx.r, ctx.r.table(e, path), path);
        const Key every = s.get("every"), from = s.get("from"), until = s.get("until");
        s.finish("a reset schedule");
        ResetSchedule rs;
        rs.every = every.required("the sample length, e.g. \"20 ms\"").quantity(Dim::time);
        if (!(rs.every >= dt))
            every.fail(fmt::format("resets must be at least one step ({} ms) apart", dt));
        ctx.whole_steps(every, rs.every);
        if (from) {
            rs.from = from.quantity(Dim::time);
            ctx.whole_steps(from, rs.from);
        }
        if (until) {
            rs.until = until.quantity(Dim::time);
            if (!(rs.until >= rs.from))
                until.fail(fmt::format("until ({} ms) is before from ({} ms)", rs.until, rs.from));
        }
        if (rs.from < 0) from.fail("from must be >= 0");
        out.push_back(rs);
    };
    if (reset.value().is_array()) {
        std::size_t i = 0;
        for (const auto& e : *reset.value().as_array())
            one(e, fmt::format("{}[{}]", reset.path(), i++));
    } else {
        one(reset.value(), reset.path());
    }
    return out;
}

std::vector<std::vector<double>> read_spike_times(const BuildContext& ctx, const Key& spike_times,
                                                  index_t size) {
    const toml::node& n = spike_times.value();
    const std::string& key = spike_times.path();
    if (!n.is_array()) spike_times.fail("expected an array of times or an array of arrays");
    const toml::array& a = *n.as_array();
    const double dt = ctx.ex.network.dt;
    auto one = [&](const toml::array& arr, const std::string& k) {
        std::vector<double> times;
        std::size_t i = 0;
        for (const auto& e : arr) {
            const std::string ek = fmt::format("{}[{}]", k, i++);
            const double t = ctx.r.quantity(e, ek, Dim::time);
            if (t < dt - 1e-9)
                ctx.r.fail(
                    &e, ek,
                    fmt::format("spike time {} ms is before the first step end ({} ms)", t, dt));
            times.push_back(t);
        }
        return times;
    };
    if (!a.empty() && a[0].is_array()) {
        if (a.size() != size)
            spike_times.fail(
                fmt::format("has {} lists but the population has {} entities", a.size(), size));
        std::vector<std::vector<double>> out;
        for (std::size_t i = 0; i < a.size(); ++i) {
            const std::string k = fmt::format("{}[{}]", key, i);
            if (!a[i].is_array()) ctx.r.fail(&a[i], k, "expected an array of times");
            out.push_back(one(*a[i].as_array(), k));
        }
        return out;
    }
    return {one(a, key)};
}

} // namespace gliasim::experiment_io
