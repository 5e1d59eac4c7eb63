// SPDX-License-Identifier: MIT
#include "branching_factor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace gliasim {

namespace {

// CSR lists from (row, column) pairs: sorted, unique per row.
void build_lists(index_t n, std::vector<std::pair<index_t, index_t>>& pairs,
                 std::vector<std::uint64_t>& offsets, std::vector<index_t>& cols) {
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    offsets.assign(static_cast<std::size_t>(n) + 1, 0);
    cols.clear();
    cols.reserve(pairs.size());
    for (const auto& [row, col] : pairs) {
        ++offsets[row + 1];
        cols.push_back(col);
    }
    for (index_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
}

// A length in ms as a whole number of steps.
std::int64_t to_steps(double ms, double dt, const char* what) {
    const double x = ms / dt;
    const double r = std::round(x);
    if (!std::isfinite(x) || r < 0 || std::abs(x - r) > 1e-6 * std::max(1.0, std::abs(x)))
        throw std::invalid_argument(std::string("branching factor: ") + what +
                                    " must be a non-negative whole number of steps of dt");
    return static_cast<std::int64_t>(r);
}

// Spikes of a sorted step list in [a, b).
std::uint64_t count_in(std::span<const step_t> steps, step_t a, step_t b) {
    const auto lo = std::lower_bound(steps.begin(), steps.end(), a);
    const auto hi = std::lower_bound(lo, steps.end(), b);
    return static_cast<std::uint64_t>(hi - lo);
}

} // namespace

LiquidGraph make_liquid_graph(index_t n, std::span<const std::pair<index_t, index_t>> edges) {
    std::vector<std::pair<index_t, index_t>> by_source, by_target;
    by_source.reserve(edges.size());
    by_target.reserve(edges.size());
    for (const auto& [s, t] : edges) {
        if (s >= n || t >= n)
            throw std::invalid_argument("liquid graph: neuron id outside the liquid");
        by_source.emplace_back(s, t);
        by_target.emplace_back(t, s);
    }
    LiquidGraph g;
    build_lists(n, by_source, g.post_offsets, g.post);
    build_lists(n, by_target, g.pre_offsets, g.pre);
    return g;
}

LiquidGraph liquid_graph(const Network& net, std::span<const std::uint32_t> populations) {
    const auto& pops = net.spec().populations;
    constexpr index_t kOutside = std::numeric_limits<index_t>::max();
    std::vector<index_t> offset_of(pops.size(), kOutside);
    std::vector<index_t> offsets{0};
    for (const std::uint32_t p : populations) {
        if (p >= pops.size())
            throw std::invalid_argument("liquid graph: no population " + std::to_string(p));
        if (offset_of[p] != kOutside)
            throw std::invalid_argument("liquid graph: population '" + pops[p].name +
                                        "' given twice");
        offset_of[p] = offsets.back();
        offsets.push_back(offsets.back() + pops[p].size);
    }
    const auto& specs = net.projection_specs();
    std::vector<std::pair<index_t, index_t>> edges;
    for (std::size_t i = 0; i < net.projections().size(); ++i) {
        const ProjectionSpec& ps = specs[i];
        if (ps.continuous) continue;
        const index_t src = offset_of[ps.source], tgt = offset_of[ps.target];
        if (src == kOutside || tgt == kOutside) continue;
        for (const auto& e : net.projections()[i].edges())
            edges.emplace_back(src + e.source, tgt + e.target);
    }
    LiquidGraph g = make_liquid_graph(offsets.back(), edges);
    g.population_offsets = std::move(offsets);
    return g;
}

BranchingResult branching_factor(const LiquidGraph& g, std::span<const double> spike_times_ms,
                                 std::span<const index_t> liquid_ids, double duration_ms,
                                 double dt_ms, const BranchingOptions& o) {
    if (spike_times_ms.size() != liquid_ids.size())
        throw std::invalid_argument("branching factor: spike times and ids differ in length");
    if (!(dt_ms > 0)) throw std::invalid_argument("branching factor: dt must be positive");
    const std::int64_t total = to_steps(duration_ms, dt_ms, "the duration");
    const std::int64_t window_a = to_steps(o.ancestor_window, dt_ms, "ancestor_window");
    const std::int64_t desc_b = to_steps(o.descendant_begin, dt_ms, "descendant_begin");
    const std::int64_t desc_e = to_steps(o.descendant_end, dt_ms, "descendant_end");
    const std::int64_t skip_s = to_steps(o.exclude_start, dt_ms, "exclude_start");
    const std::int64_t skip_e = to_steps(o.exclude_end, dt_ms, "exclude_end");
    const std::int64_t sample =
        o.sample_length > 0 ? to_steps(o.sample_length, dt_ms, "sample_length") : total;
    if (desc_e < desc_b)
        throw std::invalid_argument("branching factor: descendant_end < descendant_begin");
    if (sample <= 0 || total % sample != 0)
        throw std::invalid_argument(
            "branching factor: the duration must be a positive whole number of samples");
    const std::int64_t n_samples = total / sample;

    // Per-neuron sorted step lists (CSR by neuron).
    const index_t n = g.size();
    std::vector<std::uint64_t> first(static_cast<std::size_t>(n) + 1, 0);
    for (const index_t id : liquid_ids) {
        if (id >= n) throw std::invalid_argument("branching factor: spike id outside the liquid");
        ++first[id + 1];
    }
    for (index_t i = 0; i < n; ++i) first[i + 1] += first[i];
    std::vector<step_t> steps(liquid_ids.size());
    {
        std::vector<std::uint64_t> fill(first.begin(), first.end() - 1);
        for (std::size_t k = 0; k < liquid_ids.size(); ++k) {
            const double x = spike_times_ms[k] / dt_ms;
            if (!std::isfinite(x))
                throw std::invalid_argument("branching factor: spike time is not finite");
            const auto s = static_cast<step_t>(std::llround(x)) - 1;
            if (s < 0 || s >= total)
                throw std::invalid_argument("branching factor: spike time outside the run");
            steps[fill[liquid_ids[k]]++] = s;
        }
    }
    // Sort and deduplicate each neuron's list, compacting in place.
    {
        std::uint64_t out = 0;
        for (index_t i = 0; i < n; ++i) {
            const auto b = steps.begin() + static_cast<std::ptrdiff_t>(first[i]);
            const auto e = steps.begin() + static_cast<std::ptrdiff_t>(first[i + 1]);
            std::sort(b, e);
            const auto u = std::unique(b, e);
            first[i] = out;
            out = static_cast<std::uint64_t>(
                std::move(b, u, steps.begin() + static_cast<std::ptrdiff_t>(out)) - steps.begin());
        }
        first[n] = out;
        steps.resize(out);
    }
    const auto train = [&](index_t i) {
        return std::span<const step_t>(steps.data() + first[i], steps.data() + first[i + 1]);
    };

    // Reference spikes: local step m with both windows inside [skip_s, sample - skip_e).
    const std::int64_t ref_lo = skip_s + window_a;
    const std::int64_t ref_hi = sample - skip_e - std::max<std::int64_t>(desc_e, 1) + 1;

    BranchingResult r{std::numeric_limits<double>::quiet_NaN(),
                      std::numeric_limits<double>::quiet_NaN(),
                      0,
                      0,
                      0,
                      {}};
    std::vector<double> neuron_mean_sum(static_cast<std::size_t>(n_samples), 0.0);
    std::vector<std::uint64_t> neurons_counted(static_cast<std::size_t>(n_samples), 0);
    double ratio_sum = 0;
    for (index_t i = 0; i < n; ++i) {
        const auto pre = g.presynaptic(i);
        const auto post = g.postsynaptic(i);
        std::int64_t cur_sample = -1;
        double sum = 0;
        std::uint64_t count = 0;
        const auto close_sample = [&] {
            if (count == 0) return;
            neuron_mean_sum[static_cast<std::size_t>(cur_sample)] +=
                sum / static_cast<double>(count);
            ++neurons_counted[static_cast<std::size_t>(cur_sample)];
        };
        for (const step_t t : train(i)) {
            const std::int64_t k = t / sample;
            const std::int64_t m = t - k * sample;
            if (m < ref_lo || m >= ref_hi) continue;
            if (k != cur_sample) {
                close_sample();
                cur_sample = k;
                sum = 0;
                count = 0;
            }
            std::uint64_t anc = 0, desc = 0;
            for (const index_t p : pre) anc += count_in(train(p), t - window_a, t);
            for (const index_t q : post) desc += count_in(train(q), t + desc_b, t + desc_e);
            const double ratio =
                static_cast<double>(desc) / static_cast<double>(std::max<std::uint64_t>(anc, 1));
            sum += ratio;
            ++count;
            ratio_sum += ratio;
            ++r.spikes_counted;
            r.ancestors += anc;
            r.descendants += desc;
        }
        close_sample();
    }

    r.per_sample.assign(static_cast<std::size_t>(n_samples),
                        std::numeric_limits<double>::quiet_NaN());
    double sample_sum = 0;
    std::uint64_t samples_used = 0;
    for (std::size_t k = 0; k < r.per_sample.size(); ++k) {
        if (neurons_counted[k] == 0) continue;
        r.per_sample[k] = neuron_mean_sum[k] / static_cast<double>(neurons_counted[k]);
        sample_sum += r.per_sample[k];
        ++samples_used;
    }
    if (samples_used > 0) r.branching_factor = sample_sum / static_cast<double>(samples_used);
    if (r.spikes_counted > 0) r.pooled = ratio_sum / static_cast<double>(r.spikes_counted);
    return r;
}

void keep_branching_spikes(Simulation& sim) {
    const NetworkSpec& spec = sim.network().spec();
    if (!spec.branching.enabled) return;
    if (sim.network().comm().size() > 1)
        throw std::invalid_argument("the branching factor ([analysis] branching) is not "
                                    "supported over several MPI ranks yet (run with one rank)");
    for (auto p : spec.branching.populations)
        sim.keep_spikes(p, std::llround(spec.branching.from / spec.dt));
}

// Over the spikes kept since `from` (times relative to it).
std::optional<BranchingResult> branching_of_run(const Simulation& sim, const RunStats& stats) {
    const NetworkSpec& spec = sim.network().spec();
    if (!spec.branching.enabled || stats.end != RunEnd::completed) return std::nullopt;
    const BranchingSpec& b = spec.branching;
    const double dt = spec.dt;
    const LiquidGraph g = liquid_graph(sim.network(), b.populations);
    const step_t from = std::llround(b.from / dt);
    std::vector<double> times;
    std::vector<index_t> ids;
    for (std::size_t k = 0; k < b.populations.size(); ++k) {
        const auto p = b.populations[k];
        for (const Spike& s : sim.kept_spikes(p))
            if (s.step >= from) {
                times.push_back(static_cast<double>(s.step - from + 1) * dt);
                ids.push_back(g.population_offsets[k] + s.index);
            }
    }
    BranchingOptions o;
    o.sample_length = b.sample_length;
    const step_t n_steps = sim.total_steps();
    if (from >= n_steps) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return BranchingResult{nan, nan, 0, 0, 0, {}};
    }
    return branching_factor(g, times, ids, static_cast<double>(n_steps - from) * dt, dt, o);
}

} // namespace gliasim
