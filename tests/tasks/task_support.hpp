// SPDX-License-Identifier: MIT
#pragma once

// Shared by the task tests: experiments from text, a [task] as a file's reader reads it (the
// kinds' options are private to their files, so tests write keys, not structs), and whole task
// runs through the run session.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "session/run_session.hpp"
#include "tasks/experiment_file.hpp"
#include "tasks/runner.hpp"
#include "test_support.hpp"

namespace gliasim::test {

inline Experiment experiment(const std::string& text,
                             const std::vector<std::string>& overrides = {}) {
    return parse_experiment(text, "task.toml", overrides, registry());
}

// The [task] of `keys` (kind, splits, the kind's own) as a file's reader reads it, over an
// item_source input of `width` entities (and a teacher of `teacher` entities, when not 0).
inline TaskSpec task_spec(const std::string& keys, int width, int teacher = 0) {
    std::string text = "[simulation]\ndt = \"0.5 ms\"\n[populations.input]\nmodel = "
                       "\"item_source\"\nsize = " +
                       std::to_string(width) + "\n";
    if (teacher)
        text +=
            "[populations.teacher]\nmodel = \"item_source\"\nsize = " + std::to_string(teacher) +
            "\n";
    text += "[task]\ninput = \"input\"\nreadout = [\"input\"]\nseed = 0\n" + keys;
    const Experiment ex = experiment(text);
    REQUIRE(tasks::task_of(ex));
    return *tasks::task_of(ex);
}

// A whole task run of a file through the run session, kept in memory, the whole stream scored.
inline tasks::TaskResult run_task_file(const std::string& file,
                                       const std::vector<std::string>& overrides) {
    session::RunRequest r;
    r.file = file;
    r.overrides = overrides;
    r.output_mode = session::OutputMode::memory;
    r.whole_task_stream = true;
    session::RunSession s(r);
    auto refused = s.prepare();
    if (!refused) refused = s.build();
    INFO((refused ? refused->message : std::string()));
    REQUIRE(!refused);
    auto report = s.execute();
    REQUIRE(report.task);
    return std::move(*report.task);
}

// The same for a shipped experiment, or for an experiment given as text.
inline tasks::TaskResult run_shipped(const std::string& name,
                                     const std::vector<std::string>& overrides) {
    return run_task_file(std::string(GLIASIM_SOURCE_DIR) + "/experiments/" + name, overrides);
}
inline tasks::TaskResult run_text(const std::string& text,
                                  const std::vector<std::string>& overrides) {
    const auto file = std::filesystem::temp_directory_path() /
                      ("gliasim_task_run_" + std::to_string(::getpid()) + ".toml");
    std::ofstream(file) << text;
    auto r = run_task_file(file.string(), overrides);
    std::filesystem::remove(file);
    return r;
}

// A task figure by name (the test fails when the result has none).
inline double scalar(const tasks::TaskResult& r, const std::string& name) {
    for (const auto& [n, v] : r.scalars)
        if (n == name) return v;
    FAIL("no scalar " << name);
    return 0;
}

// The shipped task, shortened for the test suite.
inline std::vector<std::string> short_run() {
    return {"task.washout=50", "task.train=600", "task.validation=150", "task.test=200"};
}

} // namespace gliasim::test
