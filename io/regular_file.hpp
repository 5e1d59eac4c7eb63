// SPDX-License-Identifier: MIT
#pragma once

// Reading a file that someone else named (an experiment file, a sweep folder's manifest) without
// trusting what the path is: only a regular file of at most `max_bytes` is read, so that
// /dev/zero, /dev/urandom, a FIFO or a directory is refused at once instead of being read without
// bound or blocking forever. The caller words the refusal (it knows what the file was for).

#include <cstdint>
#include <string>
#include <variant>

namespace gliasim {

struct RegularFile {
    std::string text;
    std::uint64_t device = 0, inode = 0; // identity, e.g. to find cycles through links
};

struct FileRefusal {
    enum class Why {
        cannot_open, // stat or open failed (`error`: ENOENT when there is no such file)
        link,        // a symbolic link, and links are not followed
        not_regular, // `detail`: what it is instead ("a directory", "a FIFO (named pipe)", ...)
        too_large,   // `size`: its size, or 0 when it grew past the limit while being read
        unreadable,  // fstat or read failed (`error`)
    };
    Why why;
    int error = 0;      // errno, for cannot_open and unreadable
    std::string detail; // strerror(error), or the kind of a file that is not regular
    std::uint64_t size = 0;
};

std::variant<RegularFile, FileRefusal>
read_regular_file(const std::string& path, std::uint64_t max_bytes, bool follow_links);

} // namespace gliasim
