// SPDX-License-Identifier: MIT
#include "network.hpp"

#include "tripartite.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace gliasim {

std::vector<std::vector<index_t>> draw_coupling(const CouplingSpec& c, index_t n,
                                                std::uint64_t seed, std::uint32_t population) {
    std::vector<std::vector<index_t>> nb(c.rule == CouplingSpec::Rule::none ? 0 : n);
    if (c.rule == CouplingSpec::Rule::ring) {
        // Each entity is coupled to the `neighbours` nearest on either side, around the ring.
        const index_t k = std::min<index_t>(c.neighbours, (n - 1) / 2);
        for (index_t i = 0; i < n; ++i)
            for (index_t d = 1; d <= k; ++d) {
                nb[i].push_back((i + n - d) % n);
                nb[i].push_back((i + d) % n);
            }
    } else if (c.rule == CouplingSpec::Rule::bernoulli) {
        // Pair (i, j), i < j, is drawn from i's stream: symmetric and thread-independent.
        for (index_t i = 0; i < n; ++i) {
            RandomStream rs(seed, Stream::coupling, population, i);
            for (index_t j = i + 1; j < n; ++j)
                if (rs.uniform() < c.p) {
                    nb[i].push_back(j);
                    nb[j].push_back(i);
                }
        }
    }
    for (auto& l : nb) std::sort(l.begin(), l.end());
    return nb;
}

IndexRange partition_range(index_t size, std::size_t parts, std::size_t part, index_t grain) {
    const std::uint64_t units = (static_cast<std::uint64_t>(size) + grain - 1) / grain;
    const auto cut = [&](std::size_t k) {
        return static_cast<index_t>(std::min<std::uint64_t>(size, units * k / parts * grain));
    };
    return {cut(part), cut(part + 1)};
}

// The projections third-factor rules derive, and the synapse tables their setups point into.
struct ThirdFactorLinks {
    std::vector<std::pair<std::uint32_t, TripartiteLinks>> derived;
    std::vector<const ExplicitSources*> explicit_of, tags_of; // per derived projection
    std::vector<const ExplicitSources*> primary_tags;         // per user projection
};

namespace {

// Third-factor rules add derived projections after all user ones (appended to `specs`): synapse
// -> astrocyte, and astrocyte -> neuron when the astrocyte has a continuous output (SIC) for
// the target.
void add_third_factor_projections(const NetworkSpec& spec, std::vector<ProjectionSpec>& specs,
                                  ThirdFactorLinks& links) {
    auto& derived = links.derived;
    derived.reserve(spec.projections.size()); // pointers into it are kept below
    links.primary_tags.assign(spec.projections.size(), nullptr);
    for (std::uint32_t i = 0; i < spec.projections.size(); ++i) {
        const ProjectionSpec& pj = spec.projections[i];
        if (!pj.third_factor.enabled) continue;
        const ThirdFactorSpec& tf = pj.third_factor;
        derived.emplace_back(i, draw_tripartite(pj, i, spec.populations[pj.source].size,
                                                spec.populations[pj.target].size,
                                                spec.populations[tf.population].size, spec.seed));
        links.primary_tags[i] = &derived.back().second.primary_tags;
        ProjectionSpec in;
        in.name = pj.name + ".astrocyte_in";
        in.source = pj.source;
        in.target = tf.population;
        in.weight = tf.weight_in;
        in.delay = tf.delay_in;
        in.receptor = tf.receptor_in;
        // The astrocyte senses what the synapse releases: same dynamics as the primary.
        in.synapse = pj.synapse;
        in.synapse_model = pj.synapse_model;
        in.synapse_params = pj.synapse_params;
        if (tf.gliotransmission) {
            in.modulated = true;
            in.modulator_population = tf.population;
            in.modulator_var = tf.modulator_var;
            specs[i].modulated = true;
            specs[i].modulator_population = tf.population;
            specs[i].modulator_var = tf.modulator_var;
        }
        links.explicit_of.push_back(&derived.back().second.astro_in);
        links.tags_of.push_back(in.modulated ? &derived.back().second.astro_in_tags : nullptr);
        specs.push_back(std::move(in));
        if (!tf.has_output) continue;
        ProjectionSpec out;
        out.name = pj.name + ".astrocyte_out";
        out.source = tf.population;
        out.target = pj.target;
        out.weight = tf.weight_out;
        out.delay = tf.delay_out;
        out.receptor = tf.channel_out;
        out.synapse = tf.synapse_out;
        out.continuous = true;
        links.explicit_of.push_back(&derived.back().second.astro_out);
        links.tags_of.push_back(nullptr);
        specs.push_back(std::move(out));
    }
}

} // namespace

Network::Network(const NetworkSpec& spec, Communicator comm)
    : spec_(spec), comm_(comm), threads_(static_cast<std::size_t>(std::max(1, spec.threads))) {
    build_populations();
    bind_modulators();
    projection_specs_ = spec.projections;
    ThirdFactorLinks links;
    add_third_factor_projections(spec, projection_specs_, links);
    build_projections(links);
    set_delay_range();
    build_stimuli();
}

void Network::build_populations() {
    const auto ranks = static_cast<std::size_t>(comm_.size());
    const auto rank = static_cast<std::size_t>(comm_.rank());
    for (std::uint32_t p = 0; p < spec_.populations.size(); ++p) {
        const PopulationSpec& ps = spec_.populations[p];
        const auto coupling = ps.inputs.find(kCouplingInput);
        // Gap junctions read the neighbours' state inside the model's update.
        if (ranks > 1 && coupling && coupling->rule != CouplingSpec::Rule::none)
            throw std::invalid_argument(
                fmt::format("population '{}': a coupling between entities is not supported over "
                            "several MPI ranks yet (run it with one rank)",
                            ps.name));
        PopulationSetup setup{.name = ps.name,
                              .id = p,
                              .size = ps.size,
                              .params = ps.params,
                              .dt = spec_.dt,
                              .seed = spec_.seed,
                              .inputs = ps.inputs};
        // The file gives the coupling rule; the model gets the partners drawn from the seed.
        if (coupling)
            setup.inputs.set(kNeighboursInput, draw_coupling(*coupling, ps.size, spec_.seed, p));
        auto pop = make_population(*ps.model, setup);
        initialise_state(ps, *pop, p);
        pop->prepare();
        const index_t grain = std::max<index_t>(1, pop->grain());
        const auto part = [&](std::size_t k) {
            return partition_range(ps.size, ranks * threads_, k, grain);
        };
        std::vector<IndexRange> r, by_rank;
        for (std::size_t t = 0; t < threads_; ++t) r.push_back(part(rank * threads_ + t));
        for (std::size_t q = 0; q < ranks; ++q)
            by_rank.push_back({part(q * threads_).begin, part(q * threads_ + threads_ - 1).end});
        ranges_.push_back(std::move(r));
        rank_ranges_.push_back(std::move(by_rank));
        populations_.push_back(std::move(pop));
    }
}

void Network::bind_modulators() {
    for (std::uint32_t p = 0; p < spec_.populations.size(); ++p) {
        const ModulatorRef& m = spec_.populations[p].modulator;
        if (!m.enabled) continue;
        const std::size_t n = spec_.populations[m.population].size;
        modulator_copies_.push_back({m.population, m.var, std::make_unique<double[]>(n), n});
        populations_[p]->bind_modulator({modulator_copies_.back().copy.get(), n});
    }
    refresh_modulators();
}

void Network::build_projections(const ThirdFactorLinks& links) {
    for (std::uint32_t i = 0; i < projection_specs_.size(); ++i) {
        const ProjectionSpec& pj = projection_specs_[i];
        ProjectionSetup s;
        s.name = pj.name;
        s.id = i;
        s.n_source = spec_.populations[pj.source].size;
        s.n_target = spec_.populations[pj.target].size;
        s.same_population = pj.source == pj.target;
        s.rule = pj.rule;
        if (s.rule.kind == ConnectionRule::Kind::distance) {
            const auto& src = spec_.populations[pj.source].positions;
            const auto& tgt = spec_.populations[pj.target].positions;
            if (src.size() != 3 * static_cast<std::size_t>(s.n_source) ||
                tgt.size() != 3 * static_cast<std::size_t>(s.n_target))
                throw std::invalid_argument(fmt::format(
                    "projection '{}': rule distance needs positions of both populations", pj.name));
            s.rule.source_xyz = src.data();
            s.rule.target_xyz = tgt.data();
        }
        s.weight = pj.weight;
        s.delay = pj.delay;
        s.receptor = pj.receptor;
        s.continuous = pj.continuous;
        s.dt = spec_.dt;
        s.seed = spec_.seed;
        if (i >= spec_.projections.size()) {
            s.explicit_sources = links.explicit_of[i - spec_.projections.size()];
            s.edge_tags = links.tags_of[i - spec_.projections.size()];
        } else {
            // Every synapse of a third-factor projection records the astrocyte covering it (or
            // kNoTag): the forward half of the tripartite map. The astrocyte_in projection is
            // the inverse map, astrocyte -> the sources of its synapses.
            s.edge_tags = links.primary_tags[i];
        }
        projections_.emplace_back(s, ranges_[pj.target]);
        if (pj.synapse_model && transmission_factory(*pj.synapse_model)) {
            TransmissionSetup ts{pj.synapse_params, s.n_source, spec_.dt, pj.modulated,
                                 s.n_target,        threads_,   {}};
            if (pj.modulator.enabled) {
                ts.modulator = populations_[pj.modulator.population]->state(pj.modulator.var);
                read_columns_.emplace_back(pj.modulator.population, pj.modulator.var);
            }
            transmissions_.push_back(make_transmission(*pj.synapse_model, ts));
            const double* modulator =
                pj.modulated ? populations_[pj.modulator_population]->state(pj.modulator_var).data()
                             : nullptr;
            if (pj.modulated) read_columns_.emplace_back(pj.modulator_population, pj.modulator_var);
            transmissions_.back()->bind(projections_.back(), modulator);
        } else {
            transmissions_.push_back(nullptr);
        }
        if (pj.continuous) output_sources_.push_back(pj.source);
    }
    std::sort(read_columns_.begin(), read_columns_.end());
    read_columns_.erase(std::unique(read_columns_.begin(), read_columns_.end()),
                        read_columns_.end());
    std::sort(output_sources_.begin(), output_sources_.end());
    output_sources_.erase(std::unique(output_sources_.begin(), output_sources_.end()),
                          output_sources_.end());
}

// The delay range sets the slice length and the ring buffers' size.
void Network::set_delay_range() {
    min_delay_ = std::numeric_limits<step_t>::max();
    max_delay_ = 1;
    // The delay range of the whole network: over the ranks that hold synapses of a projection
    // (an empty one reports its nominal delay, as with one rank).
    std::vector<step_t> lo, hi;
    for (const auto& p : projections_) {
        lo.push_back(p.size() ? p.min_delay() : std::numeric_limits<step_t>::max());
        hi.push_back(p.size() ? p.max_delay() : 0);
    }
    comm_.min(lo);
    comm_.max(hi);
    for (std::size_t i = 0; i < projections_.size(); ++i) {
        const bool empty = lo[i] == std::numeric_limits<step_t>::max();
        min_delay_ = std::min(min_delay_, empty ? projections_[i].min_delay() : lo[i]);
        max_delay_ = std::max(max_delay_, empty ? projections_[i].max_delay() : hi[i]);
    }
    // Without synapses nothing needs exchanging; slices of 1 ms keep event handling cheap.
    if (projections_.empty()) min_delay_ = std::max<step_t>(1, static_cast<step_t>(1.0 / spec_.dt));
    const auto slots = static_cast<std::size_t>(max_delay_ + min_delay_);
    for (auto& pop : populations_) pop->allocate_ring(slots);
    // Continuous outputs keep one row (of changes) per step of a slice.
    for (std::size_t p = 0; p < populations_.size(); ++p)
        if (!continuous_output(*spec_.populations[p].model).name.empty())
            populations_[p]->allocate_output(static_cast<std::size_t>(min_delay_));
}

void Network::build_stimuli() {
    for (std::uint32_t i = 0; i < spec_.stimuli.size(); ++i) {
        const StimulusSpec& st = spec_.stimuli[i];
        StimulusSetup s{st.name, i, st.params, spec_.dt, spec_.seed, st.receptor, st.weight};
        stimuli_.push_back(make_stimulus(*st.model, s));
    }
    // Channels that nothing feeds stay empty (on every rank: the specs are global).
    std::vector<std::vector<bool>> fed(populations_.size());
    for (std::size_t p = 0; p < populations_.size(); ++p)
        fed[p].assign(populations_[p]->receptors(), false);
    auto feed = [&](std::size_t pop, std::size_t channel) {
        if (channel < fed[pop].size()) fed[pop][channel] = true;
    };
    for (const auto& pj : projection_specs_) feed(pj.target, pj.receptor);
    for (const auto& st : spec_.stimuli) feed(st.target, st.receptor);
    for (std::size_t p = 0; p < populations_.size(); ++p)
        populations_[p]->set_fed_channels(std::move(fed[p]));
}

void Network::initialise_state(const PopulationSpec& ps, Population& pop, std::uint32_t id) {
    for (const auto& [var, value] : ps.initial) {
        const auto vi = ps.model->state_index(var);
        if (!vi)
            throw std::invalid_argument(
                fmt::format("population '{}': model '{}' has no state variable '{}'", ps.name,
                            ps.model->name, var));
        auto col = pop.state(*vi);
        const std::uint32_t sub = (id << 8) ^ static_cast<std::uint32_t>(*vi);
        for (index_t i = 0; i < ps.size; ++i) {
            RandomStream rs(spec_.seed, Stream::initial_state, sub, i);
            col[i] = value.draw(rs);
        }
    }
}

void Network::refresh_modulators() {
    for (auto& m : modulator_copies_) {
        const auto values = populations_[m.source]->state(m.var);
        std::copy(values.begin(), values.end(), m.copy.get());
        comm_.allgather_owned({m.copy.get(), m.size}, rank_ranges_[m.source]);
    }
}

void Network::exchange_for_delivery(step_t first, step_t last) {
    if (comm_.size() == 1) return;
    for (const auto& [p, var] : read_columns_)
        comm_.allgather_owned(populations_[p]->state(var), rank_ranges_[p]);
    for (const std::size_t p : output_sources_) {
        Population& pop = *populations_[p];
        for (step_t step = first; step < last; ++step)
            if (pop.output_changes_at(step))
                comm_.allgather_owned({pop.output_row(step), pop.size()}, rank_ranges_[p]);
    }
}

std::uint64_t Network::synapses() const {
    std::uint64_t n = 0;
    for (const auto& p : projections_) n += p.size();
    return n;
}

std::size_t Network::synapse_bytes() const {
    std::size_t n = 0;
    for (const auto& p : projections_) n += p.bytes();
    for (const auto& t : transmissions_)
        if (t) n += t->bytes();
    return n;
}

std::uint64_t Network::plastic_synapses() const {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < projections_.size(); ++i) {
        const auto* m = projection_specs_[i].synapse_model;
        if (m && plastic(*m)) n += projections_[i].size();
    }
    return n;
}

std::size_t Network::plastic_synapse_bytes() const {
    std::size_t b = 0;
    for (std::size_t i = 0; i < projections_.size(); ++i) {
        const auto* m = projection_specs_[i].synapse_model;
        if (m && plastic(*m)) b += projections_[i].bytes() + transmissions_[i]->bytes();
    }
    return b;
}

} // namespace gliasim
