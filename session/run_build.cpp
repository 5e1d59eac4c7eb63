// SPDX-License-Identifier: MIT
// RunSession::build: the network, the task's stream and readout, the checkpoints and the writer;
// on --resume, everything a checkpoint holds put back.
#include <chrono>
#include <cmath>
#include <fmt/format.h>

#include "io/file_ownership.hpp"
#include "session/exit_status.hpp"
#include "session/run_metadata.hpp"
#include "session/run_session.hpp"

namespace gliasim::session {

std::optional<Refusal> RunSession::build() {
    const auto t_build = std::chrono::steady_clock::now();
    // A task run: the input population presents the task's stream, and the readout
    // populations' spikes stream into the readout's item states as the run goes.
    const TaskSpec* task = this->task();
    if (task) {
        stream_ = tasks::make_stream(*task, ex_.network);
        tasks::attach_stream(ex_.network, *task, *stream_);
    }
    try {
        sim_ = std::make_unique<Simulation>(ex_.network, comm_);
        keep_branching_spikes(*sim_);
        if (task) states_ = tasks::stream_readout(*sim_, *task);
    } catch (const std::exception& e) {
        return Refusal{kExitUsage,
                       fmt::format("{}: error while building the network: {}", file_, e.what()),
                       e.what()};
    }
    if (auto r = restore_state()) return r;
    if (request_.output_mode == OutputMode::file) set_up_checkpoints();
    meta_ = metadata_before_run(ex_, *sim_, comm_, t_build);

    // The run is written to the partial file, renamed over the output once it completes; only
    // rank 0 writes.
    if (request_.output_mode == OutputMode::memory)
        writer_ = &memory_;
    else if (comm_.root())
        writer_ =
            &sonata_.emplace(files_.partial, meta_,
                             WriterIdentity{identity_.run_id, identity_.experiment_hash, true});
    else
        writer_ = &discard_;
    if (resuming()) {
        try {
            auto a = StateArchive::loading_from(resume_from_->arrays);
            const auto s = a.scope("output");
            writer_->reopen(sim_->layout(), a);
        } catch (const std::exception& e) {
            return Refusal{
                kExitUsage,
                fmt::format("{}: error: cannot continue the output: {}", files_.partial, e.what()),
                e.what()};
        }
        resume_from_.reset(); // the arrays are in the network now
    }
    return std::nullopt;
}

// The network's and the readout's state at the checkpoint's step.
std::optional<Refusal> RunSession::restore_state() {
    if (!resuming()) return std::nullopt;
    try {
        sim_->restore_state(resume_from_->arrays);
        if (states_) {
            auto a = StateArchive::loading_from(resume_from_->arrays);
            const auto s = a.scope("task");
            states_->archive(a);
            states_->check_restored(a, sim_->start_step());
        }
    } catch (const CheckpointMismatch& e) {
        return Refusal{kExitUsage,
                       fmt::format("{}: error: the checkpoint does not fit the network: {}",
                                   *request_.resume, e.what()),
                       e.what()};
    }
    return std::nullopt;
}

void RunSession::set_up_checkpoints() {
    checkpointer_.path = files_.checkpoint;
    // The checkpoint resumed from is this run's own: removed at the end like one it wrote.
    if (resuming() && file_key(files_.checkpoint) == file_key(*request_.resume))
        checkpointer_.mine = written_file_at(files_.checkpoint);
    auto& header = checkpointer_.header;
    header.gliasim_version = GLIASIM_VERSION;
    header.experiment_toml = ex_.resolved_toml;
    header.experiment_file = ex_.source;
    header.experiment_hash = experiment_hash(ex_.resolved_toml);
    header.output = output_as_stored(files_.output, files_.checkpoint);
    header.threads = static_cast<std::uint32_t>(ex_.network.threads);
    header.run_id = identity_.run_id;
    checkpointer_.task_states = states_.get();
    if (every_ms_)
        policy_.every_steps = std::max<step_t>(1, std::llround(*every_ms_ / ex_.network.dt));
    if (every_wall_ms_) policy_.every_wall_s = *every_wall_ms_ * 1e-3;
    policy_.write = [this](step_t step) { checkpointer_.write(*sim_, *writer_, step); };
}

} // namespace gliasim::session
