// SPDX-License-Identifier: MIT
#pragma once

// Damaging a written result file the way someone else's file could be, for the reader tests:
// a dataset replaced by one of another rank, type or content.

#include <catch2/catch.hpp>
#include <filesystem>
#include <hdf5.h>
#include <string>
#include <unistd.h>
#include <vector>

#include "io/sonata_writer.hpp"

namespace gliasim::test {

// A small, valid, completed result: population "n" (5 neurons, spikes of neurons 0..3 every
// 10 ms for 100 ms, dt 0.1 ms) and a 3-column report n/V_m sampled every 1 ms. `version` is
// the format version written.
inline std::filesystem::path write_small_result(const std::string& tag,
                                                const std::string& version) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("gliasim_damage_" + std::to_string(getpid()) + "_" + tag + ".h5");
    std::filesystem::remove(path);
    RunMetadata meta;
    meta.experiment_toml = "[populations.n]\nsize = 5\nmodel = \"lif_curr_exp\"\n";
    meta.version = version;
    meta.dt = 0.1;
    meta.duration = 100;
    SonataWriter w(path.string(), meta);
    w.open(RecordingLayout{
        0.1, 100, {{"n", "lif_curr_exp", 5, true}}, {{"n", "V_m", "mV", {0, 1, 2}, 0, 1, 100}}});
    std::vector<double> times;
    std::vector<std::uint64_t> ids;
    for (double t = 1; t < 100; t += 10)
        for (std::uint64_t i = 0; i < 4; ++i) times.push_back(t), ids.push_back(i);
    w.append_spikes(0, times, ids);
    w.append_samples(0, std::vector<float>(300, -60.0f), 100);
    meta.completed = true;
    w.close(meta);
    return path;
}

// Replaces dataset `path` of the HDF5 file `file` by one of file type `type`, dimensions `dims`
// (none: scalar) and contents `data` given in memory type `memtype`.
inline void replace_dataset(const std::string& file, const std::string& path, hid_t type,
                            const std::vector<hsize_t>& dims, hid_t memtype, const void* data) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    if (H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0)
        REQUIRE(H5Ldelete(f, path.c_str(), H5P_DEFAULT) >= 0);
    const hid_t space = dims.empty()
                            ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t ds =
        H5Dcreate2(f, path.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(ds >= 0);
    if (data) REQUIRE(H5Dwrite(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    H5Dclose(ds);
    H5Sclose(space);
    H5Fclose(f);
}

// A numeric dataset of doubles, stored as `type`.
inline void replace_with_doubles(const std::string& file, const std::string& path, hid_t type,
                                 const std::vector<hsize_t>& dims,
                                 const std::vector<double>& values) {
    replace_dataset(file, path, type, dims, H5T_NATIVE_DOUBLE, values.data());
}

// Sets the double attribute `name` of /metadata.
inline void set_metadata_double(const std::string& file, const std::string& name, double value) {
    const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    REQUIRE(f >= 0);
    const hid_t g = H5Gopen2(f, "/metadata", H5P_DEFAULT);
    if (H5Aexists(g, name.c_str()) > 0) H5Adelete(g, name.c_str());
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(g, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(a >= 0);
    H5Awrite(a, H5T_NATIVE_DOUBLE, &value);
    H5Aclose(a);
    H5Sclose(space);
    H5Gclose(g);
    H5Fclose(f);
}

} // namespace gliasim::test
