// SPDX-License-Identifier: MIT
// `--resume` continues a partial file only if it is the output of the checkpoint's run: the same
// run id, experiment hash and seed in its /metadata (docs/reliability.md, "Resume identity").
#include <algorithm>
#include <fmt/format.h>
#include <sys/stat.h>

#include "io/hdf5_util.hpp"
#include "session/output_paths.hpp"

namespace gliasim::session {

namespace {

// A scalar attribute of /metadata, or nothing when absent or of another kind (a file from
// someone else may hold anything there).
std::optional<std::uint64_t> uint_attribute(hid_t group, const char* name) {
    if (H5Aexists(group, name) <= 0) return std::nullopt;
    h5::Handle attr(H5Aopen(group, name, H5P_DEFAULT));
    h5::Handle space(H5Aget_space(attr));
    h5::Handle type(H5Aget_type(attr));
    if (attr.get() < 0 || space.get() < 0 || type.get() < 0 ||
        H5Sget_simple_extent_type(space) != H5S_SCALAR || H5Tget_class(type) != H5T_INTEGER)
        return std::nullopt;
    std::uint64_t v = 0;
    if (H5Aread(attr, H5T_NATIVE_UINT64, &v) < 0) return std::nullopt;
    return v;
}

std::optional<std::string> string_attribute(hid_t group, const char* name) {
    if (H5Aexists(group, name) <= 0) return std::nullopt;
    h5::Handle attr(H5Aopen(group, name, H5P_DEFAULT));
    h5::Handle space(H5Aget_space(attr));
    h5::Handle type(H5Aget_type(attr));
    if (attr.get() < 0 || space.get() < 0 || type.get() < 0 ||
        H5Sget_simple_extent_type(space) != H5S_SCALAR || H5Tget_class(type) != H5T_STRING ||
        H5Tis_variable_str(type) != 0 || H5Tget_size(type) > 256)
        return std::nullopt;
    std::string s(H5Tget_size(type), '\0');
    if (H5Aread(attr, type, s.data()) < 0) return std::nullopt;
    s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
    return s;
}

} // namespace

std::optional<std::string> check_resume_identity(const std::string& partial,
                                                 const std::string& checkpoint,
                                                 const RunIdentity& expected) {
    const auto refuse = [&](const std::string& why) {
        return fmt::format("{}: error: not the output of the run saved in {} ({}); refusing to "
                           "continue it",
                           partial, checkpoint, why);
    };
    if (expected.run_id.empty())
        return fmt::format(
            "{}: error: the checkpoint has no run id (written by an older gliasim?); "
            "it cannot be matched with {}",
            checkpoint, partial);
    struct stat st = {};
    if (::stat(partial.c_str(), &st) != 0)
        return fmt::format("{}: error: the output of the interrupted run is missing; the "
                           "checkpoint {} continues it and cannot start a new one",
                           partial, checkpoint);
    if (!S_ISREG(st.st_mode)) return refuse("not a regular file");
    h5::silence_errors();
    if (H5Fis_hdf5(partial.c_str()) <= 0) return refuse("not an HDF5 file");
    h5::Handle file(H5Fopen(partial.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (file.get() < 0) return refuse("cannot open it");
    if (H5Lexists(file, "metadata", H5P_DEFAULT) <= 0) return refuse("no /metadata");
    h5::Handle meta(H5Gopen2(file, "metadata", H5P_DEFAULT));
    if (meta.get() < 0) return refuse("no /metadata group");
    const auto run_id = string_attribute(meta, "run_id");
    if (!run_id) return refuse("it has no run id");
    if (*run_id != expected.run_id)
        return refuse(fmt::format("run id {}, the checkpoint's is {}", *run_id, expected.run_id));
    if (uint_attribute(meta, "experiment_hash") != expected.experiment_hash)
        return refuse("its experiment hash differs");
    if (const auto seed = uint_attribute(meta, "seed"); seed != expected.seed)
        return refuse(fmt::format("seed {}, the checkpoint's is {}",
                                  seed ? std::to_string(*seed) : "absent", expected.seed));
    return std::nullopt;
}

} // namespace gliasim::session
