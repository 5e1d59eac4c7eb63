// SPDX-License-Identifier: MIT
#include "projection.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace gliasim {

std::uint16_t delay_to_steps(double delay_ms, double dt) {
    const double steps = std::round(delay_ms / dt);
    if (!(steps >= 1) || steps > std::numeric_limits<std::uint16_t>::max())
        throw std::invalid_argument(fmt::format(
            "delay {:g} ms is {:g} steps of {:g} ms; delays must be between 1 and 65535 steps",
            delay_ms, steps, dt));
    return static_cast<std::uint16_t>(steps);
}

namespace {

// Calls f(source) for every synapse onto target j, in draw order. The streams are keyed by
// (seed, projection, target), so calling it twice draws exactly the same synapses.
template <typename F> void for_each_drawn(const ProjectionSetup& s, index_t j, F&& f) {
    if (s.explicit_sources) {
        const ExplicitSources& e = *s.explicit_sources;
        for (auto k = e.offsets[j]; k < e.offsets[j + 1]; ++k) f(e.sources[k]);
        return;
    }
    RandomStream conn(s.seed, Stream::connectivity, s.id, j);
    for_each_source(s.rule, j, s.n_source, s.same_population, conn, f);
}

} // namespace

Projection::Part Projection::build_part(const ProjectionSetup& s, IndexRange targets) {
    // Two passes over the same streams: the first counts the synapses of every source row (and
    // checks whether the delays are all equal), the second draws them again and writes each
    // one straight to its final CSR position. No per-synapse array exists besides the final
    // ones, so the build's peak memory is the projection's own size. Targets are visited in
    // ascending order, so every row keeps its synapses by target, then in draw order.
    const auto vertices = std::max<std::uint32_t>(s.n_source, s.n_target);
    Part part;
    // `vertices` rows without synapses; both arrays are filled in place below.
    std::vector<std::uint32_t>& rows = part.csr.row_start; // vertices + 1
    std::vector<std::uint32_t>& cols = part.csr.column;
    rows.assign(std::size_t{vertices} + 1, 0);

    const bool draw_delays = !s.delay.is_constant();
    std::uint64_t n = 0;
    std::uint16_t first_delay = 0;
    bool uniform = true;
    for (index_t j = targets.begin; j < targets.end; ++j) {
        RandomStream drs(s.seed, Stream::delay, s.id, j);
        for_each_drawn(s, j, [&](index_t i) {
            ++rows[i + 1];
            if (draw_delays) {
                const std::uint16_t d = delay_to_steps(s.delay.draw(drs), s.dt);
                if (n == 0) first_delay = d;
                uniform = uniform && d == first_delay;
            }
            ++n;
        });
    }
    if (n >= std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument(fmt::format(
            "projection '{}' has {} synapses in one thread part; the limit is 2^32-1", s.name, n));
    // Read only when every delay is the same (part.delay stays empty then).
    if (n > 0) part.const_delay = draw_delays ? first_delay : delay_to_steps(s.delay.a, s.dt);
    for (std::size_t r = 1; r < rows.size(); ++r) rows[r] += rows[r - 1];

    std::vector<std::uint32_t> fill(rows.begin(), rows.begin() + s.n_source);
    cols.resize(n);
    part.weight.resize(n);
    if (!uniform) part.delay.resize(n);
    part.tag_is_target = s.edge_tags && s.edge_tags->entries_are_index;
    const bool store_tags = s.edge_tags && !part.tag_is_target;
    if (store_tags) part.tag.resize(n);
    for (index_t j = targets.begin; j < targets.end; ++j) {
        RandomStream wrs(s.seed, Stream::weight, s.id, j);
        RandomStream drs(s.seed, Stream::delay, s.id, j);
        std::uint64_t drawn = 0; // synapses drawn for target j so far
        for_each_drawn(s, j, [&](index_t i) {
            const std::uint32_t pos = fill[i]++;
            cols[pos] = j;
            part.weight[pos] = static_cast<float>(s.weight.draw(wrs));
            if (!uniform) part.delay[pos] = delay_to_steps(s.delay.draw(drs), s.dt);
            if (store_tags) part.tag[pos] = s.edge_tags->sources[s.edge_tags->offsets[j] + drawn];
            ++drawn;
        });
    }
    return part;
}

Projection::Projection(const ProjectionSetup& s, std::span<const IndexRange> target_parts)
    : name_(s.name), receptor_(s.receptor), continuous_(s.continuous) {
    min_delay_ = std::numeric_limits<step_t>::max();
    max_delay_ = 0;
    parts_.reserve(target_parts.size());
    for (const auto& r : target_parts) {
        parts_.push_back(build_part(s, r));
        parts_.back().targets = r;
        const Part& p = parts_.back();
        const auto m = p.weight.size();
        n_edges_ += m;
        if (m == 0) continue;
        if (p.delay.empty()) {
            min_delay_ = std::min<step_t>(min_delay_, p.const_delay);
            max_delay_ = std::max<step_t>(max_delay_, p.const_delay);
        } else {
            const auto [lo, hi] = std::minmax_element(p.delay.begin(), p.delay.end());
            min_delay_ = std::min<step_t>(min_delay_, *lo);
            max_delay_ = std::max<step_t>(max_delay_, *hi);
        }
    }
    if (n_edges_ == 0) {
        // An empty projection constrains nothing; report its nominal delay instead.
        min_delay_ = max_delay_ = delay_to_steps(s.delay.mean(), s.dt);
    }
}

std::uint64_t Projection::deliver(std::span<const Spike> spikes, std::size_t part_index,
                                  InputRing& ring, const double* factor) const {
    const Part& p = parts_[part_index];
    const std::uint32_t* rows = p.csr.row_start.data();
    const std::uint32_t* cols = p.csr.column.data();
    const float* w = p.weight.data();
    const std::uint16_t* d = p.delay.empty() ? nullptr : p.delay.data();
    std::uint64_t events = 0;
    // Three loops rather than one with branches inside: this is the hottest loop of a run.
    if (factor) {
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            const Spike& s = spikes[k];
            const std::uint32_t begin = rows[s.index], end = rows[s.index + 1];
            const double f = factor[k];
            for (std::uint32_t e = begin; e < end; ++e)
                ring.add(receptor_, s.step + (d ? d[e] : p.const_delay), cols[e], w[e] * f);
            events += end - begin;
        }
    } else if (!d) {
        for (std::size_t k = 0; k < spikes.size(); ++k) {
            const Spike& s = spikes[k];
            // The next spike's row is elsewhere in memory (a random source): fetch its start
            // while this row is delivered.
            if (k + 1 < spikes.size()) {
                const std::uint32_t next = rows[spikes[k + 1].index];
                __builtin_prefetch(cols + next);
                __builtin_prefetch(cols + next + 16);
                __builtin_prefetch(w + next);
                __builtin_prefetch(w + next + 16);
            }
            double* slot = ring.slot(receptor_, s.step + p.const_delay);
            const std::uint32_t begin = rows[s.index], end = rows[s.index + 1];
            for (std::uint32_t e = begin; e < end; ++e) slot[cols[e]] += w[e];
            events += end - begin;
        }
    } else {
        for (const Spike& s : spikes) {
            const std::uint32_t begin = rows[s.index], end = rows[s.index + 1];
            for (std::uint32_t e = begin; e < end; ++e)
                ring.add(receptor_, s.step + d[e], cols[e], w[e]);
            events += end - begin;
        }
    }
    return events;
}

std::uint64_t Projection::deliver_continuous(const Population& source, step_t first, step_t last,
                                             std::size_t part_index, InputRing& ring) const {
    // Only changes travel (see Population::output_changes_at): the target's input channel
    // accumulates them into a level.
    const Part& p = parts_[part_index];
    const std::uint32_t* rows = p.csr.row_start.data();
    const std::uint32_t* cols = p.csr.column.data();
    const float* w = p.weight.data();
    const std::uint16_t* d = p.delay.empty() ? nullptr : p.delay.data();
    std::uint64_t events = 0;
    for (step_t step = first; step < last; ++step) {
        if (!source.output_changes_at(step)) continue;
        const double* change = source.output_row(step);
        for (index_t i = 0; i < source.size(); ++i) {
            if (change[i] == 0.0) continue;
            const std::uint32_t end = rows[i + 1];
            for (std::uint32_t e = rows[i]; e < end; ++e)
                ring.add(receptor_, step + (d ? d[e] : p.const_delay), cols[e], w[e] * change[i]);
            events += end - rows[i];
        }
    }
    return events;
}

Projection::PartView Projection::part(std::size_t i) const {
    const Part& p = parts_[i];
    return {p.csr.row_start.data(),
            p.csr.column.data(),
            p.weight.data(),
            p.delay.empty() ? nullptr : p.delay.data(),
            p.const_delay,
            p.tag_is_target ? p.csr.column.data()
            : p.tag.empty() ? nullptr
                            : p.tag.data(),
            p.weight.size()};
}

std::size_t Projection::bytes() const {
    std::size_t b = 0;
    for (const auto& p : parts_) {
        b += p.csr.row_start.capacity() * sizeof(std::uint32_t);
        b += p.csr.column.capacity() * sizeof(std::uint32_t);
        b += p.weight.capacity() * sizeof(float);
        b += p.delay.capacity() * sizeof(std::uint16_t);
        b += p.tag.capacity() * sizeof(index_t);
    }
    return b;
}

std::vector<Projection::Edge> Projection::edges() const {
    std::vector<Edge> out;
    out.reserve(n_edges_);
    for (const auto& p : parts_) {
        const auto& rows = p.csr.row_start;
        const auto& cols = p.csr.column;
        for (std::size_t r = 0; r + 1 < rows.size(); ++r)
            for (auto e = rows[r]; e < rows[r + 1]; ++e)
                out.push_back({static_cast<index_t>(r), cols[e], p.weight[e],
                               p.delay.empty() ? p.const_delay : p.delay[e]});
    }
    return out;
}

std::vector<Projection::EdgeRef> Projection::canonical_edges() const {
    // Within a part, a row holds its synapses by target, then in draw order, and the parts
    // hold disjoint target ranges: walking each row through the parts in target order gives
    // the canonical order without sorting (a sort's buffer would add to the peak memory).
    std::vector<std::uint32_t> order(parts_.size());
    for (std::uint32_t p = 0; p < order.size(); ++p) order[p] = p;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        return parts_[a].targets.begin < parts_[b].targets.begin;
    });
    std::vector<EdgeRef> out;
    out.reserve(n_edges_);
    const std::size_t n_rows = parts_.empty() ? 0 : parts_[0].csr.row_start.size() - 1;
    for (std::size_t r = 0; r < n_rows; ++r)
        for (const std::uint32_t p : order) {
            const auto& rows = parts_[p].csr.row_start;
            const auto& cols = parts_[p].csr.column;
            for (auto e = rows[r]; e < rows[r + 1]; ++e)
                out.push_back({p, e, static_cast<index_t>(r), cols[e]});
        }
    return out;
}

} // namespace gliasim
