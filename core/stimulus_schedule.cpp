// SPDX-License-Identifier: MIT
#include "stimulus_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "state_archive.hpp"

namespace gliasim {

std::pair<std::size_t, std::size_t> ids_in_range(const std::vector<index_t>& ids, IndexRange r) {
    const auto b = std::lower_bound(ids.begin(), ids.end(), r.begin) - ids.begin();
    const auto e = std::lower_bound(ids.begin(), ids.end(), r.end) - ids.begin();
    return {static_cast<std::size_t>(b), static_cast<std::size_t>(e)};
}

StimulusSchedule::StimulusSchedule(Network& net, EventQueue& exact) : net_(net) {
    const NetworkSpec& spec = net.spec();
    for (std::size_t i = 0; i < spec.stimuli.size(); ++i) {
        const StimulusSpec& st = spec.stimuli[i];
        Stimulus s;
        s.target = st.target;
        s.ids = st.ids;
        if (s.ids.empty()) {
            s.ids.resize(spec.populations[st.target].size);
            for (index_t k = 0; k < s.ids.size(); ++k) s.ids[k] = k;
        }
        for (std::size_t t = 0; t < net.threads(); ++t)
            s.thread_ids.push_back(ids_in_range(s.ids, net.range(st.target, t)));
        s.every_step = net.stimuli()[i]->acts_every_step();
        stimuli_.push_back(std::move(s));
        // Active during steps [start, stop): a stimulus whose interval rounds to nothing never
        // switches on.
        const auto start = std::max<step_t>(0, std::llround(st.start / spec.dt));
        const auto stop = st.stop >= 0 ? static_cast<step_t>(std::llround(st.stop / spec.dt))
                                       : std::numeric_limits<step_t>::max();
        if (stop > start) {
            exact.push({start, EventKind::stimulus_on, static_cast<std::uint32_t>(i)});
            if (st.stop >= 0)
                exact.push({stop, EventKind::stimulus_off, static_cast<std::uint32_t>(i)});
        }
    }
}

void StimulusSchedule::switch_stimulus(std::size_t i, bool on) {
    stimuli_[i].active = on;
    recompute_currents(stimuli_[i].target);
}

void StimulusSchedule::apply_step(std::size_t t, step_t step) {
    auto& pops = net_.populations();
    auto& stims = net_.stimuli();
    for (std::size_t i = 0; i < stimuli_.size(); ++i) {
        const Stimulus& s = stimuli_[i];
        if (!s.active || !s.every_step) continue;
        const auto [b, e] = s.thread_ids[t];
        stims[i]->apply_step(step, std::span(s.ids).subspan(b, e - b), *pops[s.target]);
    }
}

void StimulusSchedule::recompute_currents(std::size_t population) {
    auto current = net_.populations()[population]->stim_current();
    std::fill(current.begin(), current.end(), 0.0);
    for (std::size_t i = 0; i < stimuli_.size(); ++i) {
        const Stimulus& s = stimuli_[i];
        if (s.target == population && s.active) net_.stimuli()[i]->add_current(s.ids, current);
    }
}

void StimulusSchedule::archive(StateArchive& a) {
    std::vector<std::uint8_t> active(stimuli_.size());
    for (std::size_t i = 0; i < stimuli_.size(); ++i) active[i] = stimuli_[i].active;
    a.io("stimulus_active", active);
    for (std::size_t i = 0; i < stimuli_.size(); ++i) stimuli_[i].active = active[i] != 0;
}

} // namespace gliasim
