// SPDX-License-Identifier: MIT
// [analysis] branching_factor = { populations = ["E", "I"], sample_length, from }
#include "sections.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace gliasim::experiment_io {

namespace {

void read_branching_populations(const BuildContext& ctx, const Key& populations,
                                BranchingSpec& bs) {
    const auto& pops = ctx.ex.network.populations;
    const toml::node& pn = populations.required("the liquid's population names").value();
    if (!pn.is_array() || pn.as_array()->empty())
        populations.fail("expected a non-empty array of population names");
    std::size_t i = 0;
    for (const auto& e : *pn.as_array()) {
        const std::string key = fmt::format("{}[{}]", populations.path(), i++);
        const auto p = ctx.population_index(e, key);
        if (std::find(bs.populations.begin(), bs.populations.end(), p) != bs.populations.end())
            ctx.r.fail(&e, key, fmt::format("population '{}' listed twice", pops[p].name));
        if (!is_neuron(*pops[p].model))
            ctx.r.fail(&e, populations.path(),
                       fmt::format("population '{}' is not made of neurons", pops[p].name));
        bs.populations.push_back(p);
    }
}

} // namespace

void read_analysis(BuildContext& ctx) {
    const toml::table* t = ctx.section("analysis");
    if (!t) return;
    SectionReader s(ctx.r, *t, "analysis");
    const Key branching = s.get("branching_factor");
    s.finish("[analysis]");
    if (!branching) return;
    SectionReader b(ctx.r, branching.table(), branching.path());
    const Key populations = b.get("populations"), sample_length = b.get("sample_length"),
              from = b.get("from");
    b.finish("a branching-factor analysis");
    const auto& net = ctx.ex.network;
    BranchingSpec& bs = ctx.ex.network.branching;
    bs.enabled = true;
    const double per_ms = 1.0 / net.dt;
    if (std::abs(per_ms - std::round(per_ms)) > 1e-6 * per_ms)
        branching.fail(fmt::format("the branching factor's windows (1, 4, 5 and 25 ms) need a dt "
                                   "that divides 1 ms; dt is {} ms",
                                   net.dt));
    read_branching_populations(ctx, populations, bs);
    if (from) {
        bs.from = from.quantity(Dim::time);
        if (!(bs.from >= 0)) from.fail("from must be >= 0");
        ctx.whole_steps(from, bs.from);
    }
    if (sample_length) {
        bs.sample_length = sample_length.quantity(Dim::time);
        if (!(bs.sample_length > 58.0))
            sample_length.fail(fmt::format("a sample must be longer than the 25 ms excluded at "
                                           "each end plus the 4 ms windows (> 58 ms); got {} ms",
                                           bs.sample_length));
        ctx.whole_steps(sample_length, bs.sample_length);
        // A shortened run (--set simulation.duration) analyses nothing rather than failing.
        const double samples = (net.duration - bs.from) / bs.sample_length;
        if (samples > 0 && std::abs(samples - std::round(samples)) > 1e-6 * samples)
            sample_length.fail(fmt::format("the analysed span ({} ms from {} ms to the end) must "
                                           "be a whole number of samples",
                                           net.duration - bs.from, bs.from));
    }
}

} // namespace gliasim::experiment_io
