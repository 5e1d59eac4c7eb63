// SPDX-License-Identifier: MIT
#pragma once

// The one checked way every reader of result files (info, analyze, the sweep code, resume)
// reaches an HDF5 object: before anything is read it checks that the path is made of hard links
// inside the file, that the dataset's rank, extent, element class, size and signedness are what
// the reader expects, that its data is stored in this file, and that its claimed size fits what
// the file can hold (h5::checked_element_count). Every refusal is a std::runtime_error
// "FILE: /path: expected ..., found ...".

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "hdf5_util.hpp"

namespace gliasim::h5 {

// The element type a reader wants in memory (named as gliasim writes it; any floating-point
// type of 4 or 8 bytes is accepted for float64/float32, any integer of up to 8 bytes for uint64,
// whose negative values are refused).
enum class Element { float64, float32, uint64 };

// The name of the file `obj` belongs to ("?" when HDF5 cannot tell).
std::string file_name_of(hid_t obj);

// True when `path` (absolute) names an object of `file` reached through hard links only; false
// when a part of it is missing. Throws for a soft, external or user-defined link on the way: a
// result file's data must live in the file itself.
bool exists(hid_t file, const std::string& path);

class CheckedDataset {
public:
    // Opens `path` of `file` and checks it: a simple dataspace of rank min_rank..max_rank, the
    // element class of `element`, contiguous or chunked data in this file, and a claimed size
    // the file can hold. Throws std::runtime_error naming the file and path otherwise (also
    // when it is missing).
    CheckedDataset(hid_t file, const std::string& path, Element element, int min_rank = 1,
                   int max_rank = 1);
    const std::string& path() const { return path_; }
    int rank() const { return rank_; }
    std::uint64_t rows() const { return rows_; }
    std::uint64_t cols() const { return cols_; }
    hid_t id() const { return ds_; }

    // Reads rows [first, first + count) (count * cols() elements) into `out`. Integers are
    // checked to be >= 0; with `finite`, floating-point values to be finite.
    void read_rows(std::uint64_t first, std::uint64_t count, double* out,
                   bool finite = false) const;
    void read_rows(std::uint64_t first, std::uint64_t count, float* out) const;
    void read_rows(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const;
    // The whole dataset.
    template <typename T> std::vector<T> read_all(bool finite = false) const {
        std::vector<T> out(rows_ * cols_);
        if constexpr (std::is_same_v<T, double>)
            read_rows(0, rows_, out.data(), finite);
        else
            read_rows(0, rows_, out.data());
        return out;
    }
    // "FILE: PATH: what", for the callers' own checks of the values.
    std::runtime_error error(const std::string& what) const;

private:
    void read_raw(std::uint64_t first, std::uint64_t count, hid_t memtype, void* out) const;

    std::string file_name_, path_;
    Handle ds_, space_;
    Element element_;
    bool signed_ = false;
    int rank_ = 0;
    std::uint64_t rows_ = 0, cols_ = 1;
};

// The text of the scalar string dataset `path` (fixed or variable length), cut at its first NUL.
// Throws naming the file and path when it is missing or is not a scalar string.
std::string read_string(hid_t file, const std::string& path);

// The text of the scalar string attribute `name` of `obj` (fixed or variable length), or ""
// when there is none; throws when it is not a scalar string.
std::string read_string_attr(hid_t obj, const std::string& name);

// Any attribute rendered as text: a string, a number (signed integers as signed), "?" for
// other classes, "[N values]" for one that is not a single element.
std::string attribute_text(hid_t attr);

} // namespace gliasim::h5
