// SPDX-License-Identifier: MIT
#include "regular_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
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
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a regular file";
}

FileRefusal errno_refusal(FileRefusal::Why why) {
    const int e = errno;
    return {why, e, std::strerror(e), 0};
}

// Whether the file `st` describes may not be read; why, into `out`.
bool refuse(const struct stat& st, std::uint64_t max_bytes, FileRefusal& out) {
    if (S_ISLNK(st.st_mode)) {
        out = {FileRefusal::Why::link, 0, kind_of(st.st_mode), 0};
        return true;
    }
    if (!S_ISREG(st.st_mode)) {
        out = {FileRefusal::Why::not_regular, 0, kind_of(st.st_mode), 0};
        return true;
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        out = {FileRefusal::Why::too_large, 0, "", static_cast<std::uint64_t>(st.st_size)};
        return true;
    }
    return false;
}

// Closes the descriptor on every path out.
struct Fd {
    int fd;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

std::variant<RegularFile, FileRefusal>
read_regular_file(const std::string& path, std::uint64_t max_bytes, bool follow_links) {
    // stat first: a FIFO or a device is refused without being opened at all.
    struct stat st {};
    FileRefusal refusal{FileRefusal::Why::unreadable, 0, "", 0};
    if ((follow_links ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0)
        return errno_refusal(FileRefusal::Why::cannot_open);
    if (refuse(st, max_bytes, refusal)) return refusal;
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, opening it cannot hang;
    // fstat then sees what was really opened. O_NOFOLLOW: nor can it become a link.
    Fd f{::open(path.c_str(),
                O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow_links ? 0 : O_NOFOLLOW))};
    if (f.fd < 0 && errno == ELOOP && !follow_links)
        return FileRefusal{FileRefusal::Why::link, ELOOP, "a symbolic link", 0};
    if (f.fd < 0) return errno_refusal(FileRefusal::Why::cannot_open);
    if (::fstat(f.fd, &st) != 0) return errno_refusal(FileRefusal::Why::unreadable);
    if (refuse(st, max_bytes, refusal)) return refusal;
    RegularFile out;
    out.device = static_cast<std::uint64_t>(st.st_dev);
    out.inode = static_cast<std::uint64_t>(st.st_ino);
    // Read to the end, whatever st_size said (/proc files say 0), but never past the limit.
    std::size_t got = 0;
    out.text.resize(
        std::min<std::uint64_t>(max_bytes + 1, static_cast<std::uint64_t>(st.st_size) + 4096));
    while (true) {
        if (got == out.text.size()) {
            if (got > max_bytes) return FileRefusal{FileRefusal::Why::too_large, 0, "", 0};
            out.text.resize(std::min<std::uint64_t>(max_bytes + 1, 2 * got));
        }
        const ssize_t n = ::read(f.fd, out.text.data() + got, out.text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_refusal(FileRefusal::Why::unreadable);
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.text.resize(got);
    return out;
}

} // namespace gliasim
