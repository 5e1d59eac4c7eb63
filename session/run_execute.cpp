// SPDX-License-Identifier: MIT
// RunSession::execute: the run, a checkpoint where a signal stopped it, the metadata, and for a
// completed run the task's scoring and the output put in place.
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "io/figures_output.hpp"
#include "io/file_ownership.hpp"
#include "session/exit_status.hpp"
#include "session/process_info.hpp"
#include "session/run_metadata.hpp"
#include "session/run_session.hpp"

namespace gliasim::session {

namespace {

// Why a write failed, in words (class 9 of issue 16: not every failure is a full disk).
// `err` is errno as the exception was caught: HDF5 reports a failed write(2) without it.
std::string write_failure_cause(const std::exception& e, int err) {
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return "out of memory (std::bad_alloc): the run needs more memory than it could get";
    std::string cause = e.what();
    if (err == ENOSPC) cause += fmt::format(" (disk full: {})", std::strerror(err));
    if (err == EDQUOT) cause += fmt::format(" (disk quota exceeded: {})", std::strerror(err));
    if (err == EFBIG) cause += fmt::format(" (file size limit reached: {})", std::strerror(err));
    return cause;
}

} // namespace

int RunReport::exit_status() const {
    if (write_failure || failure || stats.end == RunEnd::numerical_fault) return kExitFailure;
    if (stats.end == RunEnd::interrupted) return kExitInterrupted;
    return kExitOk;
}

RunReport RunSession::execute(const ProgressFn& progress, const std::atomic<bool>* interrupt) {
    const bool to_file = request_.output_mode == OutputMode::file;
    RunReport report;
    report.meta = meta_;
    const double cpu_start = process_cpu_seconds();
    try {
        report.stats = sim_->run(*writer_, progress, interrupt,
                                 every_ms_ || every_wall_ms_ ? &policy_ : nullptr);
    } catch (const std::exception& e) {
        const int err = errno; // before anything else can change it
        if (!to_file) throw;
        report.write_failure = fmt::format(
            "{}: error while writing the output: {}; the run up to the last flush stays in this "
            "file (completed = 0; it may not be readable: docs/reliability.md)",
            files_.partial, write_failure_cause(e, err));
        return report;
    }
    const RunStats& stats = report.stats;
    report.branching = branching_of_run(*sim_, stats);
    record_run(report.meta, stats, report.branching, *sim_, ex_.network.dt, comm_,
               process_cpu_seconds() - cpu_start);
    report.stopped_ms = static_cast<double>(stats.steps) * ex_.network.dt;
    // Pre-emption: save where the run stopped, so that --resume continues it. Over several
    // ranks the state is spread out, and checkpoints are refused in prepare().
    if (stats.end == RunEnd::interrupted && to_file && comm_.size() == 1) {
        try {
            checkpointer_.write(*sim_, *writer_, stats.steps);
        } catch (const std::exception& e) {
            report.checkpoint_error = e.what();
        }
    }
    record_checkpoints(report.meta, checkpointer_);
    report.checkpoints = {checkpointer_.written, checkpointer_.path, checkpointer_.last_bytes,
                          checkpointer_.seconds};
    const auto t_close = std::chrono::steady_clock::now();
    writer_->close(report.meta);
    report.meta.wall_write +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t_close).count();
    // A run kept in memory is scored however it ended, as its caller reads the figures and no
    // file says otherwise; a file's run that stopped early leaves its output partial.
    if (stats.end != RunEnd::completed && to_file) return report;
    if (task() && !task()->complete)
        report.task_not_scored = true;
    else if (task())
        finish_task(report);
    if (!report.failure && to_file && comm_.root()) put_in_place(report);
    return report;
}

// Reads the readout populations' states, trains and scores the readout, and stores the figures
// in /task of the result file.
void RunSession::finish_task(RunReport& report) {
    tasks::TaskResult r = tasks::finish(*states_, *task(), *stream_, report.stats);
    if (request_.output_mode == OutputMode::file) {
        try {
            write_figures(files_.partial, "/task", {{"kind", task()->kind}}, r.scalars, r.curves);
        } catch (const std::exception& e) {
            report.failure = fmt::format("{}: error: could not store the task's figures: {}",
                                         files_.partial, e.what());
            return;
        }
    }
    report.task = std::move(r);
}

// The completed run's file replaces the output (only with --overwrite if one exists), and the
// run's checkpoint, which would only repeat its end, goes if it is still the one written.
void RunSession::put_in_place(RunReport& report) {
    try {
        publish_file(files_.partial, files_.output, request_.overwrite);
    } catch (const std::exception& e) {
        report.failure = fmt::format("{}: error: the run completed but cannot be put in place: {}",
                                     files_.output, e.what());
        return;
    }
    if (checkpointer_.mine) remove_if_same(checkpointer_.path, *checkpointer_.mine);
}

} // namespace gliasim::session
