// SPDX-License-Identifier: MIT
#include "sweep_plan.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/file.h>

#include "models/builtin.hpp"
#include "sweep_batch_script.hpp"
#include "sweep_outputs.hpp"
#include "tasks/experiment_file.hpp"

namespace gliasim::sweep {

namespace {

// An error in a point's value is reported where the value was written in the [sweep] table;
// the experiment parser names it "--set key" since it arrives as an override.
std::string point_error(const SweepSpec& spec, const SweepPoint& p, const InputError& e) {
    for (const auto& par : p.parameters)
        if (e.file() == "--set " + par.key || e.file() == "--set " + par.key + "=" + par.value)
            return fmt::format("{}:{}:{}: error: {}: {} (point {}: {} = {})", spec.source, par.line,
                               par.column, e.key(), e.message(), p.id, par.key, par.value);
    return fmt::format("{} (point {})", e.what(), p.id);
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A task reading a text file names it relative to the experiment file; the resolved copy
// lives elsewhere, so the path is made absolute.
std::vector<std::string> absolute_paths(const Experiment& ex) {
    std::vector<std::string> pinned;
    if (const TaskSpec* task = tasks::task_of(ex))
        for (const auto& [key, path] : task->file_keys)
            pinned.push_back(fmt::format("task.{}=\"{}\"", key, fs::absolute(path).string()));
    return pinned;
}

// Every file and folder gliasim writes in DIR, checked before anything is written there.
void refuse_links_in(const fs::path& dir, const SweepSpec& spec) {
    for (const char* name : {"points", "out", "logs", "status", "manifest.tsv", "sweep.lock",
                             "sweep.hash", "sweep.sbatch", "slurm_job_id"})
        refuse_symlink(dir / name);
    for (const auto& p : spec.points)
        for (const auto& f : {point_experiment_path(p.id), point_output_path(p.id),
                              point_log_path(p.id), "status/" + p.id + ".tsv"})
            refuse_symlink(dir / f);
}

std::string sweep_file_hash(const std::string& text) {
    std::uint64_t h = 0xcbf29ce484222325ull; // FNV-1a, 64 bits
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ull;
    }
    return fmt::format("{:016x}", h);
}

// A folder holds one sweep file's points: DIR/sweep.hash names the file that made it. Without
// one (a folder of an older gliasim) the manifest's swept keys must be this file's.
void refuse_other_sweep(const fs::path& dir, const SweepSpec& spec, const std::string& hash) {
    const auto stored = read_folder_file(dir / "sweep.hash", 64 * 1024);
    const std::string advice = "use another -o DIR, or --overwrite to make it this file's sweep";
    if (stored) {
        const std::string old_hash = stored->substr(0, stored->find_first_of(" \n"));
        if (old_hash != hash)
            throw SweepFolderError(fmt::format(
                "{} holds the sweep of another file ({}: '{}'; {} is {}): {}", dir.string(),
                (dir / "sweep.hash").string(), printable(one_line(stored->substr(0, 200))),
                spec.source, hash, advice));
        return;
    }
    const auto records = read_manifest(dir);
    if (!records || records->empty()) return;
    std::vector<std::string> keys, want;
    for (const auto& p : records->front().parameters) keys.push_back(p.key);
    for (const auto& k : spec.keys) want.push_back(k.key);
    if (keys != want)
        throw SweepFolderError(fmt::format(
            "{} holds a sweep over other keys ({}) than {}: {}", (dir / "manifest.tsv").string(),
            printable(fmt::format("{}", fmt::join(keys, ", "))), spec.source, advice));
}

} // namespace

bool try_lock_sweep_directory(const fs::path& dir) {
    const fs::path lock = dir / "sweep.lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true; // held until the process exits
    ::close(fd);
    return false;
}

std::string point_experiment_path(const std::string& id) {
    return "points/" + id + ".toml";
}
std::string point_output_path(const std::string& id) {
    return "out/" + id + ".h5";
}
std::string point_log_path(const std::string& id) {
    return "logs/" + id + ".log";
}

std::vector<PointRecord> current_records(const fs::path& dir) {
    auto records = read_manifest(dir);
    if (!records)
        throw std::runtime_error(
            fmt::format("{}: no manifest.tsv (not a sweep directory?)", dir.string()));
    for (auto& r : *records) apply_status_file(dir, r);
    return *records;
}

SweepPlan plan_sweep(const std::string& file, const fs::path& dir,
                     const std::vector<std::string>& base_overrides, bool write_files,
                     bool overwrite) {
    SweepPlan plan;
    plan.dir = dir;
    plan.spec = load_sweep(file);
    const ModelRegistry registry = models::builtin_registry();
    const std::string hash = sweep_file_hash(plan.spec.text);

    refuse_links_in(dir, plan.spec);
    std::map<std::string, PointRecord> previous;
    if (!overwrite) {
        refuse_other_sweep(dir, plan.spec, hash);
        if (auto records = read_manifest(dir))
            for (auto& r : *records) {
                apply_status_file(dir, r);
                previous[r.id] = r;
            }
    }
    // The folder is made (and locked) at the first valid point: a sweep whose every point is
    // invalid is refused without creating anything.
    bool prepared = false;
    auto prepare_folder = [&] {
        if (prepared) return;
        prepared = true;
        for (const char* sub : {"points", "out", "logs"}) fs::create_directories(dir / sub);
        if (!try_lock_sweep_directory(dir))
            throw std::runtime_error(
                fmt::format("{}: another gliasim sweep is running in this directory (lock {})",
                            dir.string(), (dir / "sweep.lock").string()));
        write_file_atomically(dir / "sweep.hash",
                              fmt::format("{} {}\n", hash, printable(plan.spec.source)));
    };

    std::string first_error;
    for (const auto& p : plan.spec.points) {
        PointRecord r;
        r.index = p.index;
        r.id = p.id;
        r.parameters = p.parameters;
        r.output = point_output_path(p.id);
        r.experiment = point_experiment_path(p.id);
        std::vector<std::string> overrides = base_overrides;
        for (auto& o : p.overrides()) overrides.push_back(std::move(o));
        Experiment ex;
        try {
            ex = parse_experiment(plan.spec.text, file, overrides, registry);
            if (const auto extra = absolute_paths(ex); !extra.empty()) {
                overrides.insert(overrides.end(), extra.begin(), extra.end());
                ex = parse_experiment(plan.spec.text, file, overrides, registry);
            }
        } catch (const InputError& e) {
            r.status = "failed";
            r.exit_code = 2; // bad input, as `gliasim run` would exit
            r.error = printable(point_error(plan.spec, p, e)); // one line, whatever the value
            if (first_error.empty()) first_error = r.error;
            ++plan.invalid;
            plan.records.push_back(std::move(r));
            continue;
        }
        if (write_files) {
            prepare_folder();
            const fs::path resolved = dir / r.experiment;
            if (!fs::exists(resolved) || read_file(resolved) != ex.resolved_toml)
                write_file_atomically(resolved, ex.resolved_toml);
        }
        // Done is what the output says, not the manifest: a run killed after it finished but
        // before the manifest was rewritten, or a lost manifest, costs nothing.
        if (output_verified((dir / r.output).string(), ex.resolved_toml,
                            tasks::task_of(ex) && tasks::task_of(ex)->complete)) {
            const auto prev = previous.find(p.id);
            if (prev != previous.end() && prev->second.status == "done") {
                r = prev->second;
                r.parameters = p.parameters; // the sweep file's values, not the manifest's
            }
            r.status = "done";
            if (r.exit_code < 0) r.exit_code = 0;
            ++plan.already_done;
        }
        plan.records.push_back(std::move(r));
    }
    if (plan.invalid == plan.records.size())
        throw InputError(file, 0, 0, "sweep",
                         fmt::format("every point is invalid; the first: {}", first_error));
    return plan;
}

} // namespace gliasim::sweep
