// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "session/exit_status.hpp"

namespace gliasim::app {

// Exit statuses shared by every subcommand (session/exit_status.hpp).
using session::kExitFailure;
using session::kExitInterrupted;
using session::kExitOk;
using session::kExitUsage;

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
