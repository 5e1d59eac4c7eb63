// SPDX-License-Identifier: MIT
#include "sonata_writer.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <random>

#include "file_ownership.hpp"
#include "hdf5_util.hpp"

namespace gliasim {

namespace {

// Spikes per chunk. Each flush rewrites the last, partial chunk of a dataset to new file space
// (see open()), so smaller chunks waste less; much smaller ones compress worse.
constexpr hsize_t kSpikeChunk = 4096;

// SONATA's `sorting` attribute is an enum {none, by_id, by_time}.
void write_sorting(hid_t group, std::uint8_t value) {
    h5::Handle type(h5::check(H5Tenum_create(H5T_NATIVE_UINT8), "create enum"));
    const char* names[] = {"none", "by_id", "by_time"};
    for (std::uint8_t i = 0; i < 3; ++i) H5Tenum_insert(type, names[i], &i);
    h5::Handle space(h5::check(H5Screate(H5S_SCALAR), "create space"));
    h5::Handle attr(h5::check(H5Acreate2(group, "sorting", type, space, H5P_DEFAULT, H5P_DEFAULT),
                              "create sorting attribute"));
    h5::check(H5Awrite(attr, type, &value), "write sorting attribute");
}

// A name beside `path` that nothing uses yet (the file is then created exclusively).
std::string fresh_sibling(const std::string& path) {
    std::random_device random;
    return fmt::format("{}.{:08x}", path, random());
}

void write_metadata(hid_t file, const RunMetadata& m, const WriterIdentity& id, bool final) {
    h5::Handle g(H5Lexists(file, "metadata", H5P_DEFAULT) > 0
                     ? h5::check(H5Gopen2(file, "metadata", H5P_DEFAULT), "open /metadata")
                     : h5::create_group(file, "metadata"));
    if (!final) {
        h5::write_string_dataset(g, "experiment", m.experiment_toml);
        h5::write_string_attribute(g, "experiment_file", m.experiment_file);
        h5::write_uint_attribute(g, "seed", m.seed);
        h5::write_string_attribute(g, "version", m.version);
        h5::write_uint_attribute(g, "threads", static_cast<std::uint64_t>(m.threads));
        h5::write_uint_attribute(g, "ranks", static_cast<std::uint64_t>(m.ranks));
        h5::write_double_attribute(g, "dt_ms", m.dt);
        h5::write_double_attribute(g, "duration_ms", m.duration);
        h5::write_uint_attribute(g, "synapses", m.synapses);
        h5::write_double_attribute(g, "bytes_per_synapse", m.bytes_per_synapse);
        h5::write_double_attribute(g, "wall_build_s", m.wall_build);
        if (!id.run_id.empty()) {
            h5::write_string_attribute(g, "run_id", id.run_id);
            h5::write_uint_attribute(g, "experiment_hash", id.experiment_hash);
        }
        return;
    }
    h5::write_uint_attribute(g, "completed", m.completed ? 1 : 0);
    if (!m.stopped.empty()) h5::write_string_attribute(g, "stopped", m.stopped);
    h5::write_double_attribute(g, "wall_simulate_s", m.wall_simulate);
    h5::write_double_attribute(g, "wall_write_s", m.wall_write);
    h5::write_double_attribute(g, "wall_exchange_s", m.wall_exchange);
    h5::write_double_attribute(g, "real_time_factor", m.real_time_factor);
    h5::write_double_attribute(g, "synaptic_events", m.synaptic_events);
    h5::write_double_attribute(g, "synaptic_events_per_s", m.synaptic_events_per_s);
    h5::write_double_attribute(g, "astrocyte_updates_per_s", m.astrocyte_updates_per_s);
    h5::write_uint_attribute(g, "peak_memory_bytes", m.peak_memory_bytes);
    for (const auto& [name, value] : m.figures) h5::write_double_attribute(g, name, value);
}

} // namespace

SonataWriter::SonataWriter(std::string path, RunMetadata initial, WriterIdentity identity)
    : path_(std::move(path)), initial_(std::move(initial)), identity_(std::move(identity)) {}

SonataWriter::~SonataWriter() {
    // A writer destroyed without close() (an exception mid-run) still leaves a valid file.
    for (auto& s : spikes_) {
        if (s.times >= 0) H5Dclose(s.times);
        if (s.ids >= 0) H5Dclose(s.ids);
    }
    for (auto& r : reports_)
        if (r.data >= 0) H5Dclose(r.data);
    for (auto& w : weights_) {
        if (w.data >= 0) H5Dclose(w.data);
        if (w.times >= 0) H5Dclose(w.times);
    }
    if (file_ >= 0) H5Fclose(file_);
}

void SonataWriter::open(const RecordingLayout& layout) {
    h5::silence_errors();
    h5::Handle fapl(h5::check(H5Pcreate(H5P_FILE_ACCESS), "create file access list"));
    // Crash safety between flushes: file space freed while writing (a compressed chunk that
    // grew and moved) is never reused, so nothing the last flushed metadata points to is
    // overwritten; a run killed between flushes leaves the file as of its last flush.
    h5::Handle fcpl(h5::check(H5Pcreate(H5P_FILE_CREATE), "create file creation list"));
    h5::check(H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1),
              "set the file space strategy");
    errno = 0;
    file_ =
        H5Fcreate(path_.c_str(), identity_.exclusive ? H5F_ACC_EXCL : H5F_ACC_TRUNC, fcpl, fapl);
    if (file_ < 0)
        throw std::runtime_error(fmt::format("cannot create output file '{}'{}", path_,
                                             errno ? ": " + std::string(strerror(errno)) : ""));
    write_metadata(file_, initial_, identity_, false);

    h5::Handle spikes(h5::create_group(file_, "spikes"));
    spikes_.resize(layout.populations.size());
    for (std::size_t p = 0; p < layout.populations.size(); ++p) {
        const auto& pl = layout.populations[p];
        if (!pl.record_spikes) continue;
        h5::Handle g(h5::create_group(spikes, pl.name));
        write_sorting(g, 2);
        spikes_[p].times = h5::create_extendible(g, "timestamps", H5T_IEEE_F64LE, 0, kSpikeChunk);
        spikes_[p].ids = h5::create_extendible(g, "node_ids", H5T_STD_U64LE, 0, kSpikeChunk);
        h5::write_string_attribute(spikes_[p].times, "units", "ms");
    }

    reports_.resize(layout.reports.size());
    if (!layout.reports.empty()) {
        h5::Handle report(h5::create_group(file_, "report"));
        for (std::size_t r = 0; r < layout.reports.size(); ++r) {
            const auto& rl = layout.reports[r];
            if (H5Lexists(report, rl.population.c_str(), H5P_DEFAULT) <= 0)
                h5::Handle(h5::create_group(report, rl.population));
            h5::Handle pg(h5::check(H5Gopen2(report, rl.population.c_str(), H5P_DEFAULT),
                                    "open report group"));
            h5::Handle vg(h5::create_group(pg, rl.variable));
            const hsize_t cols = std::max<std::size_t>(1, rl.ids.size());
            const hsize_t chunk_rows = std::max<hsize_t>(1, 16384 / cols);
            reports_[r].data = h5::create_extendible(vg, "data", H5T_IEEE_F32LE, cols, chunk_rows);
            reports_[r].cols = rl.ids.size();
            h5::write_string_attribute(reports_[r].data, "units", rl.units);
            h5::Handle mg(h5::create_group(vg, "mapping"));
            std::vector<std::uint64_t> ids(rl.ids.begin(), rl.ids.end());
            h5::write_dataset(mg, "node_ids", H5T_STD_U64LE, ids.data(), ids.size());
            std::vector<std::uint64_t> ptr(ids.size() + 1);
            for (std::size_t i = 0; i < ptr.size(); ++i) ptr[i] = i;
            h5::write_dataset(mg, "index_pointers", H5T_STD_U64LE, ptr.data(), ptr.size());
            std::vector<std::uint32_t> elements(ids.size(), 0);
            h5::write_dataset(mg, "element_ids", H5T_STD_U32LE, elements.data(), elements.size());
            const double time[3] = {rl.start, rl.start + static_cast<double>(rl.samples) * rl.step,
                                    rl.step};
            h5::write_dataset(mg, "time", H5T_IEEE_F64LE, time, 3);
            h5::Handle td(h5::check(H5Dopen2(mg, "time", H5P_DEFAULT), "open time"));
            h5::write_string_attribute(td, "units", "ms");
        }
    }
    // Weights over time: /weights/<projection>/values (sampled synapses, with their source and
    // target node ids) and /weights/<projection>/histogram (counts per bin, with bin_edges).
    weights_.resize(layout.weight_reports.size());
    if (!layout.weight_reports.empty()) {
        h5::Handle root(h5::create_group(file_, "weights"));
        for (std::size_t w = 0; w < layout.weight_reports.size(); ++w) {
            const auto& wl = layout.weight_reports[w];
            if (H5Lexists(root, wl.projection.c_str(), H5P_DEFAULT) <= 0)
                h5::Handle(h5::create_group(root, wl.projection));
            h5::Handle pg(h5::check(H5Gopen2(root, wl.projection.c_str(), H5P_DEFAULT),
                                    "open weights group"));
            h5::Handle g(h5::create_group(pg, wl.histogram ? "histogram" : "values"));
            const hsize_t cols = std::max<std::size_t>(1, wl.histogram ? wl.bin_edges.size() - 1
                                                                       : wl.source_ids.size());
            const hsize_t chunk_rows = std::max<hsize_t>(1, 16384 / cols);
            weights_[w].cols = cols;
            weights_[w].data = h5::create_extendible(g, wl.histogram ? "counts" : "data",
                                                     H5T_IEEE_F32LE, cols, chunk_rows);
            weights_[w].times = h5::create_extendible(g, "times", H5T_IEEE_F64LE, 0, 1024);
            h5::write_string_attribute(weights_[w].times, "units", "ms");
            if (wl.histogram) {
                h5::write_dataset(g, "bin_edges", H5T_IEEE_F64LE, wl.bin_edges.data(),
                                  wl.bin_edges.size());
                h5::Handle be(h5::check(H5Dopen2(g, "bin_edges", H5P_DEFAULT), "open bin_edges"));
                h5::write_string_attribute(be, "units", wl.units);
            } else {
                h5::write_string_attribute(weights_[w].data, "units", wl.units);
                std::vector<std::uint64_t> src(wl.source_ids.begin(), wl.source_ids.end());
                std::vector<std::uint64_t> tgt(wl.target_ids.begin(), wl.target_ids.end());
                h5::write_dataset(g, "source_ids", H5T_STD_U64LE, src.data(), src.size());
                h5::write_dataset(g, "target_ids", H5T_STD_U64LE, tgt.data(), tgt.size());
            }
        }
    }
    flush();
}

void SonataWriter::append_weights(std::size_t w, double time, std::span<const float> row) {
    auto& ws = weights_[w];
    if (ws.data < 0) return;
    h5::append_rows(ws.data, H5T_NATIVE_FLOAT, row.data(), ws.rows, 1, ws.cols);
    h5::append_rows(ws.times, H5T_NATIVE_DOUBLE, &time, ws.rows, 1, 0);
    ++ws.rows;
}

void SonataWriter::append_spikes(std::size_t p, std::span<const double> times,
                                 std::span<const std::uint64_t> ids) {
    auto& s = spikes_[p];
    if (times.empty() || s.times < 0) return;
    h5::append_rows(s.times, H5T_NATIVE_DOUBLE, times.data(), s.n, times.size(), 0);
    h5::append_rows(s.ids, H5T_NATIVE_UINT64, ids.data(), s.n, ids.size(), 0);
    s.n += times.size();
}

void SonataWriter::append_samples(std::size_t r, std::span<const float> data, std::size_t rows) {
    auto& rs = reports_[r];
    h5::append_rows(rs.data, H5T_NATIVE_FLOAT, data.data(), rs.rows, rows,
                    std::max<std::uint64_t>(1, rs.cols));
    rs.rows += rows;
}

void SonataWriter::flush() {
    if (file_ >= 0) h5::check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "flush " + path_);
}

std::vector<std::uint64_t> SonataWriter::lengths() const {
    std::vector<std::uint64_t> n;
    for (const auto& sp : spikes_) n.push_back(sp.n);
    for (const auto& r : reports_) n.push_back(r.rows);
    for (const auto& w : weights_) n.push_back(w.rows);
    return n;
}

void SonataWriter::save_position(StateArchive& a) const {
    auto n = lengths();
    a.io("lengths", n);
}

// The interrupted run's file is not continued in place: a crash may have come in the middle
// of a flush after the checkpoint, and HDF5 would then reuse space that half-written metadata
// still points to. The prefix the checkpoint counted is copied into a new file instead, which
// then replaces the old one (rename); the old file is only read.
void SonataWriter::reopen(const RecordingLayout& layout, StateArchive& a) {
    h5::silence_errors();
    std::vector<std::uint64_t> n(layout.populations.size() + layout.reports.size() +
                                 layout.weight_reports.size());
    a.io("lengths", n);
    h5::Handle old(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (old.get() < 0)
        throw std::runtime_error(fmt::format(
            "cannot open the output '{}' of the interrupted run to continue it", path_));
    const std::string final_path = path_;
    // A fresh name, created exclusively: nothing that already exists is written or removed.
    path_ = fresh_sibling(final_path);
    const bool was_exclusive = identity_.exclusive;
    identity_.exclusive = true;
    try {
        open(layout);
        // Copies the first `rows` rows of `name` from the old file into `to` (holding none).
        auto copy = [&](const std::string& name, hid_t to, std::uint64_t rows) {
            h5::Handle from(H5Dopen2(old, name.c_str(), H5P_DEFAULT));
            if (from.get() < 0)
                throw std::runtime_error(fmt::format("'{}' has no dataset {}", final_path, name));
            h5::Handle space(h5::check(H5Dget_space(from), "get space of " + name));
            const int rank = H5Sget_simple_extent_ndims(space);
            hsize_t dims[2] = {0, 0};
            H5Sget_simple_extent_dims(space, dims, nullptr);
            if (dims[0] < rows)
                throw std::runtime_error(fmt::format(
                    "'{}': {} holds {} rows, fewer than the {} the checkpoint counted (is it the "
                    "output of this checkpoint's run?)",
                    final_path, name, dims[0], rows));
            const hsize_t cols = rank == 2 ? dims[1] : 0;
            h5::Handle ftype(h5::check(H5Dget_type(from), "get type of " + name));
            h5::Handle mtype(h5::check(H5Tget_native_type(ftype, H5T_DIR_ASCEND), "native type"));
            const std::size_t row_bytes = H5Tget_size(mtype) * std::max<hsize_t>(1, cols);
            const hsize_t block = std::max<hsize_t>(1, (8u << 20) / row_bytes);
            std::vector<unsigned char> buffer;
            for (hsize_t first = 0; first < rows; first += block) {
                const hsize_t count[2] = {std::min<hsize_t>(block, rows - first), cols};
                const hsize_t start[2] = {first, 0};
                buffer.resize(count[0] * row_bytes);
                h5::check(
                    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr),
                    "select rows of " + name);
                h5::Handle mem(h5::check(H5Screate_simple(rank, count, nullptr), "memory space"));
                h5::check(H5Dread(from, mtype, mem, space, H5P_DEFAULT, buffer.data()),
                          fmt::format("read {} of '{}' (damaged before the checkpoint?)", name,
                                      final_path));
                h5::append_rows(to, mtype, buffer.data(), first, count[0], cols);
            }
        };
        std::size_t k = 0;
        for (std::size_t p = 0; p < spikes_.size(); ++p, ++k) {
            if (spikes_[p].times < 0) continue;
            const std::string g = "spikes/" + layout.populations[p].name + "/";
            copy(g + "timestamps", spikes_[p].times, n[k]);
            copy(g + "node_ids", spikes_[p].ids, n[k]);
            spikes_[p].n = n[k];
        }
        for (std::size_t r = 0; r < reports_.size(); ++r, ++k) {
            const auto& rl = layout.reports[r];
            copy("report/" + rl.population + "/" + rl.variable + "/data", reports_[r].data, n[k]);
            reports_[r].rows = n[k];
        }
        for (std::size_t w = 0; w < weights_.size(); ++w, ++k) {
            const auto& wl = layout.weight_reports[w];
            const std::string g =
                "weights/" + wl.projection + (wl.histogram ? "/histogram/" : "/values/");
            copy(g + (wl.histogram ? "counts" : "data"), weights_[w].data, n[k]);
            copy(g + "times", weights_[w].times, n[k]);
            weights_[w].rows = n[k];
        }
        flush();
        old = h5::Handle();
        publish_file(path_, final_path, true);
    } catch (...) {
        if (file_ >= 0) std::remove(path_.c_str()); // created here (exclusively)
        path_ = final_path;
        identity_.exclusive = was_exclusive;
        throw;
    }
    path_ = final_path;
    identity_.exclusive = was_exclusive;
}

void SonataWriter::close(const RunMetadata& meta) {
    if (file_ < 0) return;
    write_metadata(file_, meta, identity_, true);
    for (auto& s : spikes_) {
        if (s.times >= 0) H5Dclose(s.times);
        if (s.ids >= 0) H5Dclose(s.ids);
        s.times = s.ids = -1;
    }
    for (auto& r : reports_) {
        if (r.data >= 0) H5Dclose(r.data);
        r.data = -1;
    }
    for (auto& w : weights_) {
        if (w.data >= 0) H5Dclose(w.data);
        if (w.times >= 0) H5Dclose(w.times);
        w.data = w.times = -1;
    }
    h5::check(H5Fclose(file_), "close " + path_);
    file_ = -1;
}

} // namespace gliasim
