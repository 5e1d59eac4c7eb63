// SPDX-License-Identifier: MIT
#include "sweep_process.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "sweep_outputs.hpp"
#include "sweep_plan.hpp"

namespace gliasim::sweep {

namespace {

// The line of the log that says what went wrong: the last one mentioning "error", else the
// last non-empty one.
std::string error_from_log(const fs::path& log) {
    std::ifstream in(log);
    std::string line, last, last_error;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        last = line;
        if (line.find("error") != std::string::npos) last_error = line;
    }
    return last_error.empty() ? last : last_error;
}

std::vector<std::string> point_argv(const std::string& exe, const fs::path& dir,
                                    const PointRecord& r) {
    // --overwrite: a point is only rerun when its output is missing or unfinished.
    return {exe,           "run",    (dir / r.experiment).string(), "-o", (dir / r.output).string(),
            "--overwrite", "--quiet"};
}

} // namespace

double seconds_since(SweepClock::time_point t0) {
    return std::chrono::duration<double>(SweepClock::now() - t0).count();
}

std::string self_executable() {
    std::error_code ec;
    const auto p = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw std::runtime_error("cannot resolve /proc/self/exe: " + ec.message());
    return p.string();
}

std::string point_command(const std::string& exe, const fs::path& dir, const PointRecord& r) {
    std::string cmd;
    for (const auto& a : point_argv(exe, dir, r)) cmd += (cmd.empty() ? "" : " ") + shell_quote(a);
    return cmd;
}

pid_t start_point(const std::string& exe, const fs::path& dir, const PointRecord& r) {
    const auto args = point_argv(exe, dir, r);
    const std::string log = (dir / point_log_path(r.id)).string();
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", strerror(errno)));
    if (pid > 0) return pid;
    // Child: only async-signal-safe calls until exec.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127); // the sweep died before prctl took effect
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0644);
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        close(fd);
    }
    execv(argv[0], argv.data());
    const char msg[] = "gliasim sweep: error: exec of the gliasim binary failed\n";
    [[maybe_unused]] auto n = write(STDERR_FILENO, msg, sizeof msg - 1);
    _exit(127);
}

void finish_point(const fs::path& dir, PointRecord& r, int wait_status, double wall_s) {
    r.wall_s = wall_s;
    const fs::path log = dir / point_log_path(r.id);
    if (WIFEXITED(wait_status)) {
        r.exit_code = WEXITSTATUS(wait_status);
    } else {
        // A shell's convention: 128 + signal.
        r.exit_code = 128 + WTERMSIG(wait_status);
    }
    if (r.exit_code == 0 && output_completed((dir / r.output).string())) {
        r.status = "done";
        r.error.clear();
        return;
    }
    r.status = "failed";
    if (WIFSIGNALED(wait_status))
        r.error = fmt::format("killed by signal {} ({})", WTERMSIG(wait_status),
                              strsignal(WTERMSIG(wait_status)));
    else if (r.exit_code == 0)
        r.error = "exited 0 but the output has no completed-run marker";
    else
        r.error = error_from_log(log);
    if (r.error.empty()) r.error = fmt::format("exit status {}; see {}", r.exit_code, log.string());
}

} // namespace gliasim::sweep
