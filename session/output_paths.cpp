// SPDX-License-Identifier: MIT
#include "session/output_paths.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "io/file_ownership.hpp"

namespace gliasim::session {

namespace fs = std::filesystem;

namespace {

struct Role {
    const char* what;
    const std::string* path;
};

// A leftover of a checkpoint write killed half-way: a plain file (one name, not a link) that
// is empty (killed before HDF5 wrote anything) or starts like an HDF5 file. Only a resumed run
// treats it as its own.
bool is_killed_checkpoint_write(const std::string& path) {
    struct stat st = {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) return false;
    if (st.st_size == 0) return true;
    std::ifstream in(path, std::ios::binary);
    std::array<char, 8> head{};
    in.read(head.data(), head.size());
    return in.gcount() == 8 && std::string(head.data(), 8) == "\x89HDF\r\n\x1a\n";
}

std::optional<std::string> refuse_folder(const std::string& path, const char* what) {
    if (entry_kind(path) == "folder")
        return fmt::format("{}: error: the {} path is a folder", path, what);
    return std::nullopt;
}

} // namespace

std::string partial_path_of(const std::string& output) {
    return output + ".partial";
}

std::optional<std::string> check_distinct_files(const RunFiles& f) {
    std::vector<Role> roles = {{"output", &f.output},
                               {"partial output", &f.partial},
                               {"checkpoint", &f.checkpoint},
                               {"checkpoint's temporary file", &f.checkpoint_tmp}};
    if (!f.experiment.empty()) roles.push_back({"experiment file", &f.experiment});
    // The resumed checkpoint may be rewritten as this run's checkpoint, nothing else.
    if (!f.resume.empty()) roles.push_back({"resumed checkpoint", &f.resume});
    std::vector<FileKey> keys;
    for (const auto& r : roles) keys.push_back(file_key(*r.path));
    for (std::size_t i = 0; i < roles.size(); ++i)
        for (std::size_t j = i + 1; j < roles.size(); ++j) {
            const bool resumed_as_checkpoint = std::string(roles[i].what) == "checkpoint" &&
                                               std::string(roles[j].what) == "resumed checkpoint";
            if (keys[i] == keys[j] && !resumed_as_checkpoint)
                return fmt::format("{}: error: the {} and the {} ('{}') are the same file; give "
                                   "each its own path",
                                   *roles[i].path, roles[i].what, roles[j].what, *roles[j].path);
        }
    return std::nullopt;
}

std::optional<std::string> check_existing_files(const RunFiles& f, bool overwrite) {
    const bool resuming = !f.resume.empty();
    for (const auto& [path, what] :
         {std::pair{&f.partial, "partial output"}, std::pair{&f.checkpoint, "checkpoint"},
          std::pair{&f.checkpoint_tmp, "checkpoint's temporary"}})
        if (auto e = refuse_folder(*path, what)) return e;
    if (!resuming && entry_kind(f.partial) != "missing" && !overwrite)
        return fmt::format("{}: error: this file exists and this run did not write it (a run "
                           "writes its output there until it completes); pass --overwrite to "
                           "replace it",
                           f.partial);
    const bool resumed_checkpoint = resuming && file_key(f.checkpoint) == file_key(f.resume);
    if (entry_kind(f.checkpoint) != "missing" && !overwrite && !resumed_checkpoint)
        return fmt::format("{}: error: the checkpoint file exists and this run did not write it; "
                           "pass --overwrite to replace it, or --checkpoint PATH",
                           f.checkpoint);
    if (entry_kind(f.checkpoint_tmp) != "missing" && !overwrite &&
        !(resuming && is_killed_checkpoint_write(f.checkpoint_tmp)))
        return fmt::format("{}: error: this file exists and this run did not write it (checkpoints "
                           "are written there first); pass --overwrite to replace it",
                           f.checkpoint_tmp);
    return std::nullopt;
}

std::optional<std::string> clear_for_writing(const RunFiles& f, bool overwrite) {
    std::vector<const std::string*> stale;
    if (f.resume.empty() && overwrite) stale.push_back(&f.partial);
    if (overwrite || !f.resume.empty()) stale.push_back(&f.checkpoint_tmp);
    for (const auto* path : stale) {
        const std::string kind = entry_kind(*path);
        if (kind == "missing" || kind == "folder") continue;
        if (::unlink(path->c_str()) != 0)
            return fmt::format("{}: error: cannot remove it to write afresh: {}", *path,
                               std::strerror(errno));
    }
    return std::nullopt;
}

std::string new_run_id() {
    std::random_device random;
    std::string id;
    for (int i = 0; i < 4; ++i) id += fmt::format("{:08x}", static_cast<std::uint32_t>(random()));
    return id;
}

std::string output_as_stored(const std::string& output, const std::string& checkpoint) {
    std::error_code ec;
    const fs::path out_dir = fs::weakly_canonical(fs::absolute(output).parent_path(), ec);
    const fs::path ckpt_dir = fs::weakly_canonical(fs::absolute(checkpoint).parent_path(), ec);
    const fs::path name = fs::path(output).filename();
    const fs::path relative = out_dir.lexically_relative(ckpt_dir);
    if (ec || relative.empty()) return (out_dir / name).string();
    return (relative / name).lexically_normal().string();
}

std::string output_from_checkpoint(const std::string& stored, const std::string& checkpoint) {
    const fs::path p(stored);
    if (p.is_absolute()) return stored;
    fs::path folder = fs::path(checkpoint).parent_path();
    // ".." was computed between canonical folders: apply it to the canonical folder.
    std::error_code ec;
    if (stored.find("..") != std::string::npos)
        folder = fs::weakly_canonical(fs::absolute(checkpoint).parent_path(), ec);
    return folder.empty() ? stored : (folder / p).lexically_normal().string();
}

} // namespace gliasim::session
