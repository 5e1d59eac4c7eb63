// SPDX-License-Identifier: MIT
#pragma once

// Small helpers over the HDF5 C API shared by the writer and the reader.

#include <hdf5.h>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace gliasim::h5 {

// Throws when an HDF5 call failed (negative id or status), naming what was being done.
inline hid_t check(hid_t id, const std::string& what) {
    if (id < 0) throw std::runtime_error("HDF5: failed to " + what);
    return id;
}

// Closes an HDF5 object of any kind when it goes out of scope.
class Handle {
public:
    Handle() = default;
    explicit Handle(hid_t id) : id_(id) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = -1; }
    Handle& operator=(Handle&& o) noexcept {
        std::swap(id_, o.id_);
        return *this;
    }
    ~Handle() {
        if (id_ >= 0) H5Idec_ref(id_); // closes any kind of HDF5 object at its last reference
    }
    hid_t get() const { return id_; }
    operator hid_t() const { return id_; }

private:
    hid_t id_ = -1;
};

void silence_errors();
hid_t create_group(hid_t parent, const std::string& name);
void write_string_attribute(hid_t obj, const std::string& name, const std::string& value);
void write_double_attribute(hid_t obj, const std::string& name, double value);
void write_uint_attribute(hid_t obj, const std::string& name, std::uint64_t value);
void write_string_dataset(hid_t parent, const std::string& name, const std::string& value);
// The element count of a dataset of `file` whose dimensions are `dims`, refused
// (std::runtime_error) when `element_size` bytes each would exceed what the file can hold
// (deflate compresses at most ~1032:1) or this machine's physical memory: a damaged file can
// claim any size, and the allocation would then fail outside the reader's documented errors.
hsize_t checked_element_count(hid_t file, std::span<const hsize_t> dims, std::size_t element_size,
                              const std::string& what);
// The value of a scalar string attribute (fixed or variable length), or "" when there is none;
// throws naming the file and object when it is not a scalar string (h5_checked.hpp).
std::string read_string_attribute(hid_t obj, const std::string& name);
// The text of a scalar string dataset (fixed or variable length); throws naming the file and
// path when it is missing, not a scalar string, or cannot be read (h5_checked.hpp).
std::string read_string_dataset(hid_t parent, const std::string& name);
// A fixed-size 1-D dataset written in one go.
void write_dataset(hid_t parent, const std::string& name, hid_t type, const void* data, hsize_t n);
// An extendible, chunked, compressed 1-D or 2-D dataset with zero rows.
hid_t create_extendible(hid_t parent, const std::string& name, hid_t type, hsize_t cols,
                        hsize_t chunk_rows);
// Appends `rows` rows (of `cols` elements) to an extendible dataset holding `have` rows.
void append_rows(hid_t dataset, hid_t memtype, const void* data, hsize_t have, hsize_t rows,
                 hsize_t cols);

} // namespace gliasim::h5
