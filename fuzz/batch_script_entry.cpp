// SPDX-License-Identifier: MIT
#include "batch_script_entry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "io/input_error.hpp"
#include "io/sweep_spec.hpp"
#include "sweep_batch_script.hpp"

namespace gliasim::fuzz {

namespace {

[[noreturn]] void violated(const std::string& what, const std::string& script) {
    std::fprintf(stderr, "batch script property violated: %s\n--- script ---\n%s--- end ---\n",
                 what.c_str(), script.c_str());
    std::abort();
}

bool safe_unquoted(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_./:=@%+,-").find(c) != std::string_view::npos;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find('\n', start)) != std::string::npos; start = at + 1)
        lines.push_back(text.substr(start, at - start));
    if (start != text.size()) lines.push_back(text.substr(start)); // no final line feed
    return lines;
}

// The script must be exactly: shebang, the #SBATCH lines asked for (each value one word that
// reads back as the value), a comment, and the exec line (exe, sweep-task, dir, task id).
void check_script(const sweep::BatchScriptRequest& rq, const std::string& script) {
    if (script.empty() || script.back() != '\n') violated("no final line feed", script);
    const auto lines = split_lines(script);
    std::vector<std::pair<std::string, std::string>> want = {
        {"job-name", "gliasim-" + rq.sweep_name},
        {"array", sweep::array_ranges(rq.indices)},
        {"output", rq.dir + "/logs/slurm-%A_%a.out"}};
    const auto& res = rq.resources;
    if (!res.time.empty()) want.emplace_back("time", res.time);
    if (!res.mem.empty()) want.emplace_back("mem", res.mem);
    if (res.cpus_per_task > 0)
        want.emplace_back("cpus-per-task", std::to_string(res.cpus_per_task));
    if (!res.partition.empty()) want.emplace_back("partition", res.partition);
    if (lines.size() != want.size() + 3)
        violated("expected " + std::to_string(want.size() + 3) + " lines", script);
    if (lines[0] != "#!/bin/bash") violated("first line", script);
    for (std::size_t i = 0; i < want.size(); ++i) {
        const std::string prefix = "#SBATCH --" + want[i].first + "=";
        const std::string& line = lines[i + 1];
        if (line.rfind(prefix, 0) != 0) violated("line " + std::to_string(i + 2), script);
        const auto words = strict_shell_words(line.substr(prefix.size()));
        if (!words || words->size() != 1 || words->front() != want[i].second)
            violated("the value of --" + want[i].first, script);
    }
    const std::string& comment = lines[want.size() + 1];
    if (comment.rfind("# ", 0) != 0) violated("the comment line", script);
    const std::string tail = " \"$SLURM_ARRAY_TASK_ID\"";
    const std::string& exec = lines[want.size() + 2];
    if (exec.size() < tail.size() || exec.compare(exec.size() - tail.size(), tail.size(), tail))
        violated("the exec line's task id", script);
    const auto words = strict_shell_words(exec.substr(0, exec.size() - tail.size()));
    const std::vector<std::string> expected = {"exec", rq.exe, "sweep-task", rq.dir};
    if (!words || *words != expected) violated("the exec line's words", script);
}

void generate_and_check(const sweep::BatchScriptRequest& rq) {
    std::string script;
    try {
        script = sweep::batch_script(rq);
    } catch (const sweep::BatchScriptError&) {
        return; // refused: nothing is written
    }
    check_script(rq, script);
}

std::vector<std::string> fields(std::string_view data, std::size_t count) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (out.size() + 1 < count) {
        const auto at = data.find('\0', start);
        if (at == std::string_view::npos) break;
        out.emplace_back(data.substr(start, at - start));
        start = at + 1;
    }
    out.emplace_back(data.substr(std::min(start, data.size())));
    out.resize(count);
    return out;
}

std::vector<std::size_t> task_indices(std::size_t n) {
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < std::min<std::size_t>(n, 64); ++i)
        if (i % 3 != 1) idx.push_back(i); // gaps: ranges and singles in --array
    if (idx.empty()) idx.push_back(0);
    return idx;
}

} // namespace

std::optional<std::vector<std::string>> strict_shell_words(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ') {
            if (in_word) words.push_back(word), word.clear();
            in_word = false;
        } else if (c == '\'') {
            const auto end = line.find('\'', i + 1);
            if (end == std::string::npos) return std::nullopt;
            word += line.substr(i + 1, end - i - 1);
            in_word = true;
            i = end;
        } else if (c == '\\' && in_word && i + 1 < line.size() && line[i + 1] == '\'') {
            word += '\''; // the \' between two quoted parts: '\''
            ++i;
        } else if (safe_unquoted(c)) {
            word += c;
            in_word = true;
        } else {
            return std::nullopt;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

void batch_script_input(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        const auto f = fields(rest, 8);
        sweep::BatchScriptRequest rq;
        rq.sweep_name = f[0], rq.dir = f[1], rq.exe = f[2];
        rq.resources.time = f[3], rq.resources.mem = f[4], rq.resources.partition = f[5];
        rq.resources.cpus_per_task = f[6].empty() ? 0 : static_cast<unsigned char>(f[6][0]) % 9;
        rq.indices = task_indices(f[7].size() + 1);
        generate_and_check(rq);
        return;
    }
    SweepSpec spec;
    try {
        spec = parse_sweep(rest, "fuzz.toml");
    } catch (const InputError&) {
        return;
    }
    generate_and_check({"fuzz", task_indices(spec.points.size()), "/sweeps/fuzz_sweep",
                        "/usr/local/bin/gliasim", spec.slurm});
}

} // namespace gliasim::fuzz
