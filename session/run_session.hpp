// SPDX-License-Identifier: MIT
#pragma once

// One run, from the request to the report: what `gliasim run` does, minus parsing and printing,
// and what `gliasim compare` does per seed. In order:
//   prepare()  load the experiment (or the checkpoint's), validate, check the machine's limits
//              and the run's files (docs/reliability.md); nothing is built or written yet
//   build()    the network, the task's stream and readout, the writer; on --resume the
//              network's, readout's and output's state from the checkpoint
//   execute()  the run, its checkpoints, the metadata, the task's scoring and, once complete,
//              the output put in place
// Nothing here prints: refusals and the report carry the messages, the caller says them.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "analysis/branching_factor.hpp"
#include "core/communicator.hpp"
#include "core/recording.hpp"
#include "core/registry.hpp"
#include "core/resource_estimate.hpp"
#include "core/simulation.hpp"
#include "io/checkpoint_file.hpp"
#include "io/sonata_writer.hpp"
#include "session/checkpointer.hpp"
#include "session/output_paths.hpp"
#include "session/run_request.hpp"
#include "tasks/experiment_file.hpp"
#include "tasks/runner.hpp"

namespace gliasim::session {

// The checkpoints a run wrote (the last one stays only when the run did not complete).
struct CheckpointsWritten {
    int count = 0;
    std::string path;
    std::uint64_t last_bytes = 0; // the size of the last one
    double seconds = 0;           // writing them, in all
};

struct RunReport {
    RunStats stats;
    // NALSM's branching factor of the liquid, when [analysis] asks for it and the run completed.
    std::optional<BranchingResult> branching;
    RunMetadata meta;      // as stored in the output's /metadata
    double stopped_ms = 0; // where the run stopped (its end when it completed)
    CheckpointsWritten checkpoints;
    std::string checkpoint_error; // the checkpoint on interrupt could not be written
    // The output could not be written during the run. The HDF5 library cannot close such a
    // file, and its exit handler then crashes on it: the caller leaves with std::_Exit (and the
    // session must not be destroyed).
    std::optional<std::string> write_failure;
    bool task_not_scored = false;          // the duration ends before the task's stream
    std::optional<tasks::TaskResult> task; // scored (and stored in /task of the output)
    // Storing the task's figures or putting the output in place failed (exit status 1).
    std::optional<std::string> failure;

    int exit_status() const;
};

class RunSession {
public:
    // `comm`: the MPI ranks that build one network together (rank 0 checks and writes the
    // files); `mpi_serialized`: the MPI library allows more than one thread per rank.
    explicit RunSession(RunRequest request, Communicator comm = {}, bool mpi_serialized = true);
    RunSession(const RunSession&) = delete;
    RunSession& operator=(const RunSession&) = delete;

    std::optional<Refusal> prepare();
    std::optional<Refusal> build();
    RunReport execute(const ProgressFn& progress = {},
                      const std::atomic<bool>* interrupt = nullptr);

    // After prepare():
    const RunRequest& request() const { return request_; }
    const Experiment& experiment() const { return ex_; }
    const TaskSpec* task() const { return tasks::task_of(ex_); } // null: not a task run
    const RunFiles& files() const { return files_; }
    const ResourceEstimate& estimate() const { return need_; }
    bool resuming() const { return request_.resume.has_value(); }
    const Communicator& communicator() const { return comm_; }
    // After build():
    const Simulation& simulation() const { return *sim_; }
    const RunMetadata& metadata() const { return meta_; } // as the run starts
    // The recordings of an OutputMode::memory run.
    const MemoryBackend& recorded() const { return memory_; }

private:
    std::optional<Refusal> read_resume_checkpoint();
    std::optional<Refusal> load();
    std::optional<Refusal> check_files();
    std::optional<Refusal> restore_state();
    void set_up_checkpoints();
    void finish_task(RunReport& report);
    void put_in_place(RunReport& report);

    RunRequest request_;
    Communicator comm_;
    bool mpi_serialized_;
    std::optional<double> every_ms_, every_wall_ms_;
    std::optional<Checkpoint> resume_from_;
    std::string file_;       // the experiment's name in messages: given, or the checkpoint's
    ModelRegistry registry_; // the experiment's models point into it
    Experiment ex_;
    RunFiles files_;
    ResourceEstimate need_;
    RunIdentity identity_;

    std::optional<tasks::TaskStream> stream_;
    std::shared_ptr<tasks::StateAccumulator> states_;
    std::unique_ptr<Simulation> sim_;
    Checkpointer checkpointer_;
    CheckpointPolicy policy_;
    RunMetadata meta_;
    std::optional<SonataWriter> sonata_;
    DiscardBackend discard_;
    MemoryBackend memory_;
    RecordingBackend* writer_ = nullptr;
};

} // namespace gliasim::session
