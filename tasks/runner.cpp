// SPDX-License-Identifier: MIT
#include "runner.hpp"

#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <string>

namespace gliasim::tasks {

TaskStream make_stream(const TaskSpec& task, std::size_t width, std::size_t teacher_width) {
    TaskStream s;
    s.items = std::make_shared<ItemStream>();
    ItemStream& it = *s.items;
    it.item_ms = task.item_ms;
    it.gap_ms = task.gap_ms;
    it.width = width;
    it.sequence.resize(task_items(task));
    task_kind(task).fill_stream(task, {.input = width, .teacher = teacher_width}, s);
    return s;
}

TaskStream make_stream(const TaskSpec& task, const NetworkSpec& network) {
    const auto& pops = network.populations;
    return make_stream(task, pops[task.input].size, task.teacher ? pops[*task.teacher].size : 0);
}

StateAccumulator::StateAccumulator(const NetworkSpec& spec, const TaskSpec& task,
                                   std::uint64_t n_items)
    : task_(task), dt_(spec.dt) {
    item_steps_ = std::llround(task.item_ms / dt_);
    period_ = item_steps_ + std::llround(task.gap_ms / dt_);
    // The task's items start after the self-organisation prefix.
    start_ = static_cast<step_t>(task.prefix_items) * std::llround(task.prefix_item_ms / dt_);
    Eigen::Index columns = 0;
    for (auto p : task.readout) {
        Readout r;
        r.offset = columns;
        r.size = spec.populations[p].size;
        if (task.reader == TaskSpec::Reader::trace) {
            r.trace.assign(r.size, 0.0);
            r.last.assign(r.size, 0);
        }
        readouts_.push_back(std::move(r));
        columns += spec.populations[p].size;
    }
    X_ = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n_items), columns);
}

// The trace state of every item that ends before step t (a spike in step s counts at s + 1).
void StateAccumulator::close_items_before(Readout& r, step_t t) {
    for (; r.next_item < X_.rows(); ++r.next_item) {
        const step_t end = start_ + r.next_item * period_ + item_steps_;
        if (end >= t) return;
        for (index_t i = 0; i < r.size; ++i)
            if (r.trace[i] != 0)
                X_(r.next_item, r.offset + i) =
                    r.trace[i] * std::exp(-static_cast<double>(end - r.last[i]) * dt_ / task_.tau);
    }
}

void StateAccumulator::add(std::size_t k, std::span<const Spike> spikes) {
    Readout& r = readouts_[k];
    if (task_.reader == TaskSpec::Reader::counts) {
        for (const Spike& s : spikes) {
            if (s.step < start_) continue;
            const auto item = static_cast<Eigen::Index>((s.step - start_) / period_);
            if ((s.step - start_) % period_ < item_steps_ && item < X_.rows())
                X_(item, r.offset + s.index) += 1.0;
        }
        return;
    }
    // Each spike (recorded at the end of its step) adds 1 to its neuron's trace, which decays
    // with tau; the state of item k is the trace at the end of the item.
    for (const Spike& s : spikes) {
        const step_t t = s.step + 1;
        close_items_before(r, t);
        r.trace[s.index] = r.trace[s.index] * std::exp(-static_cast<double>(t - r.last[s.index]) *
                                                       dt_ / task_.tau) +
                           1.0;
        r.last[s.index] = t;
    }
}

void StateAccumulator::archive(StateArchive& a) {
    for (std::size_t k = 0; k < readouts_.size(); ++k) {
        const auto s = a.scope("readout/" + std::to_string(k));
        Readout& r = readouts_[k];
        a.io("trace", r.trace);
        a.io("last_spike", r.last);
        std::int64_t next = r.next_item;
        a.scalar("next_item", next);
        r.next_item = next;
    }
    // Items that have begun have a row; the rows after the last non-zero one are still zero.
    std::int64_t rows = X_.rows();
    if (!a.loading())
        while (rows > 0 && (X_.row(rows - 1).array() == 0.0).all()) --rows;
    a.scalar("item_rows", rows);
    if (rows < 0 || rows > X_.rows())
        throw CheckpointMismatch("the checkpoint has more task items than this task");
    std::vector<double> block(static_cast<std::size_t>(rows * X_.cols()));
    Eigen::Map<Eigen::MatrixXd> view(block.data(), rows, X_.cols());
    if (!a.loading()) view = X_.topRows(rows);
    a.io("item_states", block);
    if (a.loading()) X_.topRows(rows) = view;
}

Eigen::Index StateAccumulator::items_begun_before(step_t t) const {
    if (t <= start_) return 0;
    return std::min<Eigen::Index>(X_.rows(), (t - 1 - start_) / period_ + 1);
}

Eigen::Index StateAccumulator::items_ended_before(step_t t) const {
    // Item k ends at start_ + k period_ + item_steps_; close_items_before(r, t) closes those < t.
    const step_t last = t - 1 - start_ - item_steps_;
    if (last < 0) return 0;
    return std::min<Eigen::Index>(X_.rows(), last / period_ + 1);
}

namespace {

// Every value finite and >= 0 (a spike count or a trace), or a CheckpointMismatch.
void require_state_values(const StateArchive& a, const std::string& name,
                          std::span<const double> values) {
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!(values[i] >= 0 && std::isfinite(values[i])))
            throw CheckpointMismatch(fmt::format("'{}' element {} is {}, not a finite value >= 0",
                                                 a.where(name), i, values[i]));
}

} // namespace

void StateAccumulator::check_restored(const StateArchive& a, step_t step) const {
    const auto ended = items_ended_before(step);
    for (std::size_t k = 0; k < readouts_.size(); ++k) {
        const Readout& r = readouts_[k];
        const std::string scope = "readout/" + std::to_string(k) + "/";
        // Spikes before `step` close at most the items that ended before it.
        a.require_within<Eigen::Index>(scope + "next_item", std::span(&r.next_item, 1), 0, ended);
        a.require_within<step_t>(scope + "last_spike", r.last, 0, step);
        require_state_values(a, scope + "trace", r.trace);
    }
    // Every state is a count or a trace; rows after the items begun by `step` are still zero.
    require_state_values(a, "item_states",
                         std::span(X_.data(), static_cast<std::size_t>(X_.size())));
    const auto begun = items_begun_before(step);
    if (begun < X_.rows() && !(X_.bottomRows(X_.rows() - begun).array() == 0.0).all())
        throw CheckpointMismatch(fmt::format("'{}' holds states of items after the {} that had "
                                             "begun by step {}",
                                             a.where("item_states"), begun, step));
}

Eigen::MatrixXd StateAccumulator::finish() {
    if (task_.reader == TaskSpec::Reader::trace)
        for (auto& r : readouts_) close_items_before(r, std::numeric_limits<step_t>::max());
    return std::move(X_);
}

Eigen::MatrixXd read_states(const Simulation& sim, const TaskSpec& task, std::uint64_t n_items) {
    StateAccumulator acc(sim.network().spec(), task, n_items);
    for (std::size_t k = 0; k < task.readout.size(); ++k)
        acc.add(k, sim.kept_spikes(task.readout[k]));
    return acc.finish();
}

TaskResult score(const TaskSpec& task, const TaskStream& stream, const Eigen::MatrixXd& states) {
    // One Eigen thread: the readout's sums then do not depend on the number of threads, so a
    // task's figures are as reproducible as its spikes.
    Eigen::setNbThreads(1);
    return task_kind(task).score(task, stream, states);
}

void attach_stream(NetworkSpec& spec, const TaskSpec& task, const TaskStream& stream) {
    spec.populations[task.input].inputs.set_shared<ItemStream>(kItemsInput, stream.items);
    if (stream.teacher)
        spec.populations[task.teacher.value()].inputs.set_shared<ItemStream>(kItemsInput,
                                                                           stream.teacher);
}

std::shared_ptr<StateAccumulator> stream_readout(Simulation& sim, const TaskSpec& task) {
    auto acc = std::make_shared<StateAccumulator>(sim.network().spec(), task, task_items(task));
    const double dt = sim.network().spec().dt;
    for (std::size_t k = 0; k < task.readout.size(); ++k) // from the task's first item on
        sim.stream_spikes(
            task.readout[k], [acc, k](std::span<const Spike> s) { acc->add(k, s); },
            std::llround(static_cast<double>(task.prefix_items) * task.prefix_item_ms / dt));
    return acc;
}

TaskResult finish(StateAccumulator& states, const TaskSpec& task, const TaskStream& stream,
                  const RunStats& stats) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::uint64_t n = task_items(task);
    TaskResult r = score(task, stream, states.finish());
    r.stats = stats;
    r.scalars.emplace_back("items", static_cast<double>(n));
    r.scalars.emplace_back("items_per_second", stats.wall_simulate > 0
                                                   ? static_cast<double>(n) / stats.wall_simulate
                                                   : 0);
    r.scalars.emplace_back(
        "readout_seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return r;
}

} // namespace gliasim::tasks
