// SPDX-License-Identifier: MIT
// gliasim run: the options -> a RunRequest -> the run session (session/run_session.hpp) -> what
// the run says on stdout and stderr.
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

#include "commands.hpp"
#include "interrupt.hpp"
#include "io/file_ownership.hpp"
#include "log.hpp"
#include "options.hpp"
#include "run_summary.hpp"
#include "session/preflight.hpp"
#include "session/run_session.hpp"

namespace gliasim::app {

namespace {

using session::RunReport;
using session::RunRequest;
using session::RunSession;

po::options_description run_options() {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(),
        "output HDF5 file (default: [output] file, or <experiment>.h5)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a key: --set simulation.duration=\"10 s\" (repeatable)")(
        "threads", po::value<int>(),
        "OpenMP threads (0 = all cores); overrides simulation.threads")(
        "seed", po::value<std::uint64_t>(), "random seed; overrides simulation.seed")(
        "overwrite", "replace the output (when the run completes), and a stale <output>.partial or "
                     "checkpoint, if they exist")(
        "ignore-resource-limits",
        "run even if the estimated memory or output size exceeds what the machine has")(
        "quiet,q", "print nothing but errors")(
        "checkpoint-every", po::value<std::string>(),
        "write a checkpoint every this much simulated time, e.g. \"10 s\"")(
        "checkpoint-every-wall", po::value<std::string>(),
        "write a checkpoint every this much wall-clock time, e.g. \"30 min\"")(
        "checkpoint", po::value<std::string>(),
        "checkpoint file (default: <output>.ckpt); SIGINT/SIGTERM write one too")(
        "resume", po::value<std::string>(),
        "continue the run saved in this checkpoint (FILE, if given, must be the same experiment)");
    return visible;
}

template <class T> std::optional<T> option(const po::variables_map& vm, const char* name) {
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<T>();
}

RunRequest request_from(const po::variables_map& vm) {
    RunRequest r;
    r.file = option<std::string>(vm, "file");
    if (vm.count("set")) r.overrides = vm["set"].as<std::vector<std::string>>();
    r.threads = option<int>(vm, "threads");
    r.seed = option<std::uint64_t>(vm, "seed");
    r.output = option<std::string>(vm, "output");
    r.checkpoint = option<std::string>(vm, "checkpoint");
    r.checkpoint_every = option<std::string>(vm, "checkpoint-every");
    r.checkpoint_every_wall = option<std::string>(vm, "checkpoint-every-wall");
    r.resume = option<std::string>(vm, "resume");
    r.overwrite = vm.count("overwrite") > 0;
    r.ignore_resource_limits = vm.count("ignore-resource-limits") > 0;
    return r;
}

// The task's figures, the curves' first 20 points.
void print_task(const Experiment& ex, const tasks::TaskResult& r) {
    fmt::print("task {}: ", tasks::task_of(ex)->kind);
    for (std::size_t i = 0; i < r.scalars.size(); ++i)
        fmt::print("{}{} {:.4g}", i ? ", " : "", r.scalars[i].first, r.scalars[i].second);
    fmt::print("\n");
    for (const auto& [name, values] : r.curves) {
        fmt::print("  {}:", name);
        for (std::size_t i = 0; i < values.size() && i < 20; ++i) fmt::print(" {:.3g}", values[i]);
        fmt::print("{}\n", values.size() > 20 ? " ..." : "");
    }
}

// A run that stopped before its end: why, where its output is, how to continue it. Every rank
// took the same decision: rank 0 says it.
int report_stop(const RunSession& s, const RunReport& report) {
    const auto& files = s.files();
    if (!s.communicator().root()) return report.exit_status();
    if (report.stats.end == RunEnd::numerical_fault) {
        log::error(s.experiment().source,
                   fmt::format("{}; stopped, {} holds the run up to t = {:g} ms (completed = 0)",
                               report.meta.stopped, files.partial, report.stopped_ms));
        return report.exit_status();
    }
    // Said even under --quiet: the command's status alone does not tell where the run is.
    log::line("{}: interrupted at t = {:g} ms of {:g} ms; this file holds the run up to then "
              "(completed = 0), {} is written when the run completes",
              files.partial, report.stopped_ms, report.meta.duration, files.output);
    // Replacing an existing output takes --overwrite again when the run is resumed.
    const bool replaces = s.request().overwrite && entry_kind(files.output) != "missing";
    if (!report.checkpoint_error.empty())
        log::error(files.output, report.checkpoint_error);
    else if (s.communicator().size() == 1)
        log::line("{}: checkpoint written; continue with: gliasim run --resume {}{}", files.output,
                  report.checkpoints.path, replaces ? " --overwrite" : "");
    return report.exit_status();
}

// A completed run: the summary, its checkpoints, the task's figures, and what went wrong after.
int report_completion(const RunSession& s, const RunReport& report, bool quiet) {
    const Experiment& ex = s.experiment();
    if (!quiet) {
        print_summary(ex, s.simulation(), report.stats, report.branching, report.meta,
                      s.files().output);
        const auto& c = report.checkpoints;
        if (c.count > 0)
            fmt::print("checkpoints: {} written to {} ({}, {:.3f} s in all; removed now that the "
                       "run is complete)\n",
                       c.count, c.path, session::format_bytes(static_cast<double>(c.last_bytes)),
                       c.seconds);
    }
    if (report.task_not_scored && !quiet)
        fmt::print("task not scored: simulation.duration ({:g} ms) ends before the task's "
                   "stream (leave duration out to run the whole stream)\n",
                   ex.network.duration);
    if (report.task && !quiet) print_task(ex, *report.task);
    if (report.failure) log::error_line(*report.failure);
    return report.exit_status();
}

} // namespace

int cmd_run(const std::vector<std::string>& args) {
    const po::options_description visible = run_options();
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(), "experiment file");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    // Under mpirun every rank runs this command: the ranks build one network together, and
    // rank 0 alone prints and writes the output (docs/cluster.md).
    const MpiSession mpi;
    auto vm = parse_options(args, visible, pos, hidden,
                            "usage: gliasim run FILE [-o OUT.h5] [--set key=value]... "
                            "[--threads N] [--seed S] [--overwrite] [--quiet] "
                            "[--checkpoint-every T] [--checkpoint-every-wall T]\n"
                            "       gliasim run --resume OUT.h5.ckpt [FILE] [--checkpoint-every T]",
                            code);
    if (!vm) return code;
    RunSession s(request_from(*vm), Communicator::world(), mpi.serialized());
    const bool quiet = vm->count("quiet") > 0 || !s.communicator().root();
    // From here on SIGINT/SIGTERM stop the run cleanly (during the build: before its first
    // slice).
    const InterruptGuard interrupt;
    auto refused = s.prepare();
    if (!refused) {
        const auto& need = s.estimate();
        if (!quiet)
            fmt::print("estimated: {:.3g} synapses, network memory {}, output up to {}\n",
                       need.synapses, session::format_bytes(need.memory_bytes),
                       session::format_bytes(need.output_bytes));
        refused = s.build();
    }
    if (refused) {
        if (!refused->message.empty()) log::error_line(refused->message);
        return refused->exit_status;
    }
    if (s.resuming() && !quiet)
        fmt::print("resuming at t = {:g} ms from {}\n",
                   static_cast<double>(s.simulation().start_step()) * s.experiment().network.dt,
                   *s.request().resume);
    Progress progress(s.metadata().duration, !quiet);
    const RunReport report =
        s.execute([&](double ms, double wall) { progress(ms, wall); }, interrupt.flag());
    progress.finish();
    if (report.write_failure) {
        log::error_line(*report.write_failure);
        // After a failed write HDF5 1.10 cannot close the file, and its exit handler then
        // crashes on it: leave without running it (nothing else is pending).
        std::fflush(nullptr);
        std::_Exit(kExitFailure);
    }
    if (report.stats.end != RunEnd::completed) return report_stop(s, report);
    return report_completion(s, report, quiet);
}

} // namespace gliasim::app
