// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

namespace gliasim::app {

// Exit statuses shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1; // a run failed after it started (I/O, numerics)
constexpr int kExitUsage = 2;   // bad command line or bad experiment file: nothing was simulated
constexpr int kExitInterrupted = 3; // SIGINT/SIGTERM: stopped early, output flushed and closed

int cmd_run(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_models(const std::vector<std::string>& args);
int cmd_info(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_analyze(const std::vector<std::string>& args);
int cmd_plot(const std::vector<std::string>& args);
int cmd_sweep(const std::vector<std::string>& args);
int cmd_sweep_task(const std::vector<std::string>& args);
int cmd_collect(const std::vector<std::string>& args);

std::string version_string();

} // namespace gliasim::app
