// SPDX-License-Identifier: MIT
#include "sonata_reader.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "core/phase_clock.hpp"
#include "h5_checked.hpp"
#include "hdf5_util.hpp"

namespace gliasim {

namespace {

std::vector<std::string> children(hid_t file, const std::string& group) {
    std::vector<std::string> out;
    if (!h5::exists(file, group)) return out;
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

std::string units_of(const h5::CheckedDataset& ds) {
    return h5::read_string_attribute(ds.id(), "units");
}

} // namespace

ReportMapping read_report_mapping(std::int64_t file, const std::string& base, std::uint64_t cols) {
    ReportMapping m;
    const h5::CheckedDataset ids(file, base + "/mapping/node_ids", h5::Element::uint64);
    if (ids.rows() != cols)
        throw ids.error(fmt::format("{} node ids for {} data columns", ids.rows(), cols));
    m.node_ids = ids.read_all<std::uint64_t>();
    const std::string pointers = base + "/mapping/index_pointers";
    if (h5::exists(file, pointers)) {
        const h5::CheckedDataset ptr(file, pointers, h5::Element::uint64);
        if (ptr.rows() != ids.rows() + 1)
            throw ptr.error(fmt::format("{} index pointers for {} node ids (expected {})",
                                        ptr.rows(), ids.rows(), ids.rows() + 1));
        const auto p = ptr.read_all<std::uint64_t>();
        if (p.front() != 0 || p.back() != cols)
            throw ptr.error(fmt::format("runs from {} to {}, expected 0 to {} (the data columns)",
                                        p.front(), p.back(), cols));
        for (std::size_t i = 1; i < p.size(); ++i)
            if (p[i] < p[i - 1])
                throw ptr.error(fmt::format("decreases at {} ({} after {})", i, p[i], p[i - 1]));
    }
    const std::string elements = base + "/mapping/element_ids";
    if (h5::exists(file, elements)) {
        const h5::CheckedDataset el(file, elements, h5::Element::uint64);
        if (el.rows() != cols)
            throw el.error(fmt::format("{} element ids for {} data columns", el.rows(), cols));
    }
    const h5::CheckedDataset time(file, base + "/mapping/time", h5::Element::float64);
    if (time.rows() != 3)
        throw time.error(fmt::format("{} values, expected 3 (start, stop, step)", time.rows()));
    const auto t = time.read_all<double>(true);
    if (!(t[2] > 0)) throw time.error(fmt::format("step {:g} ms is not positive", t[2]));
    m.start = t[0], m.stop = t[1], m.step = t[2];
    return m;
}

SonataFile::SonataFile(const std::string& path) : path_(path) {
    h5::silence_errors();
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        throw std::runtime_error(
            fmt::format("'{}' is not a regular file (a folder, FIFO or device)", path));
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
    if (!h5::exists(file_, base))
        throw std::runtime_error(
            fmt::format("'{}' has no spikes of population '{}'", path_, population));
    const h5::CheckedDataset times(file_, base + "/timestamps", h5::Element::float64);
    const h5::CheckedDataset ids(file_, base + "/node_ids", h5::Element::uint64);
    if (times.rows() != ids.rows())
        throw ids.error(fmt::format("{} node ids for {} timestamps", ids.rows(), times.rows()));
    d.timestamps = times.read_all<double>(true);
    d.node_ids = ids.read_all<std::uint64_t>();
    return d;
}

ReportData SonataFile::report(const std::string& population, const std::string& variable) const {
    ReportData r;
    const std::string base = "/report/" + population + "/" + variable;
    if (!h5::exists(file_, base))
        throw std::runtime_error(
            fmt::format("'{}' has no report {}/{}", path_, population, variable));
    const h5::CheckedDataset data(file_, base + "/data", h5::Element::float32, 1, 2);
    r.rows = data.rows();
    r.cols = data.cols();
    const ReportMapping m = read_report_mapping(file_, base, r.cols);
    r.data = data.read_all<float>();
    r.node_ids = m.node_ids;
    r.start = m.start, r.stop = m.stop, r.step = m.step;
    r.units = units_of(data);
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
    if (!h5::exists(file_, base))
        throw std::runtime_error(
            fmt::format("'{}' has no weight record {}/{}", path_, projection, kind));
    WeightData w;
    const bool histogram = kind == "histogram";
    const h5::CheckedDataset data(file_, base + (histogram ? "/counts" : "/data"),
                                  h5::Element::float32, 1, 2);
    w.rows = data.rows();
    w.cols = data.cols();
    w.data = data.read_all<float>();
    w.times = h5::CheckedDataset(file_, base + "/times", h5::Element::float64).read_all<double>();
    if (histogram) {
        const h5::CheckedDataset edges(file_, base + "/bin_edges", h5::Element::float64);
        if (edges.rows() != w.cols + 1)
            throw edges.error(
                fmt::format("{} bin edges for {} histogram bins", edges.rows(), w.cols));
        w.bin_edges = edges.read_all<double>();
        w.units = units_of(edges);
    } else {
        for (const char* name : {"/source_ids", "/target_ids"}) {
            const h5::CheckedDataset ids(file_, base + name, h5::Element::uint64);
            if (ids.rows() != w.cols)
                throw ids.error(fmt::format("{} ids for {} synapses", ids.rows(), w.cols));
            (name[1] == 's' ? w.source_ids : w.target_ids) = ids.read_all<std::uint64_t>();
        }
        w.units = units_of(data);
    }
    return w;
}

std::string SonataFile::experiment() const {
    if (!h5::exists(file_, "/metadata/experiment")) return {};
    return h5::read_string(file_, "/metadata/experiment");
}

std::vector<std::string> metadata_attribute_names() {
    // io/sonata_writer.cpp writes the first ones, the run session (session/run_metadata.cpp)
    // adds the figures; tests/session/test_run_session.cpp checks that a run's file holds no
    // other.
    std::vector<std::string> names = {"experiment_file",
                                      "seed",
                                      "version",
                                      "threads",
                                      "ranks",
                                      "dt_ms",
                                      "duration_ms",
                                      "synapses",
                                      "bytes_per_synapse",
                                      "wall_build_s",
                                      "run_id",
                                      "experiment_hash",
                                      "completed",
                                      "stopped",
                                      "wall_simulate_s",
                                      "wall_write_s",
                                      "wall_exchange_s",
                                      "real_time_factor",
                                      "synaptic_events",
                                      "synaptic_events_per_s",
                                      "astrocyte_updates_per_s",
                                      "peak_memory_bytes",
                                      "plastic_synapses",
                                      "bytes_per_plastic_synapse",
                                      "cpu_simulate_s",
                                      "cpu_write_s",
                                      "phase_other_s",
                                      "exchange_slices",
                                      "branching_factor",
                                      "branching_factor_pooled",
                                      "branching_spikes_counted",
                                      "checkpoints_written",
                                      "checkpoint_bytes",
                                      "checkpoint_write_s"};
    for (const auto phase : kPhaseNames) names.push_back(fmt::format("phase_{}_s", phase));
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::pair<std::string, std::string>> SonataFile::metadata() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& name : metadata_attribute_names())
        if (auto value = metadata_value(name); !value.empty()) out.emplace_back(name, value);
    return out;
}

std::size_t SonataFile::attribute_count(const std::string& group) const {
    if (!h5::exists(file_, group)) return 0;
    h5::Handle g(H5Oopen(file_, group.c_str(), H5P_DEFAULT));
    H5O_info_t info;
    if (g.get() < 0 || H5Oget_info2(g, &info, H5O_INFO_NUM_ATTRS) < 0) return 0;
    return static_cast<std::size_t>(info.num_attrs);
}

std::string SonataFile::metadata_value(const std::string& name) const {
    if (!h5::exists(file_, "/metadata") ||
        H5Aexists_by_name(file_, "/metadata", name.c_str(), H5P_DEFAULT) <= 0)
        return {};
    h5::Handle attr(H5Aopen_by_name(file_, "/metadata", name.c_str(), H5P_DEFAULT, H5P_DEFAULT));
    return attr.get() < 0 ? std::string() : h5::attribute_text(attr);
}

std::vector<std::pair<std::string, std::string>>
SonataFile::attributes(const std::string& group) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!h5::exists(file_, group)) return out;
    h5::Handle g(H5Oopen(file_, group.c_str(), H5P_DEFAULT));
    if (g.get() < 0) return out;
    H5O_info_t info;
    if (H5Oget_info2(g, &info, H5O_INFO_NUM_ATTRS) < 0) return out;
    for (hsize_t i = 0; i < info.num_attrs; ++i) {
        h5::Handle attr(
            H5Aopen_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT));
        if (attr.get() < 0) continue;
        const ssize_t n = H5Aget_name(attr, 0, nullptr);
        if (n < 0) continue;
        std::string name(static_cast<std::size_t>(n), '\0');
        H5Aget_name(attr, name.size() + 1, name.data());
        out.emplace_back(name, h5::attribute_text(attr));
    }
    return out;
}

} // namespace gliasim
