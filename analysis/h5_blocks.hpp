// SPDX-License-Identifier: MIT
#pragma once

// Reading a 1-D or 2-D HDF5 dataset a block of rows at a time (hyperslabs), so that analysing
// a file never holds a whole large dataset in memory.

#include <cstdint>
#include <string>

#include "io/hdf5_util.hpp"

namespace gliasim::analysis {

class BlockReader {
public:
    // Throws std::runtime_error naming `path` inside `file_name` when the dataset is missing or
    // has more than two dimensions.
    BlockReader(hid_t file, const std::string& path, const std::string& file_name);
    std::uint64_t rows() const { return rows_; }
    std::uint64_t cols() const { return cols_; }
    // Reads rows [first, first + count) into `out` (row-major, `count * cols()` elements of
    // `memtype`). Throws naming the dataset when HDF5 cannot (a truncated file).
    void read(std::uint64_t first, std::uint64_t count, hid_t memtype, void* out) const;

private:
    std::string where_;
    h5::Handle ds_, space_;
    std::uint64_t rows_ = 0, cols_ = 1;
    int rank_ = 0;
};

} // namespace gliasim::analysis
