// SPDX-License-Identifier: MIT
#include "sonata_reader.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "hdf5_util.hpp"

namespace gliasim {

namespace {

std::vector<std::string> children(hid_t file, const std::string& group) {
    std::vector<std::string> out;
    if (H5Lexists(file, group.c_str(), H5P_DEFAULT) <= 0) return out;
    h5::Handle g(H5Gopen2(file, group.c_str(), H5P_DEFAULT));
    if (g.get() < 0) return out;
    H5G_info_t info;
    if (H5Gget_info(g, &info) < 0) return out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        const ssize_t n =
            H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (n < 0) continue;
        std::string name(static_cast<std::size_t>(n), '\0');
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size() + 1,
                           H5P_DEFAULT);
        out.push_back(name);
    }
    return out;
}

template <typename T>
std::vector<T> read_all(hid_t file, const std::string& path, hid_t memtype,
                        std::vector<hsize_t>* dims_out = nullptr) {
    h5::Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
    if (ds.get() < 0) throw std::runtime_error("missing dataset " + path);
    h5::Handle space(h5::check(H5Dget_space(ds), "get space of " + path));
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(rank, 0)));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    std::vector<T> out(h5::checked_element_count(file, dims, sizeof(T), path));
    if (!out.empty())
        h5::check(H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + path);
    if (dims_out) *dims_out = dims;
    return out;
}

} // namespace

SonataFile::SonataFile(const std::string& path) : path_(path) {
    h5::silence_errors();
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw std::runtime_error(fmt::format("'{}' is not an HDF5 file (or cannot be read)", path));
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0)
        throw std::runtime_error(
            fmt::format("cannot open '{}' (truncated or damaged HDF5 file?)", path));
}

SonataFile::~SonataFile() {
    if (file_ >= 0) H5Fclose(file_);
}

std::vector<std::string> SonataFile::spike_populations() const {
    return children(file_, "/spikes");
}

std::vector<std::pair<std::string, std::string>> SonataFile::reports() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : children(file_, "/report"))
        for (const auto& v : children(file_, "/report/" + p)) out.emplace_back(p, v);
    return out;
}

SpikeData SonataFile::spikes(const std::string& population) const {
    SpikeData d;
    const std::string base = "/spikes/" + population;
    if (H5Lexists(file_, "/spikes", H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, base.c_str(), H5P_DEFAULT) <= 0)
        throw std::runtime_error(
            fmt::format("'{}' has no spikes of population '{}'", path_, population));
    d.timestamps = read_all<double>(file_, base + "/timestamps", H5T_NATIVE_DOUBLE);
    d.node_ids = read_all<std::uint64_t>(file_, base + "/node_ids", H5T_NATIVE_UINT64);
    return d;
}

ReportData SonataFile::report(const std::string& population, const std::string& variable) const {
    ReportData r;
    const std::string base = "/report/" + population + "/" + variable;
    if (H5Lexists(file_, "/report", H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, ("/report/" + population).c_str(), H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, base.c_str(), H5P_DEFAULT) <= 0)
        throw std::runtime_error(
            fmt::format("'{}' has no report {}/{}", path_, population, variable));
    std::vector<hsize_t> dims;
    r.data = read_all<float>(file_, base + "/data", H5T_NATIVE_FLOAT, &dims);
    r.rows = dims.size() > 0 ? dims[0] : 0;
    r.cols = dims.size() > 1 ? dims[1] : 1;
    r.node_ids = read_all<std::uint64_t>(file_, base + "/mapping/node_ids", H5T_NATIVE_UINT64);
    const auto t = read_all<double>(file_, base + "/mapping/time", H5T_NATIVE_DOUBLE);
    if (t.size() == 3) r.start = t[0], r.stop = t[1], r.step = t[2];
    h5::Handle ds(H5Dopen2(file_, (base + "/data").c_str(), H5P_DEFAULT));
    r.units = h5::read_string_attribute(ds, "units");
    return r;
}

std::vector<std::pair<std::string, std::string>> SonataFile::weight_reports() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : children(file_, "/weights"))
        for (const auto& k : children(file_, "/weights/" + p)) out.emplace_back(p, k);
    return out;
}

WeightData SonataFile::weights(const std::string& projection, const std::string& kind) const {
    const std::string base = "/weights/" + projection + "/" + kind;
    if (H5Lexists(file_, "/weights", H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, ("/weights/" + projection).c_str(), H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, base.c_str(), H5P_DEFAULT) <= 0)
        throw std::runtime_error(
            fmt::format("'{}' has no weight record {}/{}", path_, projection, kind));
    WeightData w;
    const bool histogram = kind == "histogram";
    const std::string data = base + (histogram ? "/counts" : "/data");
    std::vector<hsize_t> dims;
    w.data = read_all<float>(file_, data, H5T_NATIVE_FLOAT, &dims);
    w.rows = dims.size() > 0 ? dims[0] : 0;
    w.cols = dims.size() > 1 ? dims[1] : 1;
    w.times = read_all<double>(file_, base + "/times", H5T_NATIVE_DOUBLE);
    if (histogram) {
        w.bin_edges = read_all<double>(file_, base + "/bin_edges", H5T_NATIVE_DOUBLE);
        h5::Handle ds(H5Dopen2(file_, (base + "/bin_edges").c_str(), H5P_DEFAULT));
        w.units = h5::read_string_attribute(ds, "units");
    } else {
        w.source_ids = read_all<std::uint64_t>(file_, base + "/source_ids", H5T_NATIVE_UINT64);
        w.target_ids = read_all<std::uint64_t>(file_, base + "/target_ids", H5T_NATIVE_UINT64);
        h5::Handle ds(H5Dopen2(file_, data.c_str(), H5P_DEFAULT));
        w.units = h5::read_string_attribute(ds, "units");
    }
    return w;
}

std::string SonataFile::experiment() const {
    if (H5Lexists(file_, "/metadata", H5P_DEFAULT) <= 0 ||
        H5Lexists(file_, "/metadata/experiment", H5P_DEFAULT) <= 0)
        return {};
    return h5::read_string_dataset(file_, "/metadata/experiment");
}

std::vector<std::pair<std::string, std::string>> SonataFile::metadata() const {
    return attributes("/metadata");
}

std::vector<std::pair<std::string, std::string>>
SonataFile::attributes(const std::string& group) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (H5Lexists(file_, group.c_str(), H5P_DEFAULT) <= 0) return out;
    h5::Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT));
    H5O_info_t info;
    if (H5Oget_info2(g, &info, H5O_INFO_NUM_ATTRS) < 0) return out;
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
        h5::Handle attr(
            H5Aopen_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
        if (attr.get() < 0) continue;
        const ssize_t n = H5Aget_name(attr, 0, nullptr);
        std::string name(static_cast<std::size_t>(std::max<ssize_t>(n, 0)), '\0');
        H5Aget_name(attr, name.size() + 1, name.data());
        h5::Handle type(H5Aget_type(attr));
        std::string value;
        switch (H5Tget_class(type)) {
        case H5T_STRING:
            value = h5::read_string_attribute(g, name);
            break;
        case H5T_FLOAT: {
            double v = 0;
            H5Aread(attr, H5T_NATIVE_DOUBLE, &v);
            value = fmt::format("{:g}", v);
            break;
        }
        case H5T_INTEGER: {
            std::uint64_t v = 0;
            H5Aread(attr, H5T_NATIVE_UINT64, &v);
            value = fmt::format("{}", v);
            break;
        }
        default:
            value = "?";
        }
        out.emplace_back(name, value);
    }
    return out;
}

} // namespace gliasim
