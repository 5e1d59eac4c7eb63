// SPDX-License-Identifier: MIT
#pragma once

// The fault monitor: whether a run goes on after a slice. Each thread scans its own entities for
// NaN/inf now and then and notes what a model's update threw; at the slice's end the serial
// exchange gathers both (over every thread and rank) with the interrupt flag and a back-end
// failure into one decision, the same on every rank.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "network.hpp"
#include "state_check.hpp"

namespace gliasim {

class StateArchive;

// How a run ended: every step simulated, or stopped early at a slice boundary (the output then
// holds everything up to `RunStats::steps`).
enum class RunEnd { completed, numerical_fault, interrupted };

// A state that became NaN or infinite: seen at the check at `step`, finite at the check at
// `last_good_step`.
struct NumericalFault {
    std::size_t population;
    NonFiniteState state;
    step_t last_good_step;
    step_t step;
};

// "numerical fault in population 'exc' (model aeif_cond_alpha_astro): entity 3, V_m = nan at
// t = 12.5 ms (finite at t = 11.5 ms)".
std::string describe(const NumericalFault& fault, const NetworkSpec& spec);

// How the run goes on after a slice: decided at its end, the same on every rank.
struct Outcome {
    RunEnd end = RunEnd::completed;
    std::optional<NumericalFault> fault;
    std::string message;
};

class FaultMonitor {
public:
    FaultMonitor(Network& net, step_t n_steps);

    // Whether the slice [slice_start, slice_end) ends with a scan of the states.
    bool check_due(step_t slice_start, step_t slice_end) const;
    // Thread `t` scans its own entities (cache-warm from the update just done).
    void check_states(std::size_t t);
    // What a model's update on thread `t` threw (e.g. an ODE step size underflow): the first
    // one of the slice is kept.
    void model_failed(std::size_t t, const char* what);
    // Serial, at the slice's end: updates `outcome` from this slice's scan, model errors and the
    // interrupt flag of every rank; returns whether a back-end failed on some rank (every rank
    // then stops).
    bool decide(step_t slice_start, step_t slice_end, bool interrupted, bool write_failed,
                Outcome& outcome);

    // The step of the latest scan that found every state finite.
    step_t last_check() const { return last_check_; }
    void start_fresh() { last_check_ = 0; }
    void archive(StateArchive& a);

private:
    struct ThreadFindings {
        std::optional<std::pair<std::size_t, NonFiniteState>> fault; // population, state
        std::string model_error;
    };
    std::optional<NumericalFault> collect_faults(step_t step);

    Network& net_;
    step_t n_steps_;
    step_t check_every_ = 1; // steps between scans of the state for NaN/inf
    step_t last_check_ = 0;
    std::vector<ThreadFindings> threads_;
};

} // namespace gliasim
