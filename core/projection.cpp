// SPDX-License-Identifier: MIT
#include "projection.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
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

// Feeds Boost's sorted-edge constructor from our own row offsets and target column without
// materialising a (source, target) pair vector.
class SortedEdgeIterator {
public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = std::pair<std::uint32_t, std::uint32_t>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    SortedEdgeIterator(const std::vector<std::uint32_t>* rows,
                       const std::vector<std::uint32_t>* cols, std::uint32_t edge)
        : rows_(rows), cols_(cols), edge_(edge) {
        settle();
    }
    const value_type& operator*() const { return current_; }
    const value_type* operator->() const { return &current_; }
    SortedEdgeIterator& operator++() {
        ++edge_;
        settle();
        return *this;
    }
    SortedEdgeIterator operator++(int) {
        auto t = *this;
        ++*this;
        return t;
    }
    bool operator==(const SortedEdgeIterator& o) const { return edge_ == o.edge_; }

private:
    void settle() {
        while (row_ + 1 < rows_->size() && (*rows_)[row_ + 1] <= edge_) ++row_;
        if (edge_ < cols_->size()) current_ = {row_, (*cols_)[edge_]};
    }
    const std::vector<std::uint32_t>* rows_;
    const std::vector<std::uint32_t>* cols_;
    std::uint32_t edge_;
    std::uint32_t row_ = 0;
    value_type current_{};
};

} // namespace

Projection::Part Projection::build_part(const ProjectionSetup& s, IndexRange targets) {
    // Draw in target order (the deterministic order), then stable counting sort by source.
    // Targets come in order, so a count per target replaces a target column (4 B per synapse
    // less at the build's peak).
    std::vector<std::uint32_t> src, per_target(targets.end - targets.begin, 0);
    std::vector<float> w;
    std::vector<std::uint16_t> d;
    std::vector<index_t> tags;
    const std::uint32_t sub = s.id;
    for (index_t j = targets.begin; j < targets.end; ++j) {
        RandomStream conn(s.seed, Stream::connectivity, sub, j);
        RandomStream wrs(s.seed, Stream::weight, sub, j);
        RandomStream drs(s.seed, Stream::delay, sub, j);
        std::uint64_t drawn = 0; // synapses drawn for target j so far
        auto add = [&](index_t i) {
            if (s.edge_tags) tags.push_back(s.edge_tags->sources[s.edge_tags->offsets[j] + drawn]);
            ++drawn;
            src.push_back(i);
            w.push_back(static_cast<float>(s.weight.draw(wrs)));
            d.push_back(delay_to_steps(s.delay.draw(drs), s.dt));
        };
        if (s.explicit_sources) {
            const ExplicitSources& e = *s.explicit_sources;
            for (auto k = e.offsets[j]; k < e.offsets[j + 1]; ++k) add(e.sources[k]);
        } else {
            for_each_source(s.rule, j, s.n_source, s.same_population, conn, add);
        }
        per_target[j - targets.begin] = static_cast<std::uint32_t>(drawn);
    }
    if (src.size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::invalid_argument(
            fmt::format("projection '{}' has {} synapses in one thread part; the limit is 2^32-1",
                        s.name, src.size()));

    const std::size_t n = src.size();
    std::vector<std::uint32_t> rows(static_cast<std::size_t>(s.n_source) + 1, 0);
    for (auto i : src) ++rows[i + 1];
    for (std::size_t r = 1; r < rows.size(); ++r) rows[r] += rows[r - 1];
    std::vector<std::uint32_t> fill(rows.begin(), rows.end() - 1);
    std::vector<std::uint32_t> col(n);
    Part part;
    part.weight.resize(n);
    std::vector<std::uint16_t> delay_sorted(n);
    if (s.edge_tags) part.tag.resize(n);
    std::size_t e = 0;
    for (index_t j = targets.begin; j < targets.end; ++j) {
        for (auto k = per_target[j - targets.begin]; k > 0; --k, ++e) {
            const std::uint32_t pos = fill[src[e]]++;
            col[pos] = j;
            part.weight[pos] = w[e];
            delay_sorted[pos] = d[e];
            if (s.edge_tags) part.tag[pos] = tags[e];
        }
    }
    // Free the drawing buffers before the graph is built: the build, not the run, sets the
    // peak memory of a large network.
    std::vector<std::uint32_t>().swap(src);
    std::vector<std::uint32_t>().swap(per_target);
    std::vector<float>().swap(w);
    std::vector<std::uint16_t>().swap(d);
    std::vector<index_t>().swap(tags);

    const auto vertices = std::max<std::uint32_t>(s.n_source, s.n_target);
    // Passing the edge count makes Boost reserve the column once instead of growing it by
    // push_back (up to twice the final size at the peak, then a copy to shrink it).
    part.graph =
        SynapseGraph(boost::edges_are_sorted, SortedEdgeIterator(&rows, &col, 0),
                     SortedEdgeIterator(&rows, &col, static_cast<std::uint32_t>(n)), vertices, n);
    part.graph.m_forward.m_column.shrink_to_fit(); // no-op unless Boost ignored the count

    const bool uniform = std::all_of(delay_sorted.begin(), delay_sorted.end(),
                                     [&](auto x) { return x == delay_sorted.front(); });
    if (n > 0) part.const_delay = delay_sorted.front();
    if (!uniform) part.delay = std::move(delay_sorted);
    return part;
}

Projection::Projection(const ProjectionSetup& s, std::span<const IndexRange> target_parts)
    : name_(s.name), receptor_(s.receptor), continuous_(s.continuous) {
    min_delay_ = std::numeric_limits<step_t>::max();
    max_delay_ = 0;
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
    const std::uint32_t* rows = p.graph.m_forward.m_rowstart.data();
    const std::uint32_t* cols = p.graph.m_forward.m_column.data();
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
    const std::uint32_t* rows = p.graph.m_forward.m_rowstart.data();
    const std::uint32_t* cols = p.graph.m_forward.m_column.data();
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
    return {p.graph.m_forward.m_rowstart.data(),
            p.graph.m_forward.m_column.data(),
            p.weight.data(),
            p.delay.empty() ? nullptr : p.delay.data(),
            p.const_delay,
            p.tag.empty() ? nullptr : p.tag.data(),
            p.weight.size()};
}

std::size_t Projection::bytes() const {
    std::size_t b = 0;
    for (const auto& p : parts_) {
        b += p.graph.m_forward.m_rowstart.capacity() * sizeof(std::uint32_t);
        b += p.graph.m_forward.m_column.capacity() * sizeof(std::uint32_t);
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
        const auto& rows = p.graph.m_forward.m_rowstart;
        const auto& cols = p.graph.m_forward.m_column;
        for (std::size_t r = 0; r + 1 < rows.size(); ++r)
            for (auto e = rows[r]; e < rows[r + 1]; ++e)
                out.push_back({static_cast<index_t>(r), cols[e], p.weight[e],
                               p.delay.empty() ? p.const_delay : p.delay[e]});
    }
    return out;
}

std::vector<Projection::EdgeRef> Projection::canonical_edges() const {
    std::vector<EdgeRef> out;
    out.reserve(n_edges_);
    for (std::uint32_t p = 0; p < parts_.size(); ++p) {
        const auto& rows = parts_[p].graph.m_forward.m_rowstart;
        const auto& cols = parts_[p].graph.m_forward.m_column;
        for (std::size_t r = 0; r + 1 < rows.size(); ++r)
            for (auto e = rows[r]; e < rows[r + 1]; ++e)
                out.push_back({p, e, static_cast<index_t>(r), cols[e]});
    }
    // A target's synapses all sit in one part, in draw order: a stable sort keeps that order.
    std::stable_sort(out.begin(), out.end(), [](const EdgeRef& a, const EdgeRef& b) {
        return a.source != b.source ? a.source < b.source : a.target < b.target;
    });
    return out;
}

} // namespace gliasim
