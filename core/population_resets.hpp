// SPDX-License-Identifier: MIT
#pragma once

// Per-sample resets (PopulationSpec::resets): at each planned step a population's state goes
// back to its initial values, its pending input is dropped and the activity traces of the
// plasticity rules touching it are cleared (weights stay), so that samples start alike.

#include <cstddef>
#include <vector>

#include "event_queue.hpp"
#include "network.hpp"

namespace gliasim {

class StateArchive;

class PopulationResets {
public:
    // Keeps the initial state of every population with resets and plans one population_reset
    // event per reset step into `exact`.
    PopulationResets(Network& net, step_t n_steps, EventQueue& exact);

    void reset(std::size_t population, step_t step);
    // The step of the population's latest reset (0 if none): spikes emitted before it in the
    // same slice are not delivered to it.
    step_t last_reset(std::size_t population) const { return last_reset_[population]; }

    void archive(StateArchive& a);
    // CheckpointMismatch unless the population's loaded reset step lies in [0, step].
    void check_restored(std::size_t population, step_t step) const;

private:
    Network& net_;
    // Per population with resets: each state variable's initial column.
    std::vector<std::vector<std::vector<double>>> initial_state_;
    std::vector<step_t> last_reset_;
};

} // namespace gliasim
