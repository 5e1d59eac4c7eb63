// SPDX-License-Identifier: MIT
#include "h5_blocks.hpp"

#include <fmt/format.h>

namespace gliasim::analysis {

BlockReader::BlockReader(hid_t file, const std::string& path, const std::string& file_name)
    : where_(fmt::format("'{}' dataset {}", file_name, path)) {
    if (H5Lexists(file, path.c_str(), H5P_DEFAULT) <= 0 ||
        (ds_ = h5::Handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT))).get() < 0)
        throw std::runtime_error(fmt::format("{}: missing", where_));
    space_ = h5::Handle(H5Dget_space(ds_));
    rank_ = H5Sget_simple_extent_ndims(space_);
    if (rank_ < 1 || rank_ > 2)
        throw std::runtime_error(fmt::format("{}: expected 1 or 2 dimensions", where_));
    hsize_t dims[2] = {0, 1};
    H5Sget_simple_extent_dims(space_, dims, nullptr);
    rows_ = dims[0];
    cols_ = rank_ == 2 ? dims[1] : 1;
}

void BlockReader::read(std::uint64_t first, std::uint64_t count, hid_t memtype, void* out) const {
    if (count == 0) return;
    const hsize_t start[2] = {first, 0};
    const hsize_t size[2] = {count, cols_};
    h5::Handle file_space(H5Scopy(space_));
    h5::Handle mem_space(H5Screate_simple(rank_, size, nullptr));
    if (H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, size, nullptr) < 0 ||
        H5Dread(ds_, memtype, mem_space, file_space, H5P_DEFAULT, out) < 0)
        throw std::runtime_error(
            fmt::format("{}: cannot read rows {}..{} (truncated or damaged file?)", where_, first,
                        first + count));
}

} // namespace gliasim::analysis
