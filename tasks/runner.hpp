// SPDX-License-Identifier: MIT
#pragma once

// The pieces of a [task] run: the input stream, the network simulated with it, the readout
// populations' state at the end of every item, the readout trained on the train split (the
// regulariser chosen on the validation split) and scored on the test split.

#include <Eigen/Dense>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/network_spec.hpp"
#include "core/recording.hpp"
#include "core/simulation.hpp"
#include "task_kind.hpp"
#include "task_spec.hpp"

namespace gliasim::tasks {

// The stream of the task's kind (tasks/task_kind.hpp): its items' timing and width are common,
// the patterns, sequence and targets are the kind's.
TaskStream make_stream(const TaskSpec& task, std::size_t width, std::size_t teacher_width = 0);
// The same for the task's input (and teacher) populations of `network`.
TaskStream make_stream(const TaskSpec& task, const NetworkSpec& network);

// The state of the readout populations at the end of every item (rows: items; columns: their
// neurons, concatenated): spike counts within the item, or exponentially filtered spike trains,
// built from each population's spikes in step order as the run hands them over.
class StateAccumulator {
public:
    StateAccumulator(const NetworkSpec& spec, const TaskSpec& task, std::uint64_t n_items);
    void add(std::size_t readout, std::span<const Spike> spikes); // readout k = task.readout[k]
    Eigen::MatrixXd finish();                                     // once, after the last spike
    // Checkpoints: the readouts' traces and the item states gathered so far.
    void archive(StateArchive& a);
    // After loading a checkpoint of step `step`: every array within what that step implies
    // (items begun and ended by then, spike steps before it, finite non-negative states), or a
    // CheckpointMismatch naming the array. A crafted cursor must not reach the code that
    // indexes the state matrix with it.
    void check_restored(const StateArchive& a, step_t step) const;

private:
    struct Readout {
        Eigen::Index offset = 0;
        index_t size = 0;
        std::vector<double> trace; // reader = trace: value after the last spike ...
        std::vector<step_t> last;  // ... and when it was
        Eigen::Index next_item = 0;
    };
    void close_items_before(Readout& r, step_t t);
    // Items whose first step / whose end lies before step t (at most the matrix's rows).
    Eigen::Index items_begun_before(step_t t) const;
    Eigen::Index items_ended_before(step_t t) const;
    const TaskSpec& task_;
    double dt_;
    step_t item_steps_ = 0, period_ = 0, start_ = 0;
    std::vector<Readout> readouts_;
    Eigen::MatrixXd X_;
};

// The same from spikes kept by the simulation (Simulation::keep_spikes).
Eigen::MatrixXd read_states(const Simulation& sim, const TaskSpec& task, std::uint64_t n_items);

// Scores `states` (items x features) against the stream, by the task's kind.
TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states);

// The steps of a task run, which the run session (session/run_build.cpp, run_execute.cpp) takes
// in order: the stream goes to the input population; the readout populations' spikes stream
// into their item states from the first task item on; after the run, the states are scored,
// and the run's throughput (items, items_per_second, readout_seconds) is added to the figures.
void attach_stream(NetworkSpec& spec, const TaskSpec& task, const TaskStream& stream);
std::shared_ptr<StateAccumulator> stream_readout(Simulation& sim, const TaskSpec& task);
TaskResult finish(StateAccumulator& states, const TaskSpec& task, const TaskStream& stream,
                  const RunStats& stats);

} // namespace gliasim::tasks
