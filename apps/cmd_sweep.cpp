// SPDX-License-Identifier: MIT
// gliasim sweep: an experiment file with a [sweep] table -> points -> a local process pool or a
// Slurm job array, with a manifest in DIR that makes an interrupted sweep resumable.
#include <fmt/format.h>
#include <unistd.h>

#include "commands.hpp"
#include "log.hpp"
#include "options.hpp"
#include "sweep_executors.hpp"
#include "sweep_process.hpp"

namespace gliasim::app {

using namespace gliasim::sweep; // the sweep library (sweep/)

namespace {

constexpr const char* kUsage =
    "usage: gliasim sweep FILE [-o DIR] [--local [-j N] | --slurm [--time T] [--mem M]\n"
    "                     [--cpus-per-task C] [--partition P] | --dry-run] [--set key=value]...\n"
    "                     [--overwrite]\n"
    "       gliasim sweep --status DIR\n\n"
    "Exit status: 0 every point done (or submitted), 1 some point failed, 2 invalid input.";

void print_dry_run(const SweepPlan& plan, const std::string& exe) {
    for (const auto& r : plan.records) {
        std::string params;
        for (const auto& p : r.parameters) params += fmt::format(" {}={}", p.key, p.value);
        fmt::print("{} {}:{}\n", r.id, r.status, params);
        if (r.status == "failed")
            fmt::print("  invalid: {}\n", r.error);
        else if (r.status == "pending")
            fmt::print("  {}\n", point_command(exe, plan.dir, r));
    }
    fmt::print("{} points: {} to run, {} already done, {} invalid (nothing was run)\n",
               plan.records.size(), plan.records.size() - plan.already_done - plan.invalid,
               plan.already_done, plan.invalid);
}

int print_summary(const SweepPlan& plan) {
    std::size_t done = 0, failed = 0;
    for (const auto& r : plan.records) {
        done += r.status == "done";
        failed += r.status == "failed";
        if (r.status == "failed") log::line("{}: failed: {}", r.id, r.error);
    }
    fmt::print("{} points: {} done ({} from an earlier run), {} failed; manifest {}\n",
               plan.records.size(), done, plan.already_done, failed,
               (plan.dir / "manifest.tsv").string());
    return failed ? kExitFailure : kExitOk;
}

// The Slurm resources of the options over those of [sweep.slurm], each option checked against
// the grammar of its #SBATCH line (the file's values were checked where they are written).
// Returns an error message, or an empty string.
std::string slurm_resources(const po::variables_map& vm, SlurmResources& res) {
    auto option = [&](const char* name, std::string& out,
                      std::string (*problem)(std::string_view)) -> std::string {
        if (!vm.count(name)) return {};
        out = vm[name].as<std::string>();
        const std::string why = problem(out);
        return why.empty() ? why : fmt::format("--{} '{}': {}", name, printable(out), why);
    };
    for (const auto& error : {option("time", res.time, slurm_time_problem),
                              option("mem", res.mem, slurm_memory_problem),
                              option("partition", res.partition, slurm_partition_problem)})
        if (!error.empty()) return error;
    if (vm.count("cpus-per-task")) {
        res.cpus_per_task = vm["cpus-per-task"].as<int>();
        if (res.cpus_per_task < 1)
            return fmt::format("--cpus-per-task {}: expected an integer >= 1", res.cpus_per_task);
    }
    return {};
}

int refuse(const std::string& message) {
    log::error("gliasim sweep", message);
    return kExitUsage;
}

po::options_description sweep_options() {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")(
        "output,o", po::value<std::string>(), "sweep directory (default: <experiment>_sweep)")(
        "local", "run the points here in a process pool (the default)")(
        "jobs,j", po::value<int>(), "points run at once by --local (default: the cores)")(
        "slurm", "submit the points as a Slurm job array (sbatch)")(
        "time", po::value<std::string>(), "Slurm time limit per point, e.g. 00:30:00")(
        "mem", po::value<std::string>(), "Slurm memory per point, e.g. 4G")(
        "cpus-per-task", po::value<int>(),
        "Slurm CPUs per point")("partition", po::value<std::string>(), "Slurm partition")(
        "dry-run", "print the points and their commands; run nothing, write nothing")(
        "status", "print every point's status in DIR (gliasim sweep --status DIR)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a key at every point: --set simulation.duration=\"1 s\"")(
        "quiet,q", "print nothing but errors and the summary")(
        "overwrite", "make DIR this file's sweep even if it holds the sweep of another file");
    return visible;
}

// An argument error: the line, then the usage.
int usage_error(const std::string& message) {
    log::error("", message);
    fmt::print(stderr, "\n{}\n", kUsage);
    return kExitUsage;
}

// gliasim sweep --status DIR (or the folder given as the file).
int sweep_status(const po::variables_map& vm) {
    const std::string dir = vm.count("output") ? vm["output"].as<std::string>()
                            : vm.count("file") ? vm["file"].as<std::string>()
                                               : "";
    if (dir.empty()) return usage_error("--status needs the sweep directory");
    try {
        return print_status(dir);
    } catch (const std::runtime_error& e) {
        return refuse(e.what()); // not a sweep folder gliasim wrote
    }
}

} // namespace

int cmd_sweep(const std::vector<std::string>& args) {
    const po::options_description visible = sweep_options();
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>(), "experiment file");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden, kUsage, code);
    if (!vm) return code;
    auto has = [&](const char* k) { return vm->count(k) > 0; };

    if (has("status")) return sweep_status(*vm);
    if (!has("file")) return usage_error("no experiment file");
    if (has("local") && has("slurm")) {
        log::error("", "choose one of --local and --slurm");
        return kExitUsage;
    }
    const std::string file = (*vm)["file"].as<std::string>();
    const fs::path dir = has("output") ? fs::path((*vm)["output"].as<std::string>())
                                       : fs::path(fs::path(file).stem().string() + "_sweep");
    int jobs = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
    if (has("jobs")) jobs = (*vm)["jobs"].as<int>();
    if (jobs < 1) {
        log::error("", fmt::format("-j needs at least 1, got {}", jobs));
        return kExitUsage;
    }
    std::vector<std::string> overrides;
    if (has("set")) overrides = (*vm)["set"].as<std::vector<std::string>>();

    const std::string exe = self_executable();
    SlurmResources cli_slurm;
    if (has("slurm")) {
        if (const auto error = slurm_resources(*vm, cli_slurm); !error.empty())
            return refuse(error);
        try { // the job name, the folder and the binary's path, before anything is written
            batch_script({fs::path(file).stem().string(),
                          {0},
                          sweep_folder_absolute(dir).string(),
                          exe,
                          {}});
        } catch (const BatchScriptError& e) {
            return refuse(e.what());
        }
    }
    SweepPlan plan;
    try {
        plan = plan_sweep(file, dir, overrides, !has("dry-run"), has("overwrite"));
    } catch (const InputError& e) {
        log::error_line(e.what());
        return kExitUsage;
    } catch (const SweepFolderError& e) {
        return refuse(e.what());
    }
    if (has("slurm")) {
        SlurmResources res = plan.spec.slurm;
        if (has("time")) res.time = cli_slurm.time;
        if (has("mem")) res.mem = cli_slurm.mem;
        if (has("cpus-per-task")) res.cpus_per_task = cli_slurm.cpus_per_task;
        if (has("partition")) res.partition = cli_slurm.partition;
        if (has("dry-run")) print_dry_run(plan, exe);
        try {
            return submit_slurm(plan, res, exe, !has("dry-run"));
        } catch (const BatchScriptError& e) {
            return refuse(e.what());
        } catch (const SweepFolderError& e) {
            return refuse(e.what());
        }
    }
    if (has("dry-run")) {
        print_dry_run(plan, exe);
        return kExitOk;
    }
    if (!has("quiet"))
        fmt::print("sweep {}: {} points, {} done earlier, {} invalid; running with -j {} in {}\n",
                   file, plan.records.size(), plan.already_done, plan.invalid, jobs, dir.string());
    try {
        run_local(plan, jobs, has("quiet"));
    } catch (const SweepFolderError& e) {
        return refuse(e.what());
    }
    return print_summary(plan);
}

int cmd_sweep_task(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        log::line("usage: gliasim sweep-task DIR INDEX (run inside a Slurm array task)");
        return kExitUsage;
    }
    std::size_t index = 0;
    try {
        index = std::stoul(args[1]);
    } catch (const std::exception&) {
        log::error("gliasim sweep-task", fmt::format("INDEX '{}' is not a number", args[1]));
        return kExitUsage;
    }
    try {
        return run_sweep_task(args[0], index);
    } catch (const SweepFolderError& e) {
        log::error("gliasim sweep-task", e.what());
        return kExitUsage;
    }
}

} // namespace gliasim::app
