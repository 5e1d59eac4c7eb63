// SPDX-License-Identifier: MIT
// The local executor: a pool of at most N gliasim children, reaped with waitpid.
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <sys/wait.h>

#include "sweep_executors.hpp"
#include "sweep_process.hpp"

namespace gliasim::sweep {

std::size_t run_local(SweepPlan& plan, int jobs, bool quiet) {
    const std::string exe = self_executable();
    std::vector<std::size_t> queue;
    // The plan left pending what must run: not finished before, and accepted by the parser.
    for (const auto& r : plan.records)
        if (r.status == "pending") queue.push_back(r.index);
    write_manifest(plan.dir, plan.records);

    struct Running {
        std::size_t index;
        SweepClock::time_point start;
    };
    std::map<pid_t, Running> running;
    std::size_t next = 0, finished = 0, failed = 0;
    bool dirty = false;
    while (next < queue.size() || !running.empty()) {
        while (next < queue.size() && running.size() < static_cast<std::size_t>(jobs)) {
            auto& r = plan.records[queue[next++]];
            r.status = "running";
            running[start_point(exe, plan.dir, r)] = {r.index, SweepClock::now()};
            dirty = true;
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid == 0) {
            // Nothing to reap: the manifest is rewritten now, while the pool waits anyway, and
            // not after every event (points of a few ms would spend their time on it). Resume
            // trusts the outputs, so a kill between two rewrites loses nothing.
            if (dirty) write_manifest(plan.dir, plan.records);
            dirty = false;
            pid = waitpid(-1, &status, 0);
        }
        if (pid < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error(fmt::format("waitpid failed: {}", strerror(errno)));
        }
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        auto& r = plan.records[it->second.index];
        finish_point(plan.dir, r, status, seconds_since(it->second.start));
        running.erase(it);
        ++finished;
        failed += r.status != "done";
        dirty = true;
        if (!quiet)
            fmt::print("[{}/{}] {} {} ({:.2f} s){}\n", finished, queue.size(), r.id, r.status,
                       r.wall_s, r.status == "done" ? "" : ": " + r.error);
        std::fflush(stdout);
    }
    write_manifest(plan.dir, plan.records);
    return failed;
}

} // namespace gliasim::sweep
