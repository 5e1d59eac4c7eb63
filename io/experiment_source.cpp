// SPDX-License-Identifier: MIT
#include "experiment_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gliasim {

namespace {

std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string check_regular(const struct stat& st) {
    if (!S_ISREG(st.st_mode))
        return fmt::format("is {}, not a regular file; experiment files must be regular files",
                           kind_of(st.st_mode));
    if (static_cast<std::uint64_t>(st.st_size) > kMaxExperimentFileBytes)
        return fmt::format("is {} bytes, more than the {} MiB an experiment file may have",
                           static_cast<std::uint64_t>(st.st_size), kMaxExperimentFileBytes >> 20);
    return "";
}

// Closes the descriptor on every path out.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

std::variant<SourceFile, std::string> read_experiment_source(const std::string& path) {
    // stat first: a FIFO or a device is refused without being opened at all.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return fmt::format("cannot open: {}", std::strerror(errno));
    if (auto why = check_regular(st); !why.empty()) return why;
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it cannot hang;
    // fstat then sees what was really opened.
    Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
    if (f.fd < 0) return fmt::format("cannot open: {}", std::strerror(errno));
    if (::fstat(f.fd, &st) != 0) return fmt::format("cannot read: {}", std::strerror(errno));
    if (auto why = check_regular(st); !why.empty()) return why;
    SourceFile out;
    out.device = static_cast<std::uint64_t>(st.st_dev);
    out.inode = static_cast<std::uint64_t>(st.st_ino);
    // Read to the end, whatever st_size said (/proc files say 0), but never past the cap.
    std::size_t got = 0;
    out.text.resize(std::min<std::uint64_t>(kMaxExperimentFileBytes + 1,
                                            static_cast<std::uint64_t>(st.st_size) + 4096));
    while (true) {
        if (got == out.text.size()) {
            if (got > kMaxExperimentFileBytes)
                return fmt::format("has more than the {} MiB an experiment file may have",
                                   kMaxExperimentFileBytes >> 20);
            out.text.resize(std::min<std::size_t>(kMaxExperimentFileBytes + 1, 2 * got));
        }
        const ssize_t n = ::read(f.fd, out.text.data() + got, out.text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fmt::format("cannot read: {}", std::strerror(errno));
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.text.resize(got);
    return out;
}

} // namespace gliasim
