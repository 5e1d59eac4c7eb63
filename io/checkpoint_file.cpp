// SPDX-License-Identifier: MIT
#include "checkpoint_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <type_traits>
#include <unistd.h>

#include "crc32c.hpp"
#include "hdf5_util.hpp"

namespace gliasim {

namespace {

constexpr const char* kFormatName = "gliasim checkpoint";
constexpr std::uint64_t kMaxThreads = 1024;

// File and memory types of each array type; raw structs are bytes.
struct H5Types {
    hid_t file, memory;
};
H5Types h5_types(ArrayType t) {
    switch (t) {
    case ArrayType::f64:
        return {H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
    case ArrayType::f32:
        return {H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
    case ArrayType::i64:
        return {H5T_STD_I64LE, H5T_NATIVE_INT64};
    case ArrayType::u64:
        return {H5T_STD_U64LE, H5T_NATIVE_UINT64};
    case ArrayType::i32:
        return {H5T_STD_I32LE, H5T_NATIVE_INT32};
    case ArrayType::u32:
        return {H5T_STD_U32LE, H5T_NATIVE_UINT32};
    case ArrayType::u16:
        return {H5T_STD_U16LE, H5T_NATIVE_UINT16};
    default:
        return {H5T_STD_U8LE, H5T_NATIVE_UINT8};
    }
}

// A header value must be one element: reading an array into one variable would overflow it.
void require_scalar(hid_t obj, bool dataset, const char* name, const std::string& where) {
    const h5::Handle space(dataset ? H5Dget_space(obj) : H5Aget_space(obj));
    if (space.get() < 0 || H5Sget_simple_extent_type(space) != H5S_SCALAR)
        throw std::runtime_error(fmt::format("{}: '{}' is not a single value", where, name));
}

// A fixed-length scalar string (what write_checkpoint writes), or a refusal naming it: the
// generic readers trust the stored type's size and shape.
void require_fixed_string(hid_t obj, bool dataset, const char* name, const std::string& where) {
    require_scalar(obj, dataset, name, where);
    const h5::Handle type(dataset ? H5Dget_type(obj) : H5Aget_type(obj));
    if (type.get() < 0 || H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) != 0)
        throw std::runtime_error(fmt::format("{}: '{}' is not a fixed-length string", where, name));
    const h5::Handle file(H5Iget_file_id(obj));
    const hsize_t one = 1;
    (void)h5::checked_element_count(file, std::span(&one, 1), H5Tget_size(type), name);
}

std::string read_header_string(hid_t file, const char* name, const std::string& where) {
    h5::Handle attr(H5Aopen(file, name, H5P_DEFAULT));
    if (attr.get() < 0) throw std::runtime_error(fmt::format("{}: no attribute '{}'", where, name));
    require_fixed_string(attr, false, name, where);
    return h5::read_string_attribute(file, name);
}

// The checksum of one array: its name, type and element size as well as its bytes, so that a
// damaged name or type attribute is found too.
std::uint32_t array_checksum(std::string_view name, const StoredArray& a) {
    const std::uint64_t element_size = a.element_size;
    std::string head(name);
    head.push_back('\0');
    head.push_back(static_cast<char>(a.type));
    head.append(reinterpret_cast<const char*>(&element_size), sizeof element_size);
    return crc32c(a.bytes, crc32c(head));
}

// The checksum of the header: every header field, the stored experiment, and the name and
// checksum of every array (so that a lost array is found as well as a damaged one). A field
// added to CheckpointHeader belongs in here.
std::uint32_t header_checksum(const CheckpointHeader& h,
                              const std::map<std::string, std::uint32_t>& array_sums) {
    std::string text;
    auto field = [&](std::string_view name, std::string_view value) {
        text += fmt::format("{}={}:", name, value.size());
        text.append(value);
        text.push_back('\n');
    };
    field("format", kFormatName);
    field("format_version", std::to_string(h.format_version));
    field("gliasim_version", h.gliasim_version);
    field("experiment_file", h.experiment_file);
    field("experiment_hash", std::to_string(h.experiment_hash));
    field("output", h.output);
    field("step", std::to_string(h.step));
    std::uint64_t time_bits = 0;
    std::memcpy(&time_bits, &h.time_ms, sizeof time_bits);
    field("time_ms", std::to_string(time_bits));
    field("threads", std::to_string(h.threads));
    field("run_id", h.run_id);
    field("experiment", h.experiment_toml);
    field("arrays", std::to_string(array_sums.size()));
    for (const auto& [name, sum] : array_sums) field(name, std::to_string(sum));
    return crc32c(text);
}

// A numeric attribute that must exist, read as T (std::uint64_t or double).
template <class T> T read_attribute(hid_t obj, const char* name, const std::string& where) {
    h5::Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
    if (attr.get() < 0) throw std::runtime_error(fmt::format("{}: no attribute '{}'", where, name));
    require_scalar(attr, false, name, where);
    const h5::Handle type(H5Aget_type(attr));
    const H5T_class_t kind = H5Tget_class(type);
    if (kind != H5T_INTEGER && kind != H5T_FLOAT)
        throw std::runtime_error(fmt::format("{}: attribute '{}' is not a number", where, name));
    T v = 0;
    const hid_t memtype = std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT64;
    h5::check(H5Aread(attr, memtype, &v), fmt::format("read {} of {}", name, where));
    return v;
}

// fsync of a file or a directory, so that a rename is durable.
void sync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path, strerror(errno)));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && !directory)
        throw std::runtime_error(fmt::format("cannot sync {}: {}", path, strerror(err)));
}

struct VisitState {
    CheckpointArrays* arrays;
    std::map<std::string, std::uint32_t>* sums; // each array's verified checksum
    std::string error;
};

herr_t read_array(hid_t group, const char* name, const H5O_info_t* info, void* data) {
    auto& st = *static_cast<VisitState*>(data);
    if (info->type != H5O_TYPE_DATASET) return 0;
    try {
        h5::Handle ds(h5::check(H5Dopen2(group, name, H5P_DEFAULT), fmt::format("open {}", name)));
        const auto type = read_attribute<std::uint64_t>(ds, "type", name);
        const auto element_size = read_attribute<std::uint64_t>(ds, "element_size", name);
        if (type > static_cast<std::uint64_t>(ArrayType::raw) || element_size == 0 ||
            element_size > 4096)
            throw std::runtime_error(fmt::format("array {} has a bad type", name));
        h5::Handle space(h5::check(H5Dget_space(ds), "get space"));
        if (H5Sget_simple_extent_ndims(space) != 1)
            throw std::runtime_error(fmt::format("array {} is not one-dimensional", name));
        hsize_t n = 0;
        H5Sget_simple_extent_dims(space, &n, nullptr);
        StoredArray a;
        a.type = static_cast<ArrayType>(type);
        a.element_size = element_size;
        const std::size_t stored_size = H5Tget_size(h5_types(a.type).file);
        if (a.type != ArrayType::raw && stored_size != element_size)
            throw std::runtime_error(fmt::format("array {} has a bad element size", name));
        const h5::Handle file(H5Iget_file_id(ds));
        a.bytes.resize(h5::checked_element_count(file, std::span(&n, 1), stored_size, name) *
                       stored_size);
        if (a.bytes.size() % element_size != 0)
            throw std::runtime_error(fmt::format("array {} has a partial element", name));
        if (n > 0)
            h5::check(
                H5Dread(ds, h5_types(a.type).memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.bytes.data()),
                fmt::format("read {}", name));
        const std::uint32_t sum = array_checksum(name, a);
        if (read_attribute<std::uint64_t>(ds, "crc32c", name) != sum)
            throw std::runtime_error(
                fmt::format("array '{}' fails its checksum (damaged file)", name));
        st.sums->emplace(name, sum);
        st.arrays->emplace(name, std::move(a));
    } catch (const std::exception& e) {
        st.error = e.what();
        return -1;
    }
    return 0;
}

// The header's step is the one the arrays hold, and the reserved header/ names are free: the
// loader (which knows dt) then cross-checks the time through them.
void check_header_position(Checkpoint& c, const std::string& path) {
    for (const auto& [name, a] : c.arrays)
        if (name.starts_with(kHeaderArrays))
            throw std::runtime_error(
                fmt::format("checkpoint {}: array '{}' has a reserved name", path, name));
    const auto it = c.arrays.find("kernel/step");
    step_t step = 0;
    if (it == c.arrays.end() || it->second.type != ArrayType::i64 ||
        it->second.bytes.size() != sizeof step)
        throw std::runtime_error(fmt::format("checkpoint {}: no array 'kernel/step'", path));
    std::memcpy(&step, it->second.bytes.data(), sizeof step);
    if (step != c.header.step)
        throw std::runtime_error(
            fmt::format("checkpoint {}: the header says step {} and the arrays step {}", path,
                        c.header.step, step));
    put_header_position(c.arrays, c.header.step, c.header.time_ms);
}

} // namespace

std::uint64_t experiment_hash(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::uint64_t write_checkpoint(const std::string& path, const CheckpointHeader& header,
                               const CheckpointArrays& arrays) {
    h5::silence_errors();
    const std::string tmp = path + ".tmp";
    try {
        // The run owns `tmp` (the preflight refused one it did not write): a leftover, or a link
        // put there since, is removed, and the new file created exclusively, so that the write
        // never goes through a link into someone else's file.
        if (std::remove(tmp.c_str()) != 0 && errno != ENOENT)
            throw std::runtime_error(
                fmt::format("cannot remove the leftover '{}': {}", tmp, std::strerror(errno)));
        h5::Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT));
        if (file.get() < 0) throw std::runtime_error("cannot create the file");
        h5::write_string_attribute(file, "format", kFormatName);
        h5::write_uint_attribute(file, "format_version", header.format_version);
        h5::write_string_attribute(file, "gliasim_version", header.gliasim_version);
        h5::write_string_attribute(file, "experiment_file", header.experiment_file);
        h5::write_uint_attribute(file, "experiment_hash", header.experiment_hash);
        h5::write_string_attribute(file, "output", header.output);
        h5::write_uint_attribute(file, "step", static_cast<std::uint64_t>(header.step));
        h5::write_double_attribute(file, "time_ms", header.time_ms);
        h5::write_uint_attribute(file, "threads", header.threads);
        h5::write_string_attribute(file, "run_id", header.run_id);
        h5::write_string_dataset(file, "experiment", header.experiment_toml);
        h5::Handle root(h5::create_group(file, "arrays"));
        h5::Handle lcpl(h5::check(H5Pcreate(H5P_LINK_CREATE), "create link property list"));
        H5Pset_create_intermediate_group(lcpl, 1);
        std::map<std::string, std::uint32_t> sums;
        for (const auto& [name, a] : arrays) {
            if (name.starts_with(kHeaderArrays)) continue; // the reader's copy of the header
            const hsize_t n = a.bytes.size() / H5Tget_size(h5_types(a.type).file);
            h5::Handle space(h5::check(H5Screate_simple(1, &n, nullptr), "create space"));
            h5::Handle ds(h5::check(H5Dcreate2(root, name.c_str(), h5_types(a.type).file, space,
                                               lcpl, H5P_DEFAULT, H5P_DEFAULT),
                                    "create array " + name));
            if (n > 0)
                h5::check(H5Dwrite(ds, h5_types(a.type).memory, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                                   a.bytes.data()),
                          "write array " + name);
            h5::write_uint_attribute(ds, "type", static_cast<std::uint64_t>(a.type));
            h5::write_uint_attribute(ds, "element_size", a.element_size);
            const std::uint32_t sum = array_checksum(name, a);
            h5::write_uint_attribute(ds, "crc32c", sum);
            sums.emplace(name, sum);
        }
        h5::write_uint_attribute(file, "header_crc32c", header_checksum(header, sums));
        h5::check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush");
    } catch (const std::exception& e) {
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("cannot write the checkpoint {}: {}", tmp, e.what()));
    }
    try {
        sync_path(tmp, false);
        std::filesystem::rename(tmp, path);
        const auto dir = std::filesystem::absolute(path).parent_path();
        sync_path(dir.string(), true);
        return std::filesystem::file_size(path);
    } catch (const std::exception& e) {
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("cannot write the checkpoint {}: {}", path, e.what()));
    }
}

Checkpoint read_checkpoint(const std::string& path) {
    h5::silence_errors();
    if (!std::filesystem::exists(path))
        throw std::runtime_error(fmt::format("{}: no such checkpoint file", path));
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw std::runtime_error(fmt::format("{}: not a gliasim checkpoint (not HDF5)", path));
    h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (file.get() < 0)
        throw std::runtime_error(fmt::format("{}: cannot open (damaged HDF5 file?)", path));
    if (H5Aexists(file, "format") <= 0 || read_header_string(file, "format", path) != kFormatName)
        throw std::runtime_error(fmt::format("{}: not a gliasim checkpoint", path));
    Checkpoint c;
    CheckpointHeader& h = c.header;
    const auto version = read_attribute<std::uint64_t>(file, "format_version", path);
    if (version == 1)
        throw std::runtime_error(fmt::format(
            "{}: checkpoint format version 1 (an older gliasim, without checksums), this gliasim "
            "reads version {}: finish that run with the gliasim that started it, or run it again",
            path, kCheckpointFormatVersion));
    if (version != kCheckpointFormatVersion)
        throw std::runtime_error(
            fmt::format("{}: checkpoint format version {}, this gliasim reads version {}", path,
                        version, kCheckpointFormatVersion));
    h.format_version = static_cast<std::uint32_t>(version);
    h.gliasim_version = read_header_string(file, "gliasim_version", path);
    h.experiment_file = read_header_string(file, "experiment_file", path);
    h.experiment_hash = read_attribute<std::uint64_t>(file, "experiment_hash", path);
    h.output = read_header_string(file, "output", path);
    h.step = static_cast<step_t>(read_attribute<std::uint64_t>(file, "step", path));
    h.time_ms = read_attribute<double>(file, "time_ms", path);
    const auto threads = read_attribute<std::uint64_t>(file, "threads", path);
    if (threads < 1 || threads > kMaxThreads) // as simulation.threads allows (after 0 = all)
        throw std::runtime_error(fmt::format(
            "{}: the checkpoint's thread count {} is outside [1, {}]", path, threads, kMaxThreads));
    h.threads = static_cast<std::uint32_t>(threads);
    h.run_id = h5::read_string_attribute(file, "run_id");
    try {
        h5::Handle ds(h5::check(H5Dopen2(file, "experiment", H5P_DEFAULT), "open experiment"));
        require_fixed_string(ds, true, "experiment", path);
        h.experiment_toml = h5::read_string_dataset(file, "experiment");
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}: {}", path, e.what()));
    }
    if (experiment_hash(h.experiment_toml) != h.experiment_hash)
        throw std::runtime_error(
            fmt::format("{}: the stored experiment does not match its hash (damaged file)", path));
    h5::Handle root(H5Gopen2(file, "arrays", H5P_DEFAULT));
    if (root.get() < 0) throw std::runtime_error(fmt::format("{}: no /arrays group", path));
    std::map<std::string, std::uint32_t> sums;
    VisitState st{&c.arrays, &sums, {}};
    if (H5Ovisit(root, H5_INDEX_NAME, H5_ITER_INC, read_array, &st) < 0)
        throw std::runtime_error(fmt::format(
            "checkpoint {}: {}", path, st.error.empty() ? "cannot read its arrays" : st.error));
    if (read_attribute<std::uint64_t>(file, "header_crc32c", path) != header_checksum(h, sums))
        throw std::runtime_error(fmt::format(
            "checkpoint {}: its header (or its list of arrays) fails its checksum (damaged file)",
            path));
    check_header_position(c, path);
    return c;
}

} // namespace gliasim
