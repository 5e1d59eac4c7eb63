// SPDX-License-Identifier: MIT
#include "file_ownership.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace gliasim {

namespace fs = std::filesystem;

namespace {

// The path a dangling link finally points at (links followed up to the kernel's limit), or the
// path itself when it is not a link.
fs::path final_target(fs::path p) {
    for (int hops = 0; hops < 40; ++hops) {
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(p, ec))) return p;
        const fs::path target = fs::read_symlink(p, ec);
        if (ec) return p;
        p = target.is_absolute() ? target : p.parent_path() / target;
    }
    return p;
}

} // namespace

FileKey file_key(const std::string& path) {
    FileKey key;
    struct stat st = {};
    if (::stat(path.c_str(), &st) == 0) {
        key.exists = true;
        key.device = st.st_dev;
        key.inode = st.st_ino;
        return key;
    }
    std::error_code ec;
    const fs::path target = final_target(fs::absolute(path, ec));
    const fs::path folder = fs::weakly_canonical(target.parent_path(), ec);
    key.would_be = (folder / target.filename()).lexically_normal().string();
    return key;
}

std::optional<WrittenFile> written_file_at(const std::string& path) {
    struct stat st = {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return WrittenFile{st.st_dev, st.st_ino};
}

bool remove_if_same(const std::string& path, const WrittenFile& mine) {
    const auto now = written_file_at(path);
    if (!now || now->device != mine.device || now->inode != mine.inode) return false;
    return ::unlink(path.c_str()) == 0;
}

std::string entry_kind(const std::string& path) {
    struct stat st = {};
    if (::lstat(path.c_str(), &st) != 0) return "missing";
    if (S_ISLNK(st.st_mode)) return "link";
    if (S_ISDIR(st.st_mode)) return "folder";
    if (S_ISREG(st.st_mode)) return "file";
    return "special file";
}

void sync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW);
    if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path, strerror(errno)));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) throw std::runtime_error(fmt::format("cannot sync {}: {}", path, strerror(err)));
}

void sync_folder_of(const std::string& path) {
    std::error_code ec;
    const fs::path folder = fs::absolute(path, ec).parent_path();
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

void publish_file(const std::string& from, const std::string& to, bool may_replace) {
    sync_file(from);
    int rc = 0;
    if (may_replace) {
        rc = std::rename(from.c_str(), to.c_str());
    } else {
        // Without --overwrite a file that someone put at `to` during the run is kept.
        rc = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
        if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
            // A file system without RENAME_NOREPLACE: a hard link is just as exclusive.
            rc = ::link(from.c_str(), to.c_str());
            if (rc == 0) rc = ::unlink(from.c_str());
        }
    }
    if (rc != 0) {
        const int err = errno;
        if (err == EEXIST)
            throw std::runtime_error(fmt::format(
                "'{}' appeared during the run and is kept; the result stays in '{}'", to, from));
        throw std::runtime_error(
            fmt::format("cannot rename '{}' to '{}': {}", from, to, strerror(err)));
    }
    sync_folder_of(to);
}

} // namespace gliasim
