// SPDX-License-Identifier: MIT
#include "sweep_plan.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/file.h>

#include "io/experiment.hpp"
#include "models/builtin.hpp"
#include "sweep_outputs.hpp"

namespace gliasim::app {

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
    if (ex.task.enabled && ex.task.kind == TaskSpec::Kind::next_char && !ex.task.text.empty())
        return {fmt::format("task.text=\"{}\"", fs::absolute(ex.task.text).string())};
    return {};
}

} // namespace

bool try_lock_sweep_directory(const fs::path& dir) {
    const fs::path lock = dir / "sweep.lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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
                     const std::vector<std::string>& base_overrides, bool write_files) {
    SweepPlan plan;
    plan.dir = dir;
    plan.spec = load_sweep(file);
    const ModelRegistry registry = models::builtin_registry();

    std::map<std::string, PointRecord> previous;
    if (fs::exists(dir / "manifest.tsv"))
        for (auto& r : current_records(dir)) previous[r.id] = r;
    if (write_files) {
        for (const char* sub : {"points", "out", "logs"}) fs::create_directories(dir / sub);
        if (!try_lock_sweep_directory(dir))
            throw std::runtime_error(
                fmt::format("{}: another gliasim sweep is running in this directory (lock {})",
                            dir.string(), (dir / "sweep.lock").string()));
    }

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
            r.error = point_error(plan.spec, p, e);
            if (first_error.empty()) first_error = r.error;
            ++plan.invalid;
            plan.records.push_back(std::move(r));
            continue;
        }
        if (write_files) {
            const fs::path resolved = dir / r.experiment;
            if (!fs::exists(resolved) || read_file(resolved) != ex.resolved_toml)
                write_file_atomically(resolved, ex.resolved_toml);
        }
        // Done is what the output says, not the manifest: a run killed after it finished but
        // before the manifest was rewritten, or a lost manifest, costs nothing.
        if (output_verified((dir / r.output).string(), ex.resolved_toml,
                            ex.task.enabled && ex.task.complete)) {
            const auto prev = previous.find(p.id);
            if (prev != previous.end() && prev->second.status == "done") r = prev->second;
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

} // namespace gliasim::app
