// SPDX-License-Identifier: MIT
// The Slurm executor: a job array whose task i runs `gliasim sweep-task DIR i`; each task
// records its point in DIR/status/<id>.tsv, and --status merges those into the manifest.
#include <array>
#include <cerrno>
#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <sys/wait.h>

#include "sweep_executors.hpp"
#include "sweep_outputs.hpp"
#include "sweep_process.hpp"

namespace gliasim::sweep {

namespace {

// Runs a command through the shell; its standard output, and its exit status in `status`.
std::string capture(const std::string& command, int& status) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        status = -1;
        return out;
    }
    std::array<char, 4096> buf;
    while (const std::size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    const int st = pclose(pipe);
    status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

std::vector<std::size_t> parse_ranges(const std::string& text) {
    std::vector<std::size_t> out;
    std::stringstream ss(text);
    for (std::string part; std::getline(ss, part, ',');) {
        part = part.substr(0, part.find('%')); // "0-9%2": a throttle
        const auto dash = part.find('-');
        try {
            const std::size_t a = std::stoul(part.substr(0, dash));
            const std::size_t b = dash == std::string::npos ? a : std::stoul(part.substr(dash + 1));
            for (std::size_t i = a; i <= b; ++i) out.push_back(i);
        } catch (const std::exception&) {
        }
    }
    return out;
}

// Array task states of job `job` by index: `scontrol show job` (finished tasks stay visible for
// MinJobAge), else `sacct` where accounting is configured.
std::map<std::size_t, std::string> slurm_states(const std::string& job, std::string& source) {
    std::map<std::size_t, std::string> states;
    int status = 0;
    const std::string text =
        capture("scontrol show job " + shell_quote(job) + " 2>/dev/null", status);
    if (status == 0) {
        source = "scontrol show job";
        const std::regex task(R"(ArrayTaskId=(\S+))"), state(R"(JobState=(\S+))");
        std::stringstream ss(text);
        std::string record, line;
        auto flush = [&] {
            std::smatch t, s;
            if (std::regex_search(record, t, task) && std::regex_search(record, s, state))
                for (auto i : parse_ranges(t[1])) states[i] = s[1];
            record.clear();
        };
        while (std::getline(ss, line)) {
            if (line.find_first_not_of(" \t") == std::string::npos)
                flush();
            else
                record += line + "\n";
        }
        flush();
        return states;
    }
    const std::string acct =
        capture("sacct -n -P -X -j " + shell_quote(job) + " -o JobID,State 2>/dev/null", status);
    if (status == 0) {
        source = "sacct";
        const std::regex row(R"((\d+)_(\d+)\|(\S+))");
        std::stringstream ss(acct);
        for (std::string line; std::getline(ss, line);) {
            std::smatch m;
            if (std::regex_search(line, m, row)) states[std::stoul(m[2])] = m[3];
        }
    }
    return states;
}

// The job id `sbatch --parsable` gave (digits), never read through a link; empty when there is
// none or the file holds anything else.
std::string read_job_id(const fs::path& dir) {
    std::optional<std::string> text;
    try {
        text = read_folder_file(dir / "slurm_job_id", 1024);
    } catch (const SweepFolderError&) {
        return {};
    }
    if (!text) return {};
    const std::string id = text->substr(0, text->find('\n'));
    return !id.empty() && id.find_first_not_of("0123456789_") == std::string::npos ? id : "";
}

} // namespace

int submit_slurm(SweepPlan& plan, const SlurmResources& res, const std::string& exe, bool submit) {
    std::vector<std::size_t> indices;
    for (const auto& r : plan.records)
        if (r.status == "pending") indices.push_back(r.index);
    if (indices.empty()) {
        if (submit) write_manifest(plan.dir, plan.records);
        fmt::print("nothing to submit: every point is done or invalid (manifest {})\n",
                   (plan.dir / "manifest.tsv").string());
        return plan.invalid ? 1 : 0;
    }
    const fs::path dir = sweep_folder_absolute(plan.dir);
    const std::string script =
        batch_script({fs::path(plan.spec.source).stem().string(), indices, dir.string(), exe, res});
    if (!submit) {
        fmt::print("{}", script);
        return 0;
    }
    for (const auto& r : plan.records)
        if (r.status == "pending")
            fs::remove(plan.dir / "status" / (r.id + ".tsv")); // a stale record
    write_manifest(plan.dir, plan.records);
    const fs::path script_path = dir / "sweep.sbatch";
    write_file_atomically(script_path, script);
    int status = 0;
    const std::string out =
        capture("sbatch --parsable " + shell_quote(script_path.string()), status);
    const std::string job = out.substr(0, out.find_first_of(";\n"));
    const bool job_id_ok = !job.empty() && job.size() < 64 &&
                           job.find_first_not_of("0123456789_") == std::string::npos;
    if (status != 0 || !job_id_ok) {
        fmt::print(stderr,
                   "gliasim sweep: error: sbatch failed (exit {}) for {}; is Slurm installed and "
                   "SLURM_CONF set?\n",
                   status, script_path.string());
        return 1;
    }
    write_file_atomically(dir / "slurm_job_id", job + "\n");
    fmt::print(
        "submitted job array {} ({} points: {}); follow it with: gliasim sweep --status {}\n", job,
        indices.size(), array_ranges(indices), plan.dir.string());
    return 0;
}

int print_status(const fs::path& dir) {
    auto records = current_records(dir);
    const std::string job = read_job_id(dir);
    // Without the lock a local sweep is running and owns the manifest; with it, "running"
    // records of a local sweep are left over from one that was stopped.
    const bool owner = try_lock_sweep_directory(dir);
    if (owner && job.empty())
        for (auto& r : records)
            if (r.status == "running") {
                r.status = "pending";
                r.error = "interrupted: the sweep stopped before this point finished; rerun it";
            }
    std::map<std::size_t, std::string> states;
    std::string source;
    bool unsettled = false;
    for (const auto& r : records) unsettled |= r.status == "pending" || r.status == "running";
    if (!job.empty() && unsettled) states = slurm_states(job, source);
    std::map<std::string, int> counts;
    fmt::print("{:<16} {:<8} {:>4} {:>9}  {}\n", "id", "status", "exit", "wall [s]", "detail");
    for (auto& r : records) {
        std::string detail = r.error;
        if (const auto s = states.find(r.index);
            s != states.end() && (r.status == "pending" || r.status == "running")) {
            const std::string& st = s->second;
            if (st == "RUNNING")
                r.status = "running";
            else if (st != "PENDING" && st != "COMPLETING" && st != "CONFIGURING") {
                // The task ended without leaving a record (killed, timed out, failed to start).
                r.status = "failed";
                r.error = detail =
                    fmt::format("slurm job {}_{} ended {} without a record", job, r.index, st);
            }
            if (detail.empty()) detail = "slurm: " + st;
        }
        ++counts[r.status];
        fmt::print("{:<16} {:<8} {:>4} {:>9}  {}\n", r.id, r.status,
                   r.exit_code < 0 ? "-" : std::to_string(r.exit_code),
                   std::isnan(r.wall_s) ? "-" : fmt::format("{:.2f}", r.wall_s), detail);
    }
    if (owner) write_manifest(dir, records);
    fmt::print("{} points: {} done, {} running, {} pending, {} failed{}{}\n", records.size(),
               counts["done"], counts["running"], counts["pending"], counts["failed"],
               job.empty() ? ""
                           : fmt::format(" (Slurm job {}{})", job,
                                         source.empty() ? "" : ", states from " + source),
               owner ? "" : " (a gliasim sweep is running in this directory)");
    return counts["failed"] > 0 ? 1 : 0;
}

int run_sweep_task(const fs::path& dir, std::size_t index) {
    const auto records = read_manifest(dir);
    if (!records) throw std::runtime_error(fmt::format("{}: no manifest.tsv", dir.string()));
    if (index >= records->size())
        throw std::runtime_error(fmt::format("{}: no point {} (the sweep has {})", dir.string(),
                                             index, records->size()));
    PointRecord r = (*records)[index];
    const std::string exe = self_executable();
    r.status = "running", r.exit_code = -1, r.wall_s = std::nan(""), r.error.clear();
    write_status_file(dir, r);
    const auto t0 = SweepClock::now();
    const pid_t pid = start_point(exe, dir, r);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    finish_point(dir, r, status, seconds_since(t0));
    write_status_file(dir, r);
    return r.status == "done" ? 0 : (r.exit_code > 0 ? r.exit_code : 1);
}

} // namespace gliasim::sweep
