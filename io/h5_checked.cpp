// SPDX-License-Identifier: MIT
#include "h5_checked.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace gliasim::h5 {

namespace {

// A string attribute or dataset longer than this is refused (the stored experiment of the
// largest shipped run is a few KiB).
constexpr std::size_t kMaxStringBytes = 64u << 20;

std::string element_name(Element e) {
    switch (e) {
    case Element::float64:
        return "float64";
    case Element::float32:
        return "float32";
    case Element::uint64:
        return "uint64";
    }
    return "?";
}

// "int32", "float64", "fixed-length string", "compound", ... of a stored type.
std::string type_name(hid_t type) {
    const std::size_t bits = H5Tget_size(type) * 8;
    switch (H5Tget_class(type)) {
    case H5T_INTEGER:
        return fmt::format("{}int{}", H5Tget_sign(type) == H5T_SGN_NONE ? "u" : "", bits);
    case H5T_FLOAT:
        return fmt::format("float{}", bits);
    case H5T_STRING:
        return H5Tis_variable_str(type) > 0 ? "variable-length string" : "fixed-length string";
    case H5T_COMPOUND:
        return "compound";
    case H5T_ENUM:
        return "enum";
    case H5T_VLEN:
        return "variable-length sequence";
    case H5T_ARRAY:
        return "array";
    case H5T_OPAQUE:
        return "opaque";
    case H5T_REFERENCE:
        return "reference";
    case H5T_BITFIELD:
        return "bitfield";
    case H5T_TIME:
        return "time";
    default:
        return "unknown-type";
    }
}

// "a 2-D float64 dataset (3 x 2)", "a scalar fixed-length string dataset", "an empty dataset".
std::string shape_name(hid_t space, hid_t type) {
    const H5S_class_t cls = H5Sget_simple_extent_type(space);
    if (cls == H5S_NULL)
        return fmt::format("an empty (null dataspace) {} dataset", type_name(type));
    if (cls == H5S_SCALAR) return fmt::format("a scalar {} dataset", type_name(type));
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 0 || rank > H5S_MAX_RANK) return "a dataset of unreadable shape";
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return fmt::format("a {}-D {} dataset ({})", rank, type_name(type), fmt::join(dims, " x "));
}

bool type_fits(hid_t type, Element e) {
    const std::size_t size = H5Tget_size(type);
    if (e == Element::uint64) return H5Tget_class(type) == H5T_INTEGER && size >= 1 && size <= 8;
    return H5Tget_class(type) == H5T_FLOAT && (size == 4 || size == 8);
}

// Data stored in another file (external raw storage or a virtual dataset) is refused: reading it
// would open a file the user did not name.
bool stored_in_this_file(hid_t ds) {
    Handle dcpl(H5Dget_create_plist(ds));
    if (dcpl.get() < 0) return false;
    const H5D_layout_t layout = H5Pget_layout(dcpl);
    if (layout != H5D_CONTIGUOUS && layout != H5D_CHUNKED && layout != H5D_COMPACT) return false;
    return H5Pget_external_count(dcpl) == 0;
}

std::runtime_error located(hid_t obj, const std::string& path, const std::string& what) {
    return std::runtime_error(fmt::format("{}: {}: {}", file_name_of(obj), path, what));
}

// Reads a scalar string of dataset (is_attr false) or attribute `obj`; `where` names it.
std::string read_scalar_string(hid_t obj, bool is_attr, const std::string& where, hid_t loc) {
    Handle type(is_attr ? H5Aget_type(obj) : H5Dget_type(obj));
    Handle space(is_attr ? H5Aget_space(obj) : H5Dget_space(obj));
    if (type.get() < 0 || space.get() < 0) throw located(loc, where, "cannot read its type");
    const bool scalar = H5Sget_simple_extent_type(space) == H5S_SCALAR;
    if (!scalar || H5Tget_class(type) != H5T_STRING) {
        const std::string found = shape_name(space, type);
        throw located(
            loc, where,
            fmt::format("expected a scalar string {}, found {}", is_attr ? "attribute" : "dataset",
                        is_attr ? found.substr(0, found.rfind(" dataset")) + " attribute" : found));
    }
    auto read = [&](hid_t memtype, void* buf) {
        return is_attr ? H5Aread(obj, memtype, buf)
                       : H5Dread(obj, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
    };
    Handle mem(check(H5Tcopy(H5T_C_S1), "copy string type"));
    // HDF5 converts no string between character sets: read in the stored one (ASCII or UTF-8).
    H5Tset_cset(mem, H5Tget_cset(type));
    if (H5Tis_variable_str(type) > 0) {
        H5Tset_size(mem, H5T_VARIABLE);
        char* text = nullptr;
        if (read(mem, &text) < 0) throw located(loc, where, "cannot read the string");
        std::string s = text ? std::string(text, strnlen(text, kMaxStringBytes + 1)) : "";
        H5free_memory(text);
        if (s.size() > kMaxStringBytes)
            throw located(loc, where, fmt::format("a string over {} MiB", kMaxStringBytes >> 20));
        return s;
    }
    const std::size_t size = H5Tget_size(type);
    if (size == 0 || size > kMaxStringBytes)
        throw located(loc, where, fmt::format("a fixed-length string of {} bytes", size));
    const hsize_t dims[1] = {size};
    if (!is_attr) checked_element_count(loc, dims, 1, where);
    H5Tset_size(mem, size);
    H5Tset_strpad(mem, H5T_STR_NULLPAD);
    std::string s(size, '\0');
    if (read(mem, s.data()) < 0) throw located(loc, where, "cannot read the string");
    s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
    return s;
}

} // namespace

std::string file_name_of(hid_t obj) {
    const ssize_t n = H5Fget_name(obj, nullptr, 0);
    if (n <= 0) return "?";
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Fget_name(obj, name.data(), name.size() + 1);
    return name;
}

bool exists(hid_t file, const std::string& path) {
    std::string prefix = path.starts_with("/") ? "/" : "";
    std::size_t begin = prefix.size();
    while (begin < path.size()) {
        const std::size_t end = std::min(path.find('/', begin), path.size());
        if (end > begin) {
            prefix += (prefix.empty() || prefix.back() == '/' ? "" : "/") +
                      path.substr(begin, end - begin);
            if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
            H5L_info_t info;
            if (H5Lget_info(file, prefix.c_str(), &info, H5P_DEFAULT) < 0) return false;
            if (info.type != H5L_TYPE_HARD)
                throw located(file, prefix,
                              info.type == H5L_TYPE_SOFT
                                  ? "a soft link (a result file holds hard links only)"
                                  : "a link to another file (a result file holds its own data)");
        }
        begin = end + 1;
    }
    return true;
}

CheckedDataset::CheckedDataset(hid_t file, const std::string& path, Element element, int min_rank,
                               int max_rank)
    : file_name_(file_name_of(file)), path_(path), element_(element) {
    if (!exists(file, path)) throw error("missing");
    if ((ds_ = Handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT))).get() < 0)
        throw error(fmt::format("expected a {} dataset, found a group (or another object)",
                                element_name(element)));
    space_ = Handle(H5Dget_space(ds_));
    Handle type(H5Dget_type(ds_));
    if (space_.get() < 0 || type.get() < 0) throw error("cannot read its shape and type");
    const bool simple = H5Sget_simple_extent_type(space_) == H5S_SIMPLE;
    rank_ = simple ? H5Sget_simple_extent_ndims(space_) : 0;
    if (!simple || rank_ < min_rank || rank_ > max_rank || !type_fits(type, element)) {
        const std::string ranks = min_rank == max_rank
                                      ? fmt::format("{}-D", min_rank)
                                      : fmt::format("{}-D or {}-D", min_rank, max_rank);
        throw error(fmt::format("expected a {} {} dataset, found {}", ranks, element_name(element),
                                shape_name(space_, type)));
    }
    signed_ = H5Tget_class(type) == H5T_INTEGER && H5Tget_sign(type) != H5T_SGN_NONE;
    if (!stored_in_this_file(ds_))
        throw error("its data is stored outside the file (external or virtual dataset)");
    hsize_t dims[2] = {0, 1};
    H5Sget_simple_extent_dims(space_, dims, nullptr);
    rows_ = dims[0];
    cols_ = rank_ == 2 ? dims[1] : 1;
    // Zero rows still claim their columns: a reader sizes per-column state by them.
    const hsize_t claim[2] = {std::max<hsize_t>(rows_, 1), std::max<hsize_t>(cols_, 1)};
    checked_element_count(file, claim, element == Element::float32 ? 4 : 8,
                          file_name_ + ": " + path_);
}

std::runtime_error CheckedDataset::error(const std::string& what) const {
    return std::runtime_error(fmt::format("{}: {}: {}", file_name_, path_, what));
}

void CheckedDataset::read_raw(std::uint64_t first, std::uint64_t count, hid_t memtype,
                              void* out) const {
    if (count == 0) return;
    if (first > rows_ || count > rows_ - first)
        throw error(fmt::format("rows {}..{} asked of {}", first, first + count, rows_));
    const hsize_t start[2] = {first, 0};
    const hsize_t size[2] = {count, cols_};
    Handle file_space(H5Scopy(space_));
    Handle mem_space(H5Screate_simple(rank_, size, nullptr));
    if (H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, size, nullptr) < 0 ||
        H5Dread(ds_, memtype, mem_space, file_space, H5P_DEFAULT, out) < 0)
        throw error(fmt::format("cannot read rows {}..{} (truncated or damaged file?)", first,
                                first + count));
}

void CheckedDataset::read_rows(std::uint64_t first, std::uint64_t count, double* out,
                               bool finite) const {
    if (element_ == Element::uint64) throw error("read as floating point");
    read_raw(first, count, H5T_NATIVE_DOUBLE, out);
    if (!finite) return;
    for (std::uint64_t k = 0; k < count * cols_; ++k)
        if (!std::isfinite(out[k]))
            throw error(fmt::format("value {} at row {} is not a finite number", out[k],
                                    first + k / cols_));
}

void CheckedDataset::read_rows(std::uint64_t first, std::uint64_t count, float* out) const {
    if (element_ == Element::uint64) throw error("read as floating point");
    read_raw(first, count, H5T_NATIVE_FLOAT, out);
}

void CheckedDataset::read_rows(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const {
    if (element_ != Element::uint64) throw error("read as integers");
    if (!signed_) return read_raw(first, count, H5T_NATIVE_UINT64, out);
    // HDF5 would convert a negative value to 0 without a word: read signed and refuse them.
    static_assert(sizeof(std::int64_t) == sizeof(std::uint64_t));
    read_raw(first, count, H5T_NATIVE_INT64, out);
    for (std::uint64_t k = 0; k < count * cols_; ++k) {
        std::int64_t v;
        std::memcpy(&v, out + k, sizeof v);
        if (v < 0)
            throw error(fmt::format("value {} at row {} is negative (an id or count)", v,
                                    first + k / cols_));
    }
}

std::string read_string(hid_t file, const std::string& path) {
    if (!exists(file, path)) throw located(file, path, "missing");
    Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
    if (ds.get() < 0)
        throw located(file, path,
                      "expected a scalar string dataset, found a group (or another object)");
    return read_scalar_string(ds, false, path, file);
}

std::string read_string_attr(hid_t obj, const std::string& name) {
    if (H5Aexists(obj, name.c_str()) <= 0) return {};
    Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT));
    if (attr.get() < 0) return {};
    const ssize_t n = H5Iget_name(obj, nullptr, 0);
    std::string object(static_cast<std::size_t>(std::max<ssize_t>(n, 0)), '\0');
    if (n > 0) H5Iget_name(obj, object.data(), object.size() + 1);
    return read_scalar_string(attr, true, fmt::format("{} attribute '{}'", object, name), obj);
}

std::string attribute_text(hid_t attr) {
    Handle type(H5Aget_type(attr));
    Handle space(H5Aget_space(attr));
    if (type.get() < 0 || space.get() < 0) return "?";
    const hssize_t points = H5Sget_simple_extent_npoints(space);
    const bool single = H5Sget_simple_extent_type(space) == H5S_SCALAR ||
                        (H5Sget_simple_extent_type(space) == H5S_SIMPLE && points == 1);
    if (!single) return fmt::format("[{} values]", std::max<hssize_t>(points, 0));
    switch (H5Tget_class(type)) {
    case H5T_STRING: {
        if (H5Sget_simple_extent_type(space) != H5S_SCALAR) return "?";
        try {
            return read_scalar_string(attr, true, "attribute", attr);
        } catch (const std::runtime_error&) {
            return "?";
        }
    }
    case H5T_FLOAT: {
        double v = 0;
        return H5Aread(attr, H5T_NATIVE_DOUBLE, &v) < 0 ? "?" : fmt::format("{:g}", v);
    }
    case H5T_INTEGER: {
        if (H5Tget_sign(type) != H5T_SGN_NONE) {
            std::int64_t v = 0;
            return H5Aread(attr, H5T_NATIVE_INT64, &v) < 0 ? "?" : fmt::format("{}", v);
        }
        std::uint64_t v = 0;
        return H5Aread(attr, H5T_NATIVE_UINT64, &v) < 0 ? "?" : fmt::format("{}", v);
    }
    default:
        return "?";
    }
}

} // namespace gliasim::h5
