// SPDX-License-Identifier: MIT
// RunSession::prepare: from the request to a validated experiment and the run's files, checked
// before anything is built or written. Each refusal is the line gliasim run prints.
#include <fmt/format.h>
#include <omp.h>

#include "core/units.hpp"
#include "io/checkpoint_file.hpp"
#include "models/builtin.hpp"
#include "session/exit_status.hpp"
#include "session/preflight.hpp"
#include "session/run_session.hpp"
#include "session/task_estimate.hpp"

namespace gliasim::session {

namespace {

Refusal usage(std::string message) {
    return Refusal{kExitUsage, std::move(message), {}};
}

// "10 s" -> milliseconds, for the checkpoint intervals.
std::optional<Refusal> parse_interval(const std::string& option,
                                      const std::optional<std::string>& text,
                                      std::optional<double>& ms) {
    if (!text) return std::nullopt;
    std::string error;
    const auto q = parse_quantity(*text, &error);
    if (!q || q->dim != Dim::time || !(q->value > 0))
        return usage(fmt::format("error: --{} '{}': expected a positive time such as \"10 s\"{}",
                                 option, *text, error.empty() ? "" : " (" + error + ")"));
    ms = q->value;
    return std::nullopt;
}

// Every check on the run's files before anything is built (rank 0): one role per file, the
// machine's limits, what already exists, and on --resume that the partial file is the
// checkpoint's run's. Returns the one-line refusal.
std::optional<std::string> check_run_files(const RunFiles& files, const ResourceEstimate& need,
                                           bool overwrite, bool ignore_limits,
                                           const RunIdentity* resumed) {
    if (auto e = check_distinct_files(files)) return e;
    if (resumed)
        if (auto e = check_resume_identity(files.partial, files.resume, *resumed)) return e;
    if (auto e = check_existing_files(files, overwrite)) return e;
    return check_before_run(files.output, need, {overwrite, ignore_limits});
}

} // namespace

RunSession::RunSession(RunRequest request, Communicator comm, bool mpi_serialized)
    : request_(std::move(request)), comm_(comm), mpi_serialized_(mpi_serialized),
      registry_(models::builtin_registry()) {}

std::optional<Refusal> RunSession::prepare() {
    const bool distributed = comm_.size() > 1;
    if (distributed && (resuming() || request_.checkpoint_every || request_.checkpoint_every_wall))
        return usage("error: checkpoints (--checkpoint-every, --checkpoint-every-wall, "
                     "--resume) are not supported over several MPI ranks yet");
    if (!request_.file && !resuming())
        return usage("error: no experiment file given (gliasim run FILE, or gliasim run "
                     "--resume CHECKPOINT)");
    if (auto r = parse_interval("checkpoint-every", request_.checkpoint_every, every_ms_)) return r;
    if (auto r =
            parse_interval("checkpoint-every-wall", request_.checkpoint_every_wall, every_wall_ms_))
        return r;
    if (auto r = read_resume_checkpoint()) return r;
    if (auto r = load()) return r;
    if (distributed && task())
        return usage(fmt::format(
            "{}: error: task runs are not supported over several MPI ranks yet", file_));
    if (distributed && ex_.network.threads > 1 && !mpi_serialized_)
        return usage("error: this MPI library does not support MPI_THREAD_SERIALIZED; run one "
                     "thread per rank (--threads 1)");
    if (request_.output_mode == OutputMode::memory) return std::nullopt;
    return check_files();
}

std::optional<Refusal> RunSession::read_resume_checkpoint() {
    if (!resuming()) return std::nullopt;
    try {
        resume_from_ = read_checkpoint(*request_.resume);
    } catch (const std::exception& e) {
        return Refusal{kExitUsage, fmt::format("error: cannot resume: {}", e.what()), e.what()};
    }
    if (request_.threads &&
        static_cast<std::uint32_t>(*request_.threads) != resume_from_->header.threads)
        return usage(fmt::format(
            "{}: error: the checkpoint was written by a run on {} threads; a resumed run keeps "
            "that number (leave --threads out)",
            *request_.resume, resume_from_->header.threads));
    return std::nullopt;
}

// The experiment, with the request's overrides; on --resume the checkpoint's, resolved the same
// way, or nothing.
std::optional<Refusal> RunSession::load() {
    file_ = request_.file ? *request_.file : resume_from_->header.experiment_file;
    std::vector<std::string> overrides = request_.overrides;
    if (request_.threads && !resuming())
        overrides.push_back(fmt::format("simulation.threads={}", *request_.threads));
    if (request_.seed) overrides.push_back(fmt::format("simulation.seed={}", *request_.seed));
    try {
        if (resuming() && !request_.file)
            ex_ = parse_experiment(resume_from_->header.experiment_toml,
                                   resume_from_->header.experiment_file, overrides, registry_);
        else
            ex_ = load_experiment(file_, overrides, registry_);
    } catch (const InputError& e) {
        return Refusal{kExitUsage, e.what(), e.what()};
    }
    if (resuming()) {
        if (experiment_hash(ex_.resolved_toml) != resume_from_->header.experiment_hash)
            return usage(fmt::format(
                "{}: error: the checkpoint {} was written by another experiment (its resolved "
                "text differs: other values, --set or --seed); resume with the same file and "
                "options, or leave FILE out to use the checkpoint's own",
                file_, *request_.resume));
        ex_.network.threads = resume_from_->header.threads;
    }
    if (TaskSpec* task = tasks::task_of(ex_); task && request_.whole_task_stream) {
        ex_.network.duration = std::max(ex_.network.duration, tasks::stream_ms(*task));
        task->complete = true;
    }
    if (ex_.network.threads == 0) ex_.network.threads = omp_get_num_procs();
    return std::nullopt;
}

// The run's files and the machine's limits. Rank 0 writes the output: it checks, and every
// rank follows its decision.
std::optional<Refusal> RunSession::check_files() {
    // A checkpoint's output is relative to the checkpoint's folder, not to the current one.
    files_.output = request_.output ? *request_.output
                    : resuming()
                        ? output_from_checkpoint(resume_from_->header.output, *request_.resume)
                        : ex_.output_file;
    files_.partial = partial_path_of(files_.output);
    files_.checkpoint = request_.checkpoint              ? *request_.checkpoint
                        : resuming() && !request_.output ? *request_.resume
                                                         : files_.output + ".ckpt";
    files_.checkpoint_tmp = files_.checkpoint + ".tmp";
    files_.experiment = request_.file.value_or("");
    files_.resume = request_.resume.value_or("");
    need_ = estimate_resources(ex_.network);
    need_.memory_bytes += estimate_task_memory(ex_.network, tasks::task_of(ex_));
    // A resumed run keeps its run's id; a new run draws one.
    identity_ = RunIdentity{resuming() ? resume_from_->header.run_id : new_run_id(),
                            experiment_hash(ex_.resolved_toml), ex_.network.seed};
    std::optional<std::string> error;
    if (comm_.root()) {
        error = check_run_files(files_, need_, request_.overwrite, request_.ignore_resource_limits,
                                resuming() ? &identity_ : nullptr);
        if (!error) error = clear_for_writing(files_, request_.overwrite);
    }
    if (comm_.from_root(error.has_value())) return usage(error.value_or(""));
    return std::nullopt;
}

} // namespace gliasim::session
