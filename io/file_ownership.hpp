// SPDX-License-Identifier: MIT
#pragma once

// Which file a path names, and the few file operations gliasim allows itself on files it
// writes: a file is compared after resolving links (device and inode), never by its spelling,
// and gliasim replaces or removes only a file it created itself (docs/reliability.md, "Threat
// model").

#include <optional>
#include <string>
#include <sys/types.h>

namespace gliasim {

// The file a path leads to after following links: its device and inode when it exists, else
// the canonical folder plus the name it would get. Two paths with equal keys name one file.
struct FileKey {
    bool exists = false;
    dev_t device = 0;
    ino_t inode = 0;
    std::string would_be; // canonical path, for a path that does not exist yet
    bool operator==(const FileKey&) const = default;
};
FileKey file_key(const std::string& path);

// A regular file this process wrote, as found at its path without following a link: another
// file (or a link) put at that path later is not it.
struct WrittenFile {
    dev_t device = 0;
    ino_t inode = 0;
};
// The regular file at `path` itself (lstat); nothing for a link, a folder or a missing path.
std::optional<WrittenFile> written_file_at(const std::string& path);
// Removes `path` only if it is still the file `mine`; true if it removed it.
bool remove_if_same(const std::string& path, const WrittenFile& mine);

// Kind of what is at `path` without following a link: "missing", "file", "link", "folder" or
// "special file".
std::string entry_kind(const std::string& path);

// fsync of a file (throws std::runtime_error naming it) and of a folder (best effort: some file
// systems refuse it), so that a rename survives a crash.
void sync_file(const std::string& path);
void sync_folder_of(const std::string& path);

// Moves the finished file `from` to `to` in the same folder (both synced). `to` is replaced
// (a link there is replaced, never written through) only when `may_replace`; otherwise a file
// that appeared at `to` in the meantime is kept and this throws. Throws std::runtime_error with
// the cause.
void publish_file(const std::string& from, const std::string& to, bool may_replace);

} // namespace gliasim
