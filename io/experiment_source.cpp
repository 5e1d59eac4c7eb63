// SPDX-License-Identifier: MIT
#include "experiment_source.hpp"

#include <fmt/format.h>

#include "regular_file.hpp"

namespace gliasim {

std::variant<SourceFile, std::string> read_experiment_source(const std::string& path) {
    auto read = read_regular_file(path, kMaxExperimentFileBytes, true);
    if (auto* file = std::get_if<RegularFile>(&read))
        return SourceFile{std::move(file->text), file->device, file->inode};
    const FileRefusal& r = std::get<FileRefusal>(read);
    switch (r.why) {
    case FileRefusal::Why::not_regular:
    case FileRefusal::Why::link: // (links are followed here: not reached)
        return fmt::format("is {}, not a regular file; experiment files must be regular files",
                           r.detail);
    case FileRefusal::Why::too_large:
        if (r.size == 0)
            return fmt::format("has more than the {} MiB an experiment file may have",
                               kMaxExperimentFileBytes >> 20);
        return fmt::format("is {} bytes, more than the {} MiB an experiment file may have", r.size,
                           kMaxExperimentFileBytes >> 20);
    case FileRefusal::Why::cannot_open:
        return fmt::format("cannot open: {}", r.detail);
    case FileRefusal::Why::unreadable:
        break;
    }
    return fmt::format("cannot read: {}", r.detail);
}

} // namespace gliasim
