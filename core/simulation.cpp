// SPDX-License-Identifier: MIT
#include "simulation.hpp"

#include "step_barrier.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <omp.h>
#include <stdexcept>

namespace gliasim {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// [begin, end) positions of the sorted `ids` that fall inside `r`.
std::pair<std::size_t, std::size_t> ids_in_range(const std::vector<index_t>& ids, IndexRange r) {
    const auto b = std::lower_bound(ids.begin(), ids.end(), r.begin) - ids.begin();
    const auto e = std::lower_bound(ids.begin(), ids.end(), r.end) - ids.begin();
    return {static_cast<std::size_t>(b), static_cast<std::size_t>(e)};
}

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

Simulation::Simulation(const NetworkSpec& spec, Communicator comm)
    : net_(spec, comm), n_steps_(static_cast<step_t>(std::llround(spec.duration / spec.dt))) {
    // Both read every synapse of a projection, which no rank holds when there are several.
    if (net_.comm().size() > 1 && !spec.weight_recorders.empty())
        throw std::invalid_argument(
            "weight recorders are not supported over several MPI ranks yet (run with one rank)");
    if (net_.comm().size() > 1 && spec.branching.enabled)
        throw std::invalid_argument("the branching factor ([analysis] branching) is not "
                                    "supported over several MPI ranks yet (run with one rank)");
    const std::size_t T = net_.threads();
    const std::size_t P = net_.populations().size();
    thread_buffers_.resize(T);
    phase_ticks_.resize(T);
    for (const auto& ps : spec.populations)
        population_phase_.push_back(ps.model->kind == ModelKind::astrocyte ? Phase::astrocytes
                                                                           : Phase::neurons);
    for (auto& tb : thread_buffers_) tb.spikes.resize(P);
    slice_spikes_.resize(P);
    factors_.resize(net_.projections().size());
    spike_times_.resize(P);
    spike_ids_.resize(P);
    spike_counts_.assign(P, 0);
    record_spikes_.assign(P, false);
    keep_from_.assign(P, std::numeric_limits<step_t>::max());
    last_reset_.assign(P, 0);
    kept_.resize(P);
    sinks_.resize(P);
    for (const auto& sr : spec.spike_recorders)
        for (auto p : sr.populations) record_spikes_[p] = true;

    std::size_t report_index = 0;
    for (const auto& rs : spec.state_recorders) {
        ReportState r;
        r.population = rs.population;
        r.variables = rs.variables;
        r.ids = rs.ids;
        r.interval = std::max<step_t>(1, std::llround(rs.interval / spec.dt));
        for (std::size_t t = 0; t < T; ++t)
            r.thread_columns.push_back(ids_in_range(r.ids, net_.range(r.population, t)));
        r.buffers.resize(r.variables.size());
        r.first_report = report_index;
        report_index += r.variables.size();
        reports_.push_back(std::move(r));
    }

    for (std::size_t i = 0; i < spec.stimuli.size(); ++i) {
        const StimulusSpec& st = spec.stimuli[i];
        StimulusState s;
        s.target = st.target;
        s.ids = st.ids;
        if (s.ids.empty()) {
            s.ids.resize(spec.populations[st.target].size);
            for (index_t k = 0; k < s.ids.size(); ++k) s.ids[k] = k;
        }
        for (std::size_t t = 0; t < T; ++t)
            s.thread_ids.push_back(ids_in_range(s.ids, net_.range(st.target, t)));
        s.every_step = net_.stimuli()[i]->acts_every_step();
        stimuli_.push_back(std::move(s));
        // Active during steps [start, stop): a stimulus whose interval rounds to nothing never
        // switches on.
        const auto start = std::max<step_t>(0, std::llround(st.start / spec.dt));
        const auto stop = st.stop >= 0 ? static_cast<step_t>(std::llround(st.stop / spec.dt))
                                       : std::numeric_limits<step_t>::max();
        if (stop > start) {
            exact_events_.push({start, EventKind::stimulus_on, static_cast<std::uint32_t>(i)});
            if (st.stop >= 0)
                exact_events_.push({stop, EventKind::stimulus_off, static_cast<std::uint32_t>(i)});
        }
    }
    for (std::size_t i = 0; i < spec.weight_recorders.size(); ++i) {
        const WeightRecorderSpec& w = spec.weight_recorders[i];
        WeightRecorderState st;
        st.projection = w.projection;
        st.bins = w.bins;
        st.low = w.low;
        st.high = w.high;
        st.interval = std::max<step_t>(1, std::llround(w.interval / spec.dt));
        // A histogram counts every weight in any order: it reads the weight arrays themselves
        // and needs no list of synapses (which would cost 16 B per synapse for the whole run).
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
        // The first sample; each one schedules the next (handle_event), so that the queue
        // stays small however long the run.
        boundary_events_.push({0, EventKind::weight_sample, static_cast<std::uint32_t>(i)});
        weight_recorders_.push_back(std::move(st));
    }
    initial_state_.resize(P);
    for (std::size_t p = 0; p < P; ++p) {
        const PopulationSpec& ps = spec.populations[p];
        if (ps.resets.empty()) continue;
        for (std::size_t v = 0; v < ps.model->state.size(); ++v) {
            const auto col = net_.populations()[p]->state(v);
            initial_state_[p].emplace_back(col.begin(), col.end());
        }
        std::vector<step_t> at;
        for (const ResetSchedule& r : ps.resets) {
            const auto every = std::max<step_t>(1, std::llround(r.every / spec.dt));
            const step_t from = std::llround(r.from / spec.dt);
            const step_t until = r.until < 0
                                     ? n_steps_
                                     : std::min<step_t>(n_steps_, std::llround(r.until / spec.dt));
            for (step_t s = from; s < until; s += every)
                if (s > 0) at.push_back(s);
        }
        std::sort(at.begin(), at.end());
        at.erase(std::unique(at.begin(), at.end()), at.end());
        for (step_t s : at)
            exact_events_.push({s, EventKind::population_reset, static_cast<std::uint32_t>(p)});
    }
    if (spec.branching.enabled)
        for (auto p : spec.branching.populations)
            keep_spikes(p, std::llround(spec.branching.from / spec.dt));
    flush_steps_ = std::max<step_t>(1, std::llround(spec.flush_interval / spec.dt));
    if (flush_steps_ < n_steps_)
        boundary_events_.push({flush_steps_, EventKind::recorder_flush, 0});
    // Every 10 ms of simulated time (or every slice if slices are longer): the scan costs
    // about 4% of COBA's update time when done every millisecond, 0.4% at this interval.
    check_every_ = std::max<step_t>(1, std::llround(10.0 / spec.dt));
}

std::string describe(const NumericalFault& f, const NetworkSpec& spec) {
    const PopulationSpec& ps = spec.populations[f.population];
    return fmt::format("numerical fault in population '{}' (model {}): entity {}, {} = {} at t = "
                       "{:g} ms (all states finite at t = {:g} ms)",
                       ps.name, ps.model->name, f.state.entity,
                       ps.model->state[f.state.variable].name, f.state.value,
                       static_cast<double>(f.step) * spec.dt,
                       static_cast<double>(f.last_good_step) * spec.dt);
}

void Simulation::keep_spikes(std::size_t population, step_t from) {
    keep_from_[population] = std::min(keep_from_[population], std::max<step_t>(0, from));
}

void Simulation::stream_spikes(std::size_t population, SpikeSink sink, step_t from) {
    sinks_[population].emplace_back(std::max<step_t>(0, from), std::move(sink));
}

RecordingLayout Simulation::layout() const {
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
        wl.units = internal_unit(spec.populations[pj.target].model->weight_dim);
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

// One step range for one thread: stimuli, then neuron updates, then state sampling.
void Simulation::update_steps(std::size_t t, step_t first, step_t last) {
    auto& pops = net_.populations();
    auto& stims = net_.stimuli();
    PhaseTicks& ticks = phase_ticks_[t];
    std::uint64_t clock = phase_clock();
    for (step_t step = first; step < last; ++step) {
        for (std::size_t i = 0; i < stimuli_.size(); ++i) {
            const StimulusState& s = stimuli_[i];
            if (!s.active || !s.every_step) continue;
            const auto [b, e] = s.thread_ids[t];
            stims[i]->apply_step(step, std::span(s.ids).subspan(b, e - b), *pops[s.target]);
        }
        for (std::size_t p = 0; p < pops.size(); ++p) {
            pops[p]->update(step, net_.range(p, t), thread_buffers_[t].spikes[p]);
            const std::uint64_t now = phase_clock();
            ticks.add(population_phase_[p], clock, now);
            clock = now;
        }
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
                    throw_report_overflow(net_.spec().populations[r.population], r.variables[v],
                                          col, std::span(r.ids).subspan(b, e - b),
                                          static_cast<double>(step + 1) * net_.spec().dt);
            }
            const std::uint64_t now = phase_clock();
            ticks.add(Phase::recording, clock, now);
            clock = now;
        }
    }
}

// Puts each population's spikes of the slice into the canonical order (step, index), whatever
// the number of threads and ranks: every thread's list is already ordered, threads own
// ascending index ranges of their rank, and ranks own ascending blocks of those ranges, so a
// stable sort by step of the concatenation (by thread, then by rank) gives that order. Every
// rank ends up with every spike of the slice (one exchange between ranks per slice).
void Simulation::merge_spikes() {
    const double dt = net_.spec().dt;
    const bool one_rank = net_.comm().size() == 1;
    const auto by_step = [](const Spike& a, const Spike& b) { return a.step < b.step; };
    for (std::size_t p = 0; p < slice_spikes_.size(); ++p) {
        auto& merged = slice_spikes_[p];
        merged.clear();
        if (thread_buffers_.size() == 1) {
            merged.swap(thread_buffers_[0].spikes[p]); // both keep their capacity
            continue;
        }
        for (auto& tb : thread_buffers_) {
            auto& run = tb.spikes[p];
            // Each thread's run is ordered by step: merging it in keeps the prefix ordered,
            // stably (the lower threads' spikes first within a step). Over several ranks the
            // sort below does it. std::merge into a kept buffer: nothing is allocated.
            if (!one_rank || merged.empty() || run.empty() ||
                merged.back().step <= run.front().step) {
                merged.insert(merged.end(), run.begin(), run.end());
            } else {
                merge_scratch_.clear();
                std::merge(merged.begin(), merged.end(), run.begin(), run.end(),
                           std::back_inserter(merge_scratch_), by_step);
                merged.swap(merge_scratch_);
            }
            run.clear();
        }
    }
    net_.comm().allgather(slice_spikes_);
    for (std::size_t p = 0; p < slice_spikes_.size(); ++p) {
        auto& merged = slice_spikes_[p];
        if (!one_rank) std::stable_sort(merged.begin(), merged.end(), by_step);
        spike_counts_[p] += merged.size();
        if (keep_from_[p] < n_steps_)
            for (const Spike& s : merged)
                if (s.step >= keep_from_[p]) kept_[p].push_back(s);
        for (auto& [from, sink] : sinks_[p]) {
            const auto first =
                std::lower_bound(merged.begin(), merged.end(), from,
                                 [](const Spike& s, step_t f) { return s.step < f; });
            if (first != merged.end())
                sink(std::span<const Spike>(&*first,
                                            static_cast<std::size_t>(merged.end() - first)));
        }
        if (!record_spikes_[p] || !net_.comm().root()) continue;
        for (const Spike& s : merged) {
            // A spike emitted during step n carries the time at the end of that step (as NEST).
            spike_times_[p].push_back(static_cast<double>(s.step + 1) * dt);
            spike_ids_[p].push_back(s.index);
        }
    }
}

void Simulation::deliver(std::size_t t, step_t slice_start, step_t slice_end) {
    auto& projections = net_.projections();
    auto& pops = net_.populations();
    // Spikes of this slice emitted before a reset of their target inside it are not delivered
    // (the reset dropped everything pending for the target).
    auto since = [&](std::size_t source, std::size_t target) {
        std::span<const Spike> all = slice_spikes_[source];
        if (last_reset_[target] <= slice_start) return all;
        const auto it = std::lower_bound(all.begin(), all.end(), last_reset_[target],
                                         [](const Spike& s, step_t step) { return s.step < step; });
        return all.subspan(static_cast<std::size_t>(it - all.begin()));
    };
    for (std::size_t i = 0; i < projections.size(); ++i) {
        const auto& pj = net_.projection_specs()[i];
        if (pj.continuous)
            thread_buffers_[t].events += projections[i].deliver_continuous(
                *pops[pj.source], slice_start, slice_end, t, pops[pj.target]->ring());
        else if (auto& tr = net_.transmissions()[i]; tr && tr->delivers())
            thread_buffers_[t].events += tr->deliver(
                {projections[i], since(pj.source, pj.target), since(pj.target, pj.target), t,
                 net_.range(pj.target, t), pops[pj.target]->ring(), slice_start, slice_end});
        else if (const auto pre = since(pj.source, pj.target);
                 pre.size() == slice_spikes_[pj.source].size())
            thread_buffers_[t].events += projections[i].deliver(pre, t, pops[pj.target]->ring(),
                                                                tr ? factors_[i].data() : nullptr);
        else // factors are per spike of the whole slice: skip the dropped ones
            thread_buffers_[t].events += projections[i].deliver(
                pre, t, pops[pj.target]->ring(),
                tr ? factors_[i].data() + (slice_spikes_[pj.source].size() - pre.size()) : nullptr);
    }
}

void Simulation::recompute_currents(std::size_t population) {
    auto current = net_.populations()[population]->stim_current();
    std::fill(current.begin(), current.end(), 0.0);
    for (std::size_t i = 0; i < stimuli_.size(); ++i) {
        const StimulusState& s = stimuli_[i];
        if (s.target == population && s.active) net_.stimuli()[i]->add_current(s.ids, current);
    }
}

void Simulation::handle_event(const Event& e, RecordingBackend& backend) {
    switch (e.kind) {
    case EventKind::stimulus_on:
    case EventKind::stimulus_off:
        stimuli_[e.source].active = e.kind == EventKind::stimulus_on;
        recompute_currents(stimuli_[e.source].target);
        break;
    case EventKind::population_reset:
        reset_population(e.source, e.step);
        break;
    case EventKind::weight_sample:
        sample_weights(e.source, completed_step_, backend);
        if (const step_t next = e.step + weight_recorders_[e.source].interval; next <= n_steps_)
            boundary_events_.push({next, EventKind::weight_sample, e.source});
        break;
    case EventKind::recorder_flush:
        flush(backend);
        if (const step_t next = e.step + flush_steps_; next < n_steps_)
            boundary_events_.push({next, EventKind::recorder_flush, 0});
        break;
    case EventKind::progress:
        break;
    }
}

// Weights of the recorder's synapses (or their histogram) at a slice boundary, where no thread
// is changing them; the time recorded is that boundary's (the first at or after the sample's
// due time).
void Simulation::sample_weights(std::size_t i, step_t step, RecordingBackend& backend) {
    WeightRecorderState& w = weight_recorders_[i];
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

// A new sample: state variables back to their initial values, pending input dropped, and the
// activity traces of plasticity rules touching the population cleared. Weights stay.
void Simulation::reset_population(std::size_t p, step_t step) {
    Population& pop = *net_.populations()[p];
    last_reset_[p] = step;
    for (std::size_t v = 0; v < initial_state_[p].size(); ++v)
        std::copy(initial_state_[p][v].begin(), initial_state_[p][v].end(), pop.state(v).begin());
    pop.ring().clear();
    pop.on_reset();
    for (std::size_t i = 0; i < net_.projections().size(); ++i) {
        const auto& pj = net_.projection_specs()[i];
        if (auto& tr = net_.transmissions()[i]; tr && (pj.source == p || pj.target == p))
            tr->reset_activity();
    }
}

bool Simulation::state_check_due(step_t slice_start, step_t slice_end) const {
    return slice_end == n_steps_ || slice_end / check_every_ != slice_start / check_every_;
}

// Each thread scans its own entities (cache-warm from the update just done).
void Simulation::check_states(std::size_t t) {
    auto& pops = net_.populations();
    auto& fault = thread_buffers_[t].fault;
    for (std::size_t p = 0; p < pops.size() && !fault; ++p) {
        const std::size_t vars = net_.spec().populations[p].model->state.size();
        if (auto bad = first_non_finite(*pops[p], vars, net_.range(p, t)))
            fault = std::make_pair(p, *bad);
    }
}

// The fault of the lowest (population, rank, thread), so that the report does not depend on
// the number of threads and ranks when one entity goes bad.
std::optional<NumericalFault> Simulation::collect_faults(step_t step) {
    std::optional<NumericalFault> first;
    for (auto& tb : thread_buffers_) {
        if (tb.fault && (!first || tb.fault->first < first->population))
            first = NumericalFault{tb.fault->first, tb.fault->second, last_check_, step};
        tb.fault.reset();
    }
    if (net_.comm().size() > 1) {
        struct Found {
            std::uint64_t found, population, entity, variable;
            double value;
        } mine{first.has_value(), 0, 0, 0, 0};
        if (first)
            mine = {1, first->population, first->state.entity, first->state.variable,
                    first->state.value};
        const auto* bytes = reinterpret_cast<const std::uint8_t*>(&mine);
        const auto all = net_.comm().allgather_bytes({bytes, sizeof mine});
        first.reset();
        for (std::size_t off = 0; off < all.size(); off += sizeof mine) {
            Found f;
            std::memcpy(&f, all.data() + off, sizeof f);
            if (f.found && (!first || f.population < first->population))
                first = NumericalFault{f.population,
                                       {static_cast<index_t>(f.entity), f.variable, f.value},
                                       last_check_,
                                       step};
        }
    }
    if (!first) last_check_ = step;
    return first;
}

bool Simulation::decide(step_t slice_start, step_t slice_end, bool interrupted, bool write_failed,
                        Outcome& outcome) {
    if (state_check_due(slice_start, slice_end))
        if ((outcome.fault = collect_faults(slice_end))) {
            outcome.end = RunEnd::numerical_fault;
            outcome.message = describe(*outcome.fault, net_.spec());
        }
    std::string model_error; // the lowest thread's: its entities come first
    for (auto& tb : thread_buffers_) {
        if (model_error.empty()) model_error = tb.model_error;
        tb.model_error.clear();
    }
    // One reduction per slice decides for every rank; the lowest rank's error is the one told.
    std::uint64_t flags[] = {!model_error.empty(), interrupted, write_failed};
    net_.comm().sum(flags);
    if (flags[0] > 0 && outcome.end == RunEnd::completed) {
        outcome.end = RunEnd::numerical_fault;
        outcome.message = net_.comm().first_text(model_error);
    }
    if (outcome.end == RunEnd::completed && flags[1] > 0) outcome.end = RunEnd::interrupted;
    return flags[2] > 0;
}

void Simulation::flush(RecordingBackend& backend) {
    const auto t0 = Clock::now();
    const std::clock_t cpu0 = std::clock();
    for (std::size_t p = 0; p < spike_times_.size(); ++p) {
        if (!record_spikes_[p]) continue;
        backend.append_spikes(p, spike_times_[p], spike_ids_[p]);
        spike_times_[p].clear();
        spike_ids_[p].clear();
    }
    for (auto& r : reports_) {
        const auto done = static_cast<std::uint64_t>(completed_step_ / r.interval);
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
    write_seconds_ += seconds_since(t0);
    write_cpu_seconds_ += static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
}

// The duty cycle. Per slice of min_delay steps:
//   1. events   (serial)   flushes at slice boundaries; stimulus on/off at their exact step,
//                          splitting the slice into segments
//   2. update   (parallel) stimuli -> neuron updates -> state sampling, per thread's targets
//   3. exchange (serial)   merge the threads' spikes into canonical order (over several MPI
//                          ranks: gather every rank's spikes, and the states and continuous
//                          outputs that delivery reads), buffer for output, decide whether to go on
//   4. deliver  (parallel) each thread adds the slice's spikes to the ring buffers of its own
//                          targets; a spike needs at least min_delay steps, so no delivery can
//                          land inside the slice just simulated.
// Serial phases run on thread 0 and end at a barrier (StepBarrier: the OpenMP runtime's barrier
// makes a system call at every release); those are the only barriers. One thread runs outside
// any parallel region. Over several ranks the serial phases make the same MPI calls on every
// rank, in the same order.
RunStats Simulation::run(RecordingBackend& backend, const ProgressFn& progress,
                         const std::atomic<bool>* interrupt, const CheckpointPolicy* checkpoint) {
    if (!restored_) backend.open(layout());
    const step_t slice = std::max<step_t>(1, net_.min_delay());
    for (auto& r : reports_) {
        // Rows held between flushes; a flush interval longer than the run holds the run.
        r.capacity =
            static_cast<std::size_t>((std::min(flush_steps_, n_steps_) + slice) / r.interval + 2);
        for (auto& b : r.buffers) b.assign(r.capacity * r.ids.size(), 0.0f);
    }
    for (auto& tb : thread_buffers_) tb.events = 0;

    const auto t_start = Clock::now();
    const std::uint64_t clock_start = phase_clock();
    for (auto& p : phase_ticks_) p = PhaseTicks{};
    auto t_last_progress = t_start;
    const int T = static_cast<int>(net_.threads());
    step_t seg_begin = 0, seg_end = 0, slice_end = 0;
    completed_step_ = start_step_;
    if (!restored_) last_check_ = 0;
    // Checkpoints by simulated time fall on the first boundary at or after each multiple of
    // every_steps, so that where they fall does not depend on where a run was resumed.
    auto next_checkpoint = [&](step_t after) {
        return checkpoint && checkpoint->every_steps > 0
                   ? (after / checkpoint->every_steps + 1) * checkpoint->every_steps
                   : std::numeric_limits<step_t>::max();
    };
    step_t checkpoint_step = next_checkpoint(start_step_);
    auto t_checkpoint = t_start;
    Outcome outcome;
    std::exception_ptr write_error; // from the back-end, inside a serial phase
    bool write_failed = false;      // on any rank
    const double exchange_start = net_.comm().exchange_seconds();
    std::uint64_t slices = 0;

    StepBarrier barrier(static_cast<unsigned>(T));
    auto thread_loop = [&](std::size_t t) {
        step_t slice_start = start_step_;
        while (slice_start < n_steps_) {
            if (t == 0) {
                slice_end = std::min(slice_start + slice, n_steps_);
                completed_step_ = slice_start;
                seg_begin = slice_start;
                seg_end = slice_start;
            }
            barrier.wait();
            // Exact-step events (stimulus changes) split the slice at their step.
            while (true) {
                if (t == 0) {
                    try {
                        // Slice-boundary events (flushes, weight samples) in the first segment:
                        // its barrier guarantees every thread has finished delivering the last
                        // slice.
                        if (seg_end == completed_step_) {
                            while (!boundary_events_.empty() &&
                                   boundary_events_.top().step <= completed_step_)
                                handle_event(boundary_events_.pop(), backend);
                            if (checkpoint && completed_step_ > start_step_ &&
                                (completed_step_ >= checkpoint_step ||
                                 (checkpoint->every_wall_s > 0 &&
                                  seconds_since(t_checkpoint) >= checkpoint->every_wall_s))) {
                                flush(backend);
                                checkpoint->write(completed_step_);
                                checkpoint_step = next_checkpoint(completed_step_);
                                t_checkpoint = Clock::now();
                            }
                        }
                    } catch (...) {
                        // An exception must not leave a parallel region: stop every thread here.
                        write_error = std::current_exception();
                        seg_end = slice_end;
                    }
                    seg_begin = seg_end;
                    // Events due at the slice end wait for the next slice, so that a reset
                    // there comes after this slice's spikes are delivered (and dropped).
                    if (seg_begin < slice_end) {
                        while (!exact_events_.empty() && exact_events_.top().step <= seg_begin)
                            handle_event(exact_events_.pop(), backend);
                        // Modulators that neurons read: the values at the segment start.
                        net_.refresh_modulators();
                    }
                    seg_end = std::min(slice_end, exact_events_.next_step(slice_end));
                }
                barrier.wait();
                if (seg_begin >= slice_end) break;
                try {
                    update_steps(t, seg_begin, seg_end);
                } catch (const std::exception& e) {
                    // A model's own check (e.g. an ODE step size underflow): it must not leave
                    // the parallel region; the run stops at the end of the slice.
                    auto& error = thread_buffers_[t].model_error;
                    if (error.empty()) error = e.what();
                }
                if (seg_end == slice_end && state_check_due(slice_start, slice_end))
                    check_states(t);
                barrier.wait();
            }
            if (t == 0) {
                const std::uint64_t exchange_from = phase_clock();
                merge_spikes();
                net_.exchange_for_delivery(slice_start, slice_end);
                ++slices;
                // Spike-time synapse dynamics advance once per spike, here, in spike order.
                for (std::size_t i = 0; i < factors_.size(); ++i)
                    if (auto& tr = net_.transmissions()[i])
                        tr->on_spikes(slice_spikes_[net_.projection_specs()[i].source],
                                      factors_[i]);
                write_failed = decide(slice_start, slice_end, interrupt && interrupt->load(),
                                      write_error != nullptr, outcome);
                phase_ticks_[0].add(Phase::exchange, exchange_from, phase_clock());
                if (progress && seconds_since(t_last_progress) > 0.25) {
                    t_last_progress = Clock::now();
                    progress(static_cast<double>(slice_end) * net_.spec().dt,
                             seconds_since(t_start));
                }
            }
            barrier.wait();
            if (write_failed) break; // read after the barrier of the serial phase above
            const std::uint64_t deliver_from = phase_clock();
            deliver(t, slice_start, std::min(slice_start + slice, n_steps_));
            phase_ticks_[t].add(Phase::delivery, deliver_from, phase_clock());
            // Computed locally: another thread may already be rewriting slice_end.
            slice_start = std::min(slice_start + slice, n_steps_);
            // `outcome` was set in the serial phase above; nothing writes it before the next one.
            if (outcome.end != RunEnd::completed) break;
        }
        if (t == 0) completed_step_ = slice_start;
    };
    if (T == 1) {
        thread_loop(0);
    } else {
        bool short_team = false;
#pragma omp parallel num_threads(T) default(shared)
        {
            // Every thread owns a part of each population, and the barrier counts T of them.
            if (omp_get_num_threads() != T) {
#pragma omp atomic write
                short_team = true;
            } else {
                thread_loop(static_cast<std::size_t>(omp_get_thread_num()));
            }
        }
        if (short_team)
            throw std::runtime_error(fmt::format("the OpenMP runtime started fewer than the {} "
                                                 "threads asked for (see OMP_THREAD_LIMIT)",
                                                 T));
    }
    if (write_error) std::rethrow_exception(write_error);
    if (write_failed) throw std::runtime_error("the output could not be written on MPI rank 0");
    if (outcome.end == RunEnd::completed) {
        // Weight samples due in the last slice or at the end: the final weights.
        while (!boundary_events_.empty()) {
            const Event e = boundary_events_.pop();
            if (e.kind == EventKind::weight_sample) handle_event(e, backend);
        }
    }
    flush(backend);

    RunStats stats;
    stats.end = outcome.end;
    stats.fault = outcome.fault;
    stats.fault_message = outcome.message;
    stats.steps = completed_step_;
    stats.wall_simulate = seconds_since(t_start) - write_seconds_;
    stats.wall_write = write_seconds_;
    stats.cpu_write = write_cpu_seconds_;
    stats.wall_exchange = net_.comm().exchange_seconds() - exchange_start;
    // Clock ticks to seconds over the whole call (the flushes included on both sides).
    const double ticks = static_cast<double>(phase_clock() - clock_start);
    const double seconds_per_tick = ticks > 0 ? seconds_since(t_start) / ticks : 0;
    double phases = 0;
    for (std::size_t k = 0; k < kPhases; ++k) {
        double sum = 0;
        for (const auto& p : phase_ticks_) sum += static_cast<double>(p.ticks[k]);
        // The serial exchange runs on thread 0 while the others wait for it: all of it counts.
        const double threads = k == static_cast<std::size_t>(Phase::exchange) ? 1.0 : T;
        stats.phase_seconds[k] = sum * seconds_per_tick / threads;
        phases += stats.phase_seconds[k];
    }
    stats.phase_other = std::max(0.0, stats.wall_simulate - phases);
    stats.slices = slices;
    for (const auto& tb : thread_buffers_) stats.synaptic_events_here += tb.events;
    stats.synaptic_events_here = net_.comm().sum(stats.synaptic_events_here);
    stats.synaptic_events = events_before_ + stats.synaptic_events_here;
    stats.spikes = spike_counts_;
    for (const auto& pop : net_.populations())
        stats.slow_updates +=
            pop->slow_updates(completed_step_) - pop->slow_updates(start_step_); // this call's
    if (net_.spec().branching.enabled && outcome.end == RunEnd::completed)
        stats.branching = branching();
    return stats;
}

// Everything that changes during a run, in both directions; the network's structure and the
// initial state for resets are rebuilt from the experiment. Called at a slice boundary, when
// the recorders' buffers are empty (flushed) and no thread is running.
void Simulation::archive(StateArchive& a) {
    const NetworkSpec& spec = net_.spec();
    {
        const auto k = a.scope("kernel");
        a.scalar("step", completed_step_);
        a.scalar("last_check", last_check_);
        std::uint64_t events = events_before_;
        for (const auto& tb : thread_buffers_) events += tb.events;
        a.scalar("synaptic_events", events);
        if (a.loading()) events_before_ = events;
        std::vector<Event> exact = exact_events_.pending(), boundary = boundary_events_.pending();
        a.io_resizable("exact_events", exact);
        a.io_resizable("boundary_events", boundary);
        if (a.loading()) {
            exact_events_.assign(std::move(exact));
            boundary_events_.assign(std::move(boundary));
        }
        std::vector<std::uint8_t> active(stimuli_.size());
        for (std::size_t i = 0; i < stimuli_.size(); ++i) active[i] = stimuli_[i].active;
        a.io("stimulus_active", active);
        for (std::size_t i = 0; i < stimuli_.size(); ++i) stimuli_[i].active = active[i] != 0;
        a.io("spike_counts", spike_counts_);
        a.io("last_reset", last_reset_);
        for (std::size_t p = 0; p < kept_.size(); ++p)
            a.io_resizable("kept_spikes/" + std::to_string(p), kept_[p]);
        for (std::size_t r = 0; r < reports_.size(); ++r)
            a.scalar("report_rows/" + std::to_string(r), reports_[r].rows_flushed);
        for (std::size_t w = 0; w < weight_recorders_.size(); ++w)
            a.scalar("weight_last_sample/" + std::to_string(w), weight_recorders_[w].last_sample);
    }
    auto& pops = net_.populations();
    for (std::size_t p = 0; p < pops.size(); ++p) {
        const auto s = a.scope("population/" + spec.populations[p].name);
        const auto& vars = spec.populations[p].model->state;
        for (std::size_t v = 0; v < vars.size(); ++v) a.io(vars[v].name, pops[p]->state(v));
        a.io("ring", pops[p]->ring().values());
        pops[p]->archive_extra(a);
        if (a.loading()) recompute_currents(p); // from the stimuli's restored on/off flags
    }
    for (std::size_t i = 0; i < net_.projections().size(); ++i) {
        auto& tr = net_.transmissions()[i];
        if (!tr) continue;
        const auto s = a.scope("projection/" + net_.projection_specs()[i].name);
        tr->archive(a);
        // Rules that deliver spikes themselves may change weights; plain ones never do.
        if (tr->delivers())
            for (std::size_t part = 0; part < net_.projections()[i].parts(); ++part)
                a.io("weights/" + std::to_string(part), net_.projections()[i].weights(part));
    }
    for (std::size_t i = 0; i < net_.stimuli().size(); ++i) {
        const auto s = a.scope("stimulus/" + std::to_string(i));
        net_.stimuli()[i]->archive(a);
    }
}

void Simulation::save_state(CheckpointArrays& arrays) {
    auto a = StateArchive::saving_to(arrays);
    archive(a);
}

// The liquid's branching factor over the spikes kept since `from` (times relative to it).
BranchingResult Simulation::branching() const {
    const BranchingSpec& b = net_.spec().branching;
    const double dt = net_.spec().dt;
    const LiquidGraph g = liquid_graph(net_, b.populations);
    const step_t from = std::llround(b.from / dt);
    std::vector<double> times;
    std::vector<index_t> ids;
    for (std::size_t k = 0; k < b.populations.size(); ++k) {
        const auto p = b.populations[k];
        for (const Spike& s : kept_[p])
            if (s.step >= from) {
                times.push_back(static_cast<double>(s.step - from + 1) * dt);
                ids.push_back(g.population_offsets[k] + s.index);
            }
    }
    BranchingOptions o;
    o.sample_length = b.sample_length;
    if (from >= n_steps_) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {nan, nan, 0, 0, 0, {}};
    }
    return branching_factor(g, times, ids, static_cast<double>(n_steps_ - from) * dt, dt, o);
}

} // namespace gliasim
