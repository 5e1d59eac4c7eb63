// SPDX-License-Identifier: MIT
#include "recorders.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "rng.hpp"
#include "state_archive.hpp"
#include "stimulus_schedule.hpp"

namespace gliasim {

namespace {
constexpr double kFloatMax = std::numeric_limits<float>::max();
constexpr double kDoubleMax = std::numeric_limits<double>::max();

// Names the first sampled entity whose value does not fit the float32 report; thrown from a
// thread's update, it stops the run at the end of the slice like any numerical fault.
[[noreturn]] void throw_report_overflow(const PopulationSpec& ps, std::size_t variable,
                                        std::span<const double> column,
                                        std::span<const index_t> ids, double time_ms) {
    for (const index_t id : ids) {
        const double x = column[id];
        if (std::fabs(x) > kFloatMax && std::fabs(x) <= kDoubleMax)
            throw std::runtime_error(fmt::format(
                "numerical fault in population '{}' (model {}): entity {}, {} = {:g} at t = {:g} "
                "ms does not fit the float32 report (|x| > {:g})",
                ps.name, ps.model->name, id, ps.model->state[variable].name, x, time_ms,
                kFloatMax));
    }
    throw std::logic_error("throw_report_overflow: no value out of float32 range");
}
} // namespace

Recorders::Recorders(Network& net, step_t n_steps, EventQueue& boundary)
    : net_(net), n_steps_(n_steps) {
    const NetworkSpec& spec = net.spec();
    const std::size_t P = spec.populations.size();
    // Both read every synapse of a projection, which no rank holds when there are several.
    if (net.comm().size() > 1 && !spec.weight_recorders.empty())
        throw std::invalid_argument(
            "weight recorders are not supported over several MPI ranks yet (run with one rank)");
    record_spikes_.assign(P, false);
    for (const auto& sr : spec.spike_recorders)
        for (auto p : sr.populations) record_spikes_[p] = true;
    spike_times_.resize(P);
    spike_ids_.resize(P);
    keep_from_.assign(P, std::numeric_limits<step_t>::max());
    kept_.resize(P);
    sinks_.resize(P);
    std::size_t first_report = 0;
    for (const auto& rs : spec.state_recorders) {
        add_report(rs, first_report);
        first_report += rs.variables.size();
    }
    for (std::size_t i = 0; i < spec.weight_recorders.size(); ++i) add_weight_recorder(i, boundary);
    flush_steps_ = std::max<step_t>(1, std::llround(spec.flush_interval / spec.dt));
    if (flush_steps_ < n_steps_) boundary.push({flush_steps_, EventKind::recorder_flush, 0});
}

void Recorders::add_report(const StateRecorderSpec& rs, std::size_t first_report) {
    Report r;
    r.population = rs.population;
    r.variables = rs.variables;
    r.ids = rs.ids;
    r.interval = std::max<step_t>(1, std::llround(rs.interval / net_.spec().dt));
    for (std::size_t t = 0; t < net_.threads(); ++t)
        r.thread_columns.push_back(ids_in_range(r.ids, net_.range(r.population, t)));
    r.buffers.resize(r.variables.size());
    r.first_report = first_report;
    reports_.push_back(std::move(r));
}

void Recorders::add_weight_recorder(std::size_t i, EventQueue& boundary) {
    const NetworkSpec& spec = net_.spec();
    const WeightRecorderSpec& w = spec.weight_recorders[i];
    WeightRecorder st;
    st.projection = w.projection;
    st.bins = w.bins;
    st.low = w.low;
    st.high = w.high;
    st.interval = std::max<step_t>(1, std::llround(w.interval / spec.dt));
    // A histogram counts every weight in any order: it reads the weight arrays themselves and
    // needs no list of synapses (which would cost 16 B per synapse for the whole run).
    auto all = w.bins > 0 ? std::vector<Projection::EdgeRef>{}
                          : net_.projections()[w.projection].canonical_edges();
    if (w.bins > 0 || w.sample == 0 || w.sample >= all.size()) {
        st.edges = std::move(all);
    } else {
        // A seeded uniform sample without replacement, kept in canonical order.
        RandomStream rs(spec.seed, Stream::recording, static_cast<std::uint32_t>(i), 0);
        std::uint64_t needed = w.sample, left = all.size();
        for (const auto& e : all) {
            if (rs.uniform() * static_cast<double>(left) < static_cast<double>(needed)) {
                st.edges.push_back(e);
                --needed;
            }
            --left;
        }
    }
    st.row.resize(w.bins > 0 ? w.bins : st.edges.size());
    // The first sample; each one schedules the next (handle), so that the queue stays small
    // however long the run.
    boundary.push({0, EventKind::weight_sample, static_cast<std::uint32_t>(i)});
    weight_recorders_.push_back(std::move(st));
}

RecordingLayout Recorders::layout() const {
    const NetworkSpec& spec = net_.spec();
    RecordingLayout l;
    l.dt = spec.dt;
    l.duration = static_cast<double>(n_steps_) * spec.dt;
    for (std::size_t p = 0; p < spec.populations.size(); ++p) {
        const auto& ps = spec.populations[p];
        l.populations.push_back({ps.name, ps.model->name, ps.size, record_spikes_[p]});
    }
    for (const auto& r : reports_) {
        const auto& ps = spec.populations[r.population];
        for (auto v : r.variables) {
            const StateSpec& ss = ps.model->state[v];
            const double step_ms = static_cast<double>(r.interval) * spec.dt;
            l.reports.push_back({ps.name, ss.name, std::string(internal_unit(ss.dim)), r.ids,
                                 step_ms, step_ms,
                                 static_cast<std::uint64_t>(n_steps_ / r.interval)});
        }
    }
    for (const auto& w : weight_recorders_) {
        const auto& pj = net_.projection_specs()[w.projection];
        WeightReportLayout wl;
        wl.projection = pj.name;
        wl.units = internal_unit(synaptic_input(*spec.populations[pj.target].model).weight_dim);
        wl.histogram = w.bins > 0;
        if (wl.histogram) {
            for (std::uint32_t b = 0; b <= w.bins; ++b)
                wl.bin_edges.push_back(w.low + (w.high - w.low) * b / w.bins);
        } else {
            for (const auto& e : w.edges) {
                wl.source_ids.push_back(e.source);
                wl.target_ids.push_back(e.target);
            }
        }
        l.weight_reports.push_back(std::move(wl));
    }
    return l;
}

void Recorders::keep_spikes(std::size_t population, step_t from) {
    keep_from_[population] = std::min(keep_from_[population], std::max<step_t>(0, from));
}

void Recorders::stream_spikes(std::size_t population, SpikeSink sink, step_t from) {
    sinks_[population].emplace_back(std::max<step_t>(0, from), std::move(sink));
}

void Recorders::allocate(step_t slice) {
    for (auto& r : reports_) {
        // Rows held between flushes; a flush interval longer than the run holds the run.
        r.capacity =
            static_cast<std::size_t>((std::min(flush_steps_, n_steps_) + slice) / r.interval + 2);
        for (auto& b : r.buffers) b.assign(r.capacity * r.ids.size(), 0.0f);
    }
}

void Recorders::sample(std::size_t t, step_t step, PhaseTicks& ticks, std::uint64_t& clock) {
    auto& pops = net_.populations();
    for (auto& r : reports_) {
        if ((step + 1) % r.interval != 0) continue;
        // Sample k is taken at the end of step (k+1)*interval - 1, i.e. at t = (k+1)*interval.
        const auto k = static_cast<std::uint64_t>((step + 1) / r.interval - 1);
        const std::size_t row = static_cast<std::size_t>(k - r.rows_flushed);
        const auto [b, e] = r.thread_columns[t];
        const std::size_t n = r.ids.size();
        for (std::size_t v = 0; v < r.variables.size(); ++v) {
            const auto col = pops[r.population]->state(r.variables[v]);
            float* dst = r.buffers[v].data() + row * n;
            // A finite value beyond float32 would silently become +-inf in the report: a
            // numerical fault instead (NaN and inf are the state check's).
            bool too_large = false;
            for (std::size_t c = b; c < e; ++c) {
                const double x = col[r.ids[c]];
                too_large |= std::fabs(x) > kFloatMax && std::fabs(x) <= kDoubleMax;
                dst[c] = static_cast<float>(x);
            }
            if (too_large)
                throw_report_overflow(net_.spec().populations[r.population], r.variables[v], col,
                                      std::span(r.ids).subspan(b, e - b),
                                      static_cast<double>(step + 1) * net_.spec().dt);
        }
        const std::uint64_t now = phase_clock();
        ticks.add(Phase::recording, clock, now);
        clock = now;
    }
}

void Recorders::take_spikes(std::size_t p, std::span<const Spike> spikes) {
    if (keep_from_[p] < n_steps_)
        for (const Spike& s : spikes)
            if (s.step >= keep_from_[p]) kept_[p].push_back(s);
    for (auto& [from, sink] : sinks_[p]) {
        const auto first = std::lower_bound(spikes.begin(), spikes.end(), from,
                                            [](const Spike& s, step_t f) { return s.step < f; });
        if (first != spikes.end()) sink(std::span<const Spike>(first, spikes.end()));
    }
    if (!record_spikes_[p] || !net_.comm().root()) return;
    const double dt = net_.spec().dt;
    for (const Spike& s : spikes) {
        // A spike emitted during step n carries the time at the end of that step (as NEST).
        spike_times_[p].push_back(static_cast<double>(s.step + 1) * dt);
        spike_ids_[p].push_back(s.index);
    }
}

void Recorders::handle(const Event& e, step_t now, RecordingBackend& backend,
                       EventQueue& boundary) {
    if (e.kind == EventKind::weight_sample) {
        sample_weights(e.source, now, backend);
        if (const step_t next = e.step + weight_recorders_[e.source].interval; next <= n_steps_)
            boundary.push({next, EventKind::weight_sample, e.source});
    } else if (e.kind == EventKind::recorder_flush) {
        flush(now, backend);
        if (const step_t next = e.step + flush_steps_; next < n_steps_)
            boundary.push({next, EventKind::recorder_flush, 0});
    }
}

// Weights of the recorder's synapses (or their histogram) at a slice boundary, where no thread
// is changing them; the time recorded is that boundary's (the first at or after the sample's
// due time).
void Recorders::sample_weights(std::size_t i, step_t step, RecordingBackend& backend) {
    WeightRecorder& w = weight_recorders_[i];
    if (step == w.last_sample) return; // one sample per boundary (interval shorter than a slice)
    w.last_sample = step;
    Projection& proj = net_.projections()[w.projection];
    if (w.bins == 0) {
        for (std::size_t k = 0; k < w.edges.size(); ++k)
            w.row[k] = proj.weights(w.edges[k].part)[w.edges[k].edge];
    } else {
        std::fill(w.row.begin(), w.row.end(), 0.0f);
        const double scale = static_cast<double>(w.bins) / (w.high - w.low);
        for (std::size_t part = 0; part < proj.parts(); ++part) {
            for (const float weight : proj.weights(part)) {
                const double x = (weight - w.low) * scale;
                // The top edge belongs to the last bin; values outside the range are not counted.
                const auto b =
                    x >= 0 && x <= w.bins ? std::min<std::uint32_t>(w.bins - 1, x) : w.bins;
                if (b < w.bins) w.row[b] += 1.0f;
            }
        }
    }
    backend.append_weights(i, static_cast<double>(step) * net_.spec().dt, w.row);
}

void Recorders::flush(step_t completed, RecordingBackend& backend) {
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    const std::clock_t cpu0 = std::clock();
    for (std::size_t p = 0; p < spike_times_.size(); ++p) {
        if (!record_spikes_[p]) continue;
        backend.append_spikes(p, spike_times_[p], spike_ids_[p]);
        spike_times_[p].clear();
        spike_ids_[p].clear();
    }
    for (auto& r : reports_) {
        const auto done = static_cast<std::uint64_t>(completed / r.interval);
        const auto rows = static_cast<std::size_t>(done - r.rows_flushed);
        if (rows == 0) continue;
        const std::size_t n = r.ids.size();
        for (std::size_t v = 0; v < r.variables.size(); ++v) {
            // Over several ranks each rank sampled its own columns (zero elsewhere): rank 0
            // gathers them, and every rank zeroes the rows again for the next ones.
            const std::span<float> block(r.buffers[v].data(), rows * n);
            net_.comm().gather_disjoint_to_root(block);
            backend.append_samples(r.first_report + v, block, rows);
            if (net_.comm().size() > 1) std::fill(block.begin(), block.end(), 0.0f);
        }
        r.rows_flushed = done;
    }
    backend.flush();
    write_seconds_ += std::chrono::duration<double>(Clock::now() - t0).count();
    write_cpu_seconds_ += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
}

void Recorders::archive(StateArchive& a) {
    for (std::size_t p = 0; p < kept_.size(); ++p)
        a.io_resizable("kept_spikes/" + std::to_string(p), kept_[p]);
    for (std::size_t r = 0; r < reports_.size(); ++r)
        a.scalar("report_rows/" + std::to_string(r), reports_[r].rows_flushed);
    for (std::size_t w = 0; w < weight_recorders_.size(); ++w)
        a.scalar("weight_last_sample/" + std::to_string(w), weight_recorders_[w].last_sample);
}

} // namespace gliasim
