// SPDX-License-Identifier: MIT
#include "sweep_batch_script.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace gliasim::sweep {

namespace {

bool safe_shell_character(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
}

void check(const std::string& what, const std::string& value, const std::string& problem) {
    if (!problem.empty())
        throw BatchScriptError(fmt::format("{} '{}': {}", what, printable(value), problem));
}

} // namespace

std::string shell_quote(const std::string& s) {
    if (!s.empty() && std::all_of(s.begin(), s.end(), safe_shell_character)) return s;
    std::string q = "'";
    for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string printable(const std::string& s) {
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (u < 0x20 || u == 0x7f)
            out += fmt::format("\\x{:02x}", u);
        else
            out += c;
    }
    return out;
}

std::string array_ranges(const std::vector<std::size_t>& idx) {
    std::string out;
    for (std::size_t i = 0; i < idx.size();) {
        std::size_t j = i;
        while (j + 1 < idx.size() && idx[j + 1] == idx[j] + 1) ++j;
        out += (out.empty() ? "" : ",") +
               (i == j ? fmt::format("{}", idx[i]) : fmt::format("{}-{}", idx[i], idx[j]));
        i = j + 1;
    }
    return out;
}

std::string batch_script(const BatchScriptRequest& rq) {
    const SlurmResources& res = rq.resources;
    const std::string job_name = "gliasim-" + rq.sweep_name;
    check("the job name (from the sweep file's name)", job_name, slurm_job_name_problem(job_name));
    check("the sweep folder", rq.dir, batch_path_problem(rq.dir));
    check("the gliasim path", rq.exe, batch_path_problem(rq.exe));
    if (!res.time.empty()) check("time", res.time, slurm_time_problem(res.time));
    if (!res.mem.empty()) check("mem", res.mem, slurm_memory_problem(res.mem));
    if (!res.partition.empty())
        check("partition", res.partition, slurm_partition_problem(res.partition));
    if (rq.indices.empty()) throw BatchScriptError("no array task: every point is done or invalid");

    // #SBATCH lines are read by sbatch, which takes quoted words too; they are comments to the
    // shell, so only a line break could escape them, and the grammars above exclude it.
    std::string script = "#!/bin/bash\n";
    script += fmt::format("#SBATCH --job-name={}\n", shell_quote(job_name));
    script += fmt::format("#SBATCH --array={}\n", array_ranges(rq.indices));
    script += fmt::format("#SBATCH --output={}\n", shell_quote(rq.dir + "/logs/slurm-%A_%a.out"));
    if (!res.time.empty()) script += fmt::format("#SBATCH --time={}\n", shell_quote(res.time));
    if (!res.mem.empty()) script += fmt::format("#SBATCH --mem={}\n", shell_quote(res.mem));
    if (res.cpus_per_task > 0)
        script += fmt::format("#SBATCH --cpus-per-task={}\n", res.cpus_per_task);
    if (!res.partition.empty())
        script += fmt::format("#SBATCH --partition={}\n", shell_quote(res.partition));
    script +=
        "# One array task per point: SLURM_ARRAY_TASK_ID is the point's index in manifest.tsv.\n";
    script += fmt::format("exec {} sweep-task {} \"$SLURM_ARRAY_TASK_ID\"\n", shell_quote(rq.exe),
                          shell_quote(rq.dir));
    return script;
}

} // namespace gliasim::sweep
