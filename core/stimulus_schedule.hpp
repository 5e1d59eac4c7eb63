// SPDX-License-Identifier: MIT
#pragma once

// The stimulus schedule: which stimuli are on, the events that switch them at their exact step,
// the constant currents they add to their targets, and the ones that act at every step.

#include <cstddef>
#include <utility>
#include <vector>

#include "event_queue.hpp"
#include "network.hpp"

namespace gliasim {

class StateArchive;

class StimulusSchedule {
public:
    // Plans every stimulus's on and off events into `exact` (steps [start, stop)).
    StimulusSchedule(Network& net, EventQueue& exact);

    // A stimulus_on or stimulus_off event: its target's input current is summed again.
    void switch_stimulus(std::size_t stimulus, bool on);
    // Thread `t`'s share of the stimuli that act at every step, before the update of `step`.
    void apply_step(std::size_t t, step_t step);
    // The constant input current of `population` from the stimuli that are on.
    void recompute_currents(std::size_t population);
    // The on/off flags; the currents follow from them (recompute_currents after loading).
    void archive(StateArchive& a);

private:
    struct Stimulus {
        std::size_t target;
        std::vector<index_t> ids;
        std::vector<std::pair<std::size_t, std::size_t>> thread_ids; // slice of ids per thread
        bool active = false;
        bool every_step = false;
    };
    Network& net_;
    std::vector<Stimulus> stimuli_;
};

// [begin, end) positions of the sorted `ids` that fall inside `r`.
std::pair<std::size_t, std::size_t> ids_in_range(const std::vector<index_t>& ids, IndexRange r);

} // namespace gliasim
