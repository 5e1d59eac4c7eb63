// SPDX-License-Identifier: MIT
// gliasim plot OUT.h5 [KIND] [-o FILE]: hands over to the Python plotting script installed with
// the tool (matplotlib and h5py from Debian), so figures need no Python set-up of their own.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

#include "commands.hpp"
#include "log.hpp"

namespace gliasim::app {

namespace {

namespace fs = std::filesystem;

// GLIASIM_PYTHON_DIR, else share/gliasim/python beside the installed executable, else the
// source tree this executable was built from.
fs::path script_path(const fs::path& exe) {
    const fs::path name = "gliasim_plot.py";
    if (const char* dir = std::getenv("GLIASIM_PYTHON_DIR")) return fs::path(dir) / name;
    if (!exe.empty()) {
        const fs::path installed = exe.parent_path().parent_path() / "share/gliasim/python" / name;
        if (fs::exists(installed)) return installed;
    }
    return fs::path(GLIASIM_PYTHON_SOURCE_DIR) / name;
}

} // namespace

int cmd_plot(const std::vector<std::string>& args) {
    // Debian's python3-matplotlib is seen by /usr/bin/python3, not necessarily by another
    // python3 earlier on PATH.
    const char* env_python = std::getenv("GLIASIM_PYTHON");
    const std::string python = env_python ? env_python : "/usr/bin/python3";
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    const fs::path script = script_path(exe);
    if (access(python.c_str(), X_OK) != 0) {
        log::error("", fmt::format("gliasim plot needs {} with matplotlib and h5py (Debian: "
                                   "apt-get install python3-matplotlib python3-h5py), or "
                                   "GLIASIM_PYTHON set to such a python",
                                   python));
        return kExitFailure;
    }
    if (!fs::exists(script)) {
        log::error("", fmt::format("plotting script {} not found (reinstall gliasim, or set "
                                   "GLIASIM_PYTHON_DIR to the folder holding gliasim_plot.py)",
                                   script.string()));
        return kExitFailure;
    }
    // The heatmap kind runs `gliasim analyze DIR --json` with this very executable.
    if (!exe.empty()) setenv("GLIASIM_EXE", exe.c_str(), 1);
    std::vector<std::string> argv_strings{python, script.string()};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(python.c_str(), argv.data());
    log::error("", fmt::format("cannot run {}: {}", python, std::strerror(errno)));
    return kExitFailure;
}

} // namespace gliasim::app
