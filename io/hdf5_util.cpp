// SPDX-License-Identifier: MIT
#include "hdf5_util.hpp"

#include "h5_checked.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

namespace gliasim::h5 {

void silence_errors() {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

hid_t create_group(hid_t parent, const std::string& name) {
    return check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 "create group " + name);
}

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
    Handle type(check(H5Tcopy(H5T_C_S1), "copy string type"));
    H5Tset_size(type, std::max<std::size_t>(1, value.size()));
    H5Tset_cset(type, H5T_CSET_UTF8);
    Handle space(check(H5Screate(H5S_SCALAR), "create scalar space"));
    Handle attr(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                      "create attribute " + name));
    const std::string padded = value.empty() ? std::string(1, '\0') : value;
    check(H5Awrite(attr, type, padded.data()), "write attribute " + name);
}

void write_double_attribute(hid_t obj, const std::string& name, double value) {
    Handle space(check(H5Screate(H5S_SCALAR), "create scalar space"));
    const hid_t attr =
        check(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              "create attribute " + name);
    check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute " + name);
    H5Aclose(attr);
}

void write_uint_attribute(hid_t obj, const std::string& name, std::uint64_t value) {
    Handle space(check(H5Screate(H5S_SCALAR), "create scalar space"));
    const hid_t attr =
        check(H5Acreate2(obj, name.c_str(), H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT),
              "create attribute " + name);
    check(H5Awrite(attr, H5T_NATIVE_UINT64, &value), "write attribute " + name);
    H5Aclose(attr);
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& value) {
    Handle type(check(H5Tcopy(H5T_C_S1), "copy string type"));
    H5Tset_size(type, std::max<std::size_t>(1, value.size()));
    H5Tset_cset(type, H5T_CSET_UTF8);
    Handle space(check(H5Screate(H5S_SCALAR), "create scalar space"));
    const hid_t ds =
        check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              "create dataset " + name);
    const std::string padded = value.empty() ? std::string(1, '\0') : value;
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()),
          "write dataset " + name);
    H5Dclose(ds);
}

void write_dataset(hid_t parent, const std::string& name, hid_t type, const void* data, hsize_t n) {
    Handle space(check(H5Screate_simple(1, &n, nullptr), "create space"));
    const hid_t ds =
        check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
              "create dataset " + name);
    if (n > 0) check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + name);
    H5Dclose(ds);
}

hsize_t checked_element_count(hid_t file, std::span<const hsize_t> dims, std::size_t element_size,
                              const std::string& what) {
    static const double memory =
        static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
    hsize_t file_bytes = 0;
    check(H5Fget_filesize(file, &file_bytes), "get the file size");
    const double limit = std::min(memory, 1100.0 * static_cast<double>(file_bytes) + 1048576.0);
    double bytes = static_cast<double>(element_size);
    hsize_t n = 1;
    for (const hsize_t d : dims) {
        bytes *= static_cast<double>(d);
        n *= d;
    }
    if (bytes > limit)
        throw std::runtime_error(fmt::format("HDF5: {} claims {:.4g} MiB, more than the file can "
                                             "hold or this machine's memory (damaged file?)",
                                             what, bytes / 1048576.0));
    return n;
}

std::string read_string_attribute(hid_t obj, const std::string& name) {
    return read_string_attr(obj, name);
}

std::string read_string_dataset(hid_t parent, const std::string& name) {
    return read_string(parent, name);
}

hid_t create_extendible(hid_t parent, const std::string& name, hid_t type, hsize_t cols,
                        hsize_t chunk_rows) {
    const int rank = cols == 0 ? 1 : 2;
    hsize_t dims[2] = {0, cols};
    hsize_t maxdims[2] = {H5S_UNLIMITED, cols};
    hsize_t chunk[2] = {std::max<hsize_t>(1, chunk_rows), std::max<hsize_t>(1, cols)};
    Handle space(check(H5Screate_simple(rank, dims, maxdims), "create space for " + name));
    Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "create property list"));
    check(H5Pset_chunk(dcpl, rank, chunk), "set chunking of " + name);
    H5Pset_shuffle(dcpl);
    // Level 1: most of the size gain at a fraction of the cost; a flush recompresses the
    // partially filled last chunk of every dataset.
    H5Pset_deflate(dcpl, 1);
    return check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                 "create dataset " + name);
}

void append_rows(hid_t dataset, hid_t memtype, const void* data, hsize_t have, hsize_t rows,
                 hsize_t cols) {
    if (rows == 0) return;
    const int rank = cols == 0 ? 1 : 2;
    hsize_t new_dims[2] = {have + rows, cols};
    check(H5Dset_extent(dataset, new_dims), "extend dataset");
    Handle file_space(check(H5Dget_space(dataset), "get dataset space"));
    hsize_t start[2] = {have, 0};
    hsize_t count[2] = {rows, cols};
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr),
          "select rows");
    Handle mem_space(check(H5Screate_simple(rank, count, nullptr), "create memory space"));
    check(H5Dwrite(dataset, memtype, mem_space, file_space, H5P_DEFAULT, data), "append rows");
}

} // namespace gliasim::h5
