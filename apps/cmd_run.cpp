// SPDX-License-Identifier: MIT
// gliasim run: experiment file -> validated spec -> network -> simulation -> SONATA file.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <omp.h>
#include <optional>
#include <unistd.h>

#include "commands.hpp"
#include "core/resource_estimate.hpp"
#include "core/simulation.hpp"
#include "core/units.hpp"
#include "interrupt.hpp"
#include "io/checkpoint_file.hpp"
#include "io/experiment.hpp"
#include "io/figures_output.hpp"
#include "io/file_ownership.hpp"
#include "io/sonata_writer.hpp"
#include "models/builtin.hpp"
#include "options.hpp"
#include "output_paths.hpp"
#include "preflight.hpp"
#include "process_info.hpp"
#include "run_summary.hpp"
#include "tasks/runner.hpp"

namespace gliasim::app {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Reads the readout populations' states, trains and scores the readout, prints the figures and
// stores them in /task of the result file.
int finish_task(const Experiment& ex, tasks::StateAccumulator& states,
                const tasks::TaskStream& stream, const RunStats& stats, const std::string& out,
                bool quiet) {
    const tasks::TaskResult r = tasks::finish(states, ex.task, stream, stats);
    const std::string& kind = ex.task.kind;
    try {
        write_figures(out, "/task", {{"kind", kind}}, r.scalars, r.curves);
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: error: could not store the task's figures: {}\n", out, e.what());
        return kExitFailure;
    }
    if (quiet) return kExitOk;
    fmt::print("task {}: ", kind);
    for (std::size_t i = 0; i < r.scalars.size(); ++i)
        fmt::print("{}{} {:.4g}", i ? ", " : "", r.scalars[i].first, r.scalars[i].second);
    fmt::print("\n");
    for (const auto& [name, values] : r.curves) {
        fmt::print("  {}:", name);
        for (std::size_t i = 0; i < values.size() && i < 20; ++i) fmt::print(" {:.3g}", values[i]);
        fmt::print("{}\n", values.size() > 20 ? " ..." : "");
    }
    return kExitOk;
}

// "10 s" -> milliseconds, for the checkpoint intervals; nullopt (with a message) if not a time.
std::optional<double> parse_interval(const std::string& option, const std::string& text) {
    std::string error;
    const auto q = parse_quantity(text, &error);
    if (!q || q->dim != Dim::time || !(q->value > 0)) {
        fmt::print(stderr, "error: --{} '{}': expected a positive time such as \"10 s\"{}\n",
                   option, text, error.empty() ? "" : " (" + error + ")");
        return std::nullopt;
    }
    return q->value;
}

// Checkpoints of one run: where they go, what their header says, and what they cost.
struct Checkpointer {
    std::string path;
    CheckpointHeader header;
    int written = 0;
    std::optional<WrittenFile> mine; // the file last written, to remove it at the end
    std::uint64_t last_bytes = 0;
    double seconds = 0;
    tasks::StateAccumulator* task_states = nullptr; // a task run's readout, saved under task/

    void write(Simulation& sim, const RecordingBackend& backend, step_t step) {
        const auto t0 = Clock::now();
        CheckpointArrays arrays;
        sim.save_state(arrays);
        auto a = StateArchive::saving_to(arrays);
        {
            const auto s = a.scope("output");
            backend.save_position(a);
        }
        if (task_states) {
            const auto s = a.scope("task");
            task_states->archive(a);
        }
        header.step = step;
        header.time_ms = static_cast<double>(step) * sim.network().spec().dt;
        last_bytes = write_checkpoint(path, header, arrays);
        mine = written_file_at(path);
        ++written;
        seconds += seconds_since(t0);
    }
};

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

// The completed run's file replaces the output (only with --overwrite if one exists), and
// the run's checkpoint, which would only repeat its end, goes if it is still the one written.
int put_in_place(const RunFiles& files, bool overwrite, const std::string& checkpoint,
                 const std::optional<WrittenFile>& checkpoint_written) {
    try {
        publish_file(files.partial, files.output, overwrite);
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: error: the run completed but cannot be put in place: {}\n",
                   files.output, e.what());
        return kExitFailure;
    }
    if (checkpoint_written) remove_if_same(checkpoint, *checkpoint_written);
    return kExitOk;
}

} // namespace

int cmd_run(const std::vector<std::string>& args) {
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
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(), "experiment file");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    // Under mpirun every rank runs this command: the ranks build one network together, and
    // rank 0 alone prints and writes the output (docs/cluster.md).
    const MpiSession mpi;
    Communicator comm = Communicator::world();
    const bool distributed = comm.size() > 1;
    auto vm = parse_options(args, visible, pos, hidden,
                            "usage: gliasim run FILE [-o OUT.h5] [--set key=value]... "
                            "[--threads N] [--seed S] [--overwrite] [--quiet] "
                            "[--checkpoint-every T] [--checkpoint-every-wall T]\n"
                            "       gliasim run --resume OUT.h5.ckpt [FILE] [--checkpoint-every T]",
                            code);
    if (!vm) return code;

    const bool resuming = vm->count("resume") > 0;
    if (distributed &&
        (resuming || vm->count("checkpoint-every") || vm->count("checkpoint-every-wall"))) {
        fmt::print(stderr, "error: checkpoints (--checkpoint-every, --checkpoint-every-wall, "
                           "--resume) are not supported over several MPI ranks yet\n");
        return kExitUsage;
    }
    if (!vm->count("file") && !resuming) {
        fmt::print(stderr, "error: no experiment file given (gliasim run FILE, or gliasim run "
                           "--resume CHECKPOINT)\n");
        return kExitUsage;
    }
    std::optional<double> every_ms, every_wall_ms;
    if (vm->count("checkpoint-every") &&
        !(every_ms =
              parse_interval("checkpoint-every", (*vm)["checkpoint-every"].as<std::string>())))
        return kExitUsage;
    if (vm->count("checkpoint-every-wall") &&
        !(every_wall_ms = parse_interval("checkpoint-every-wall",
                                         (*vm)["checkpoint-every-wall"].as<std::string>())))
        return kExitUsage;
    const bool overwrite = vm->count("overwrite") > 0;
    std::optional<Checkpoint> resume_from;
    const std::string resume_path = resuming ? (*vm)["resume"].as<std::string>() : "";
    if (resuming) {
        const std::string& path = resume_path;
        try {
            resume_from = read_checkpoint(path);
        } catch (const std::exception& e) {
            fmt::print(stderr, "error: cannot resume: {}\n", e.what());
            return kExitUsage;
        }
        if (vm->count("threads") &&
            static_cast<std::uint32_t>((*vm)["threads"].as<int>()) != resume_from->header.threads) {
            fmt::print(stderr,
                       "{}: error: the checkpoint was written by a run on {} threads; a resumed "
                       "run keeps that number (leave --threads out)\n",
                       path, resume_from->header.threads);
            return kExitUsage;
        }
    }
    const std::string file =
        vm->count("file") ? (*vm)["file"].as<std::string>() : resume_from->header.experiment_file;
    std::vector<std::string> overrides;
    if (vm->count("set")) overrides = (*vm)["set"].as<std::vector<std::string>>();
    if (vm->count("threads") && !resuming)
        overrides.push_back(fmt::format("simulation.threads={}", (*vm)["threads"].as<int>()));
    if (vm->count("seed"))
        overrides.push_back(fmt::format("simulation.seed={}", (*vm)["seed"].as<std::uint64_t>()));
    const bool quiet = vm->count("quiet") > 0 || !comm.root();
    // From here on SIGINT/SIGTERM stop the run cleanly (during the build: before its first
    // slice).
    const InterruptGuard interrupt;

    const ModelRegistry registry = models::builtin_registry();
    Experiment ex;
    try {
        if (resuming && !vm->count("file"))
            ex = parse_experiment(resume_from->header.experiment_toml,
                                  resume_from->header.experiment_file, overrides, registry);
        else
            ex = load_experiment(file, overrides, registry);
    } catch (const InputError& e) {
        fmt::print(stderr, "{}\n", e.what());
        return kExitUsage;
    }
    if (resuming) {
        // The same experiment, resolved the same way (overrides included), or nothing.
        if (experiment_hash(ex.resolved_toml) != resume_from->header.experiment_hash) {
            fmt::print(stderr,
                       "{}: error: the checkpoint {} was written by another experiment (its "
                       "resolved text differs: other values, --set or --seed); resume with the "
                       "same file and options, or leave FILE out to use the checkpoint's own\n",
                       file, (*vm)["resume"].as<std::string>());
            return kExitUsage;
        }
        ex.network.threads = resume_from->header.threads;
    }
    if (ex.network.threads == 0) ex.network.threads = omp_get_num_procs();
    if (distributed && ex.task.enabled) {
        fmt::print(stderr, "{}: error: task runs are not supported over several MPI ranks yet\n",
                   file);
        return kExitUsage;
    }
    if (distributed && ex.network.threads > 1 && !mpi.serialized()) {
        fmt::print(stderr,
                   "error: this MPI library does not support MPI_THREAD_SERIALIZED; run one "
                   "thread per rank (--threads 1)\n");
        return kExitUsage;
    }
    // A checkpoint's output is relative to the checkpoint's folder, not to the current one.
    const std::string out = vm->count("output") ? (*vm)["output"].as<std::string>()
                            : resuming
                                ? output_from_checkpoint(resume_from->header.output, resume_path)
                                : ex.output_file;
    RunFiles files;
    files.output = out;
    files.partial = partial_path_of(out);
    files.checkpoint = vm->count("checkpoint")            ? (*vm)["checkpoint"].as<std::string>()
                       : resuming && !vm->count("output") ? resume_path
                                                          : out + ".ckpt";
    files.checkpoint_tmp = files.checkpoint + ".tmp";
    if (vm->count("file")) files.experiment = file;
    files.resume = resume_path;
    // Over several ranks the state is spread out; checkpoints are refused above.
    const bool can_checkpoint = !distributed;
    // Fail before building anything if the output cannot be written or the run cannot fit.
    const ResourceEstimate need = estimate_resources(ex.network);
    // A resumed run keeps its run's id; a new run draws one.
    const RunIdentity identity{resuming ? resume_from->header.run_id : new_run_id(),
                               experiment_hash(ex.resolved_toml), ex.network.seed};
    // Rank 0 writes the output: it checks, and every rank follows its decision.
    bool refused = false;
    if (comm.root()) {
        auto error =
            check_run_files(files, need, overwrite, vm->count("ignore-resource-limits") > 0,
                            resuming ? &identity : nullptr);
        if (!error) error = clear_for_writing(files, overwrite);
        if (error) {
            fmt::print(stderr, "{}\n", *error);
            refused = true;
        }
    }
    if (comm.from_root(refused)) return kExitUsage;
    if (!quiet)
        fmt::print("estimated: {:.3g} synapses, network memory {}, output up to {}\n",
                   need.synapses, format_bytes(need.memory_bytes), format_bytes(need.output_bytes));

    const auto t_build = Clock::now();
    // A task run: the input population presents the task's stream, and the readout
    // populations' spikes stream into the readout's item states as the run goes.
    std::optional<tasks::TaskStream> stream;
    if (ex.task.enabled) {
        stream = tasks::make_stream(ex.task, ex.network.populations[ex.task.input].size,
                                    ex.network.populations[ex.task.teacher].size);
        tasks::attach_stream(ex.network, ex.task, *stream);
    }
    std::unique_ptr<Simulation> sim;
    std::shared_ptr<tasks::StateAccumulator> states;
    try {
        sim = std::make_unique<Simulation>(ex.network, comm);
        if (ex.task.enabled) states = tasks::stream_readout(*sim, ex.task);
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: error while building the network: {}\n", file, e.what());
        return kExitUsage;
    }
    if (resuming) {
        try {
            sim->restore_state(resume_from->arrays);
            if (states) {
                auto a = StateArchive::loading_from(resume_from->arrays);
                const auto s = a.scope("task");
                states->archive(a);
            }
        } catch (const CheckpointMismatch& e) {
            fmt::print(stderr, "{}: error: the checkpoint does not fit the network: {}\n",
                       (*vm)["resume"].as<std::string>(), e.what());
            return kExitUsage;
        }
    }
    Checkpointer checkpointer;
    checkpointer.path = files.checkpoint;
    // The checkpoint resumed from is this run's own: removed at the end like one it wrote.
    if (resuming && file_key(files.checkpoint) == file_key(resume_path))
        checkpointer.mine = written_file_at(files.checkpoint);
    checkpointer.header.gliasim_version = version_string();
    checkpointer.header.experiment_toml = ex.resolved_toml;
    checkpointer.header.experiment_file = ex.source;
    checkpointer.header.experiment_hash = experiment_hash(ex.resolved_toml);
    checkpointer.header.output = output_as_stored(out, files.checkpoint);
    checkpointer.header.threads = static_cast<std::uint32_t>(ex.network.threads);
    checkpointer.header.run_id = identity.run_id;
    checkpointer.task_states = states.get();
    RunMetadata meta;
    meta.experiment_toml = ex.resolved_toml;
    meta.experiment_file = ex.source;
    meta.seed = ex.network.seed;
    meta.version = version_string();
    meta.threads = ex.network.threads;
    meta.ranks = comm.size();
    meta.dt = ex.network.dt;
    meta.duration = static_cast<double>(sim->total_steps()) * ex.network.dt;
    // Each rank holds its targets' synapses: the network's are the sums over the ranks.
    std::uint64_t synapse_counts[] = {sim->network().synapses(), sim->network().synapse_bytes(),
                                      sim->network().plastic_synapses(),
                                      sim->network().plastic_synapse_bytes()};
    comm.sum(synapse_counts);
    meta.synapses = synapse_counts[0];
    meta.bytes_per_synapse =
        meta.synapses ? static_cast<double>(synapse_counts[1]) / static_cast<double>(meta.synapses)
                      : 0;
    meta.wall_build = seconds_since(t_build);
    if (const auto plastic = synapse_counts[2]) {
        meta.figures.emplace_back("plastic_synapses", static_cast<double>(plastic));
        meta.figures.emplace_back("bytes_per_plastic_synapse",
                                  static_cast<double>(synapse_counts[3]) /
                                      static_cast<double>(plastic));
    }

    std::optional<SonataWriter> sonata;
    DiscardBackend discard;
    // The run is written to the partial file, renamed over the output once it completes.
    RecordingBackend& writer =
        comm.root() ? static_cast<RecordingBackend&>(sonata.emplace(
                          files.partial, meta,
                          WriterIdentity{identity.run_id, identity.experiment_hash, true}))
                    : discard;
    if (resuming) {
        try {
            auto a = StateArchive::loading_from(resume_from->arrays);
            const auto s = a.scope("output");
            writer.reopen(sim->layout(), a);
        } catch (const std::exception& e) {
            fmt::print(stderr, "{}: error: cannot continue the output: {}\n", files.partial,
                       e.what());
            return kExitUsage;
        }
        resume_from.reset(); // the arrays are in the network now
        if (!quiet)
            fmt::print("resuming at t = {:g} ms from {}\n",
                       static_cast<double>(sim->start_step()) * ex.network.dt,
                       (*vm)["resume"].as<std::string>());
    }
    CheckpointPolicy policy;
    if (every_ms) policy.every_steps = std::max<step_t>(1, std::llround(*every_ms / ex.network.dt));
    if (every_wall_ms) policy.every_wall_s = *every_wall_ms * 1e-3;
    policy.write = [&](step_t step) { checkpointer.write(*sim, writer, step); };
    Progress progress(meta.duration, !quiet);
    const double cpu_start = process_cpu_seconds();
    RunStats stats;
    {
        try {
            stats = sim->run(
                writer, [&](double ms, double s) { progress(ms, s); }, interrupt.flag(),
                every_ms || every_wall_ms ? &policy : nullptr);
            // Process CPU time of the loop, for comparisons on a busy machine (Brian 2's
            // standalone reports its loop in CPU time too, and writes its results after it):
            // without the recorders' flushes, which are reported apart, like the wall times.
            const double cpu_run = process_cpu_seconds() - cpu_start;
            meta.figures.emplace_back("cpu_simulate_s", cpu_run - stats.cpu_write);
            meta.figures.emplace_back("cpu_write_s", stats.cpu_write);
        } catch (const std::exception& e) {
            const int err = errno; // before anything else can change it
            progress.finish();
            fmt::print(stderr,
                       "{}: error while writing the output: {}; the run up to the last flush "
                       "stays in this file (completed = 0; it may not be readable: "
                       "docs/reliability.md)\n",
                       files.partial, write_failure_cause(e, err));
            // After a failed write HDF5 1.10 cannot close the file, and its exit handler then
            // crashes on it: leave without running it (nothing else is pending).
            std::fflush(nullptr);
            std::_Exit(kExitFailure);
        }
    }
    progress.finish();
    const double stopped_ms = static_cast<double>(stats.steps) * ex.network.dt;
    if (stats.end == RunEnd::numerical_fault)
        meta.stopped = stats.fault_message;
    else if (stats.end == RunEnd::interrupted)
        meta.stopped = fmt::format("interrupted by a signal at t = {:g} ms", stopped_ms);

    meta.wall_simulate = stats.wall_simulate;
    meta.wall_write = stats.wall_write;
    // A resumed run times only its own part.
    const double simulated_ms =
        static_cast<double>(sim->total_steps() - sim->start_step()) * ex.network.dt;
    meta.real_time_factor = simulated_ms > 0 ? stats.wall_simulate / (simulated_ms * 1e-3) : 0;
    meta.synaptic_events = static_cast<double>(stats.synaptic_events);
    meta.synaptic_events_per_s =
        stats.wall_simulate > 0
            ? static_cast<double>(stats.synaptic_events_here) / stats.wall_simulate
            : 0;
    meta.astrocyte_updates_per_s =
        stats.wall_simulate > 0 ? static_cast<double>(stats.slow_updates) / stats.wall_simulate : 0;
    step_t peak[] = {static_cast<step_t>(peak_memory_bytes())};
    comm.max(peak);
    meta.peak_memory_bytes = static_cast<std::uint64_t>(peak[0]);
    meta.wall_exchange = stats.wall_exchange;
    for (std::size_t k = 0; k < kPhases; ++k)
        meta.figures.emplace_back(fmt::format("phase_{}_s", kPhaseNames[k]),
                                  stats.phase_seconds[k]);
    meta.figures.emplace_back("phase_other_s", stats.phase_other);
    if (distributed)
        meta.figures.emplace_back("exchange_slices", static_cast<double>(stats.slices));
    if (stats.branching) {
        meta.figures.emplace_back("branching_factor", stats.branching->branching_factor);
        meta.figures.emplace_back("branching_factor_pooled", stats.branching->pooled);
        meta.figures.emplace_back("branching_spikes_counted",
                                  static_cast<double>(stats.branching->spikes_counted));
    }
    meta.completed = stats.end == RunEnd::completed;
    // Pre-emption: save where the run stopped, so that --resume continues it.
    std::string checkpoint_error;
    if (stats.end == RunEnd::interrupted && can_checkpoint) {
        try {
            checkpointer.write(*sim, writer, stats.steps);
        } catch (const std::exception& e) {
            checkpoint_error = e.what();
        }
    }
    if (checkpointer.written > 0) {
        meta.figures.emplace_back("checkpoints_written", checkpointer.written);
        meta.figures.emplace_back("checkpoint_bytes", static_cast<double>(checkpointer.last_bytes));
        meta.figures.emplace_back("checkpoint_write_s", checkpointer.seconds);
    }
    const auto t_close = Clock::now();
    writer.close(meta);
    meta.wall_write += seconds_since(t_close);
    // Every rank took the same decision: rank 0 says it.
    if (stats.end == RunEnd::numerical_fault) {
        if (comm.root())
            fmt::print(stderr,
                       "{}: error: {}; stopped, {} holds the run up to t = {:g} ms (completed = "
                       "0)\n",
                       ex.source, meta.stopped, files.partial, stopped_ms);
        return kExitFailure;
    }
    if (stats.end == RunEnd::interrupted) {
        if (!comm.root()) return kExitInterrupted;
        fmt::print(stderr,
                   "{}: interrupted at t = {:g} ms of {:g} ms; this file holds the run up to "
                   "then (completed = 0), {} is written when the run completes\n",
                   files.partial, stopped_ms, meta.duration, out);
        // Replacing an existing output takes --overwrite again when the run is resumed.
        const bool replaces = overwrite && entry_kind(out) != "missing";
        if (!checkpoint_error.empty())
            fmt::print(stderr, "{}: error: {}\n", out, checkpoint_error);
        else if (can_checkpoint)
            fmt::print(stderr, "{}: checkpoint written; continue with: gliasim run --resume {}{}\n",
                       out, checkpointer.path, replaces ? " --overwrite" : "");
        return kExitInterrupted;
    }
    if (!quiet) {
        print_summary(ex, *sim, stats, meta, out);
        if (checkpointer.written > 0)
            fmt::print("checkpoints: {} written to {} ({}, {:.3f} s in all; removed now that the "
                       "run is complete)\n",
                       checkpointer.written, checkpointer.path,
                       format_bytes(static_cast<double>(checkpointer.last_bytes)),
                       checkpointer.seconds);
    }
    int status = kExitOk;
    if (ex.task.enabled && !ex.task.complete) {
        if (!quiet)
            fmt::print("task not scored: simulation.duration ({:g} ms) ends before the task's "
                       "stream (leave duration out to run the whole stream)\n",
                       ex.network.duration);
    } else if (ex.task.enabled) {
        status = finish_task(ex, *states, *stream, stats, files.partial, quiet);
    }
    if (status != kExitOk || !comm.root()) return status;
    return put_in_place(files, overwrite, checkpointer.path, checkpointer.mine);
}

} // namespace gliasim::app
