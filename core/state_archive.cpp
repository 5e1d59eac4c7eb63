// SPDX-License-Identifier: MIT
#include "state_archive.hpp"

namespace gliasim {

void StateArchive::put(std::string_view name, ArrayType type, std::size_t element_size,
                       const void* data, std::size_t count) {
    StoredArray a;
    a.type = type;
    a.element_size = element_size;
    a.bytes.resize(count * element_size);
    if (count) std::memcpy(a.bytes.data(), data, a.bytes.size());
    const auto [it, inserted] = out_->emplace(path(name), std::move(a));
    if (!inserted) throw std::logic_error("checkpoint array '" + it->first + "' listed twice");
}

const StoredArray& StateArchive::get(std::string_view name, ArrayType type,
                                     std::size_t element_size) const {
    const std::string p = path(name);
    const auto it = in_->find(p);
    if (it == in_->end())
        throw CheckpointMismatch("the checkpoint has no array '" + p +
                                 "' (written by another version of gliasim or another network)");
    if (it->second.type != type || it->second.element_size != element_size)
        throw CheckpointMismatch("'" + p + "' has another element type in the checkpoint");
    return it->second;
}

std::string StateArchive::out_of_range(std::string_view name, std::size_t index,
                                       const std::string& value, const std::string& low,
                                       const std::string& high) const {
    return "'" + path(name) + "' element " + std::to_string(index) + " is " + value +
           ", outside its valid range [" + low + ", " + high + "]";
}

void put_header_position(CheckpointArrays& arrays, std::int64_t step, double time_ms) {
    auto put = [&](const char* name, ArrayType type, const void* value) {
        StoredArray a;
        a.type = type;
        a.element_size = 8;
        a.bytes.resize(8);
        std::memcpy(a.bytes.data(), value, 8);
        arrays[std::string(kHeaderArrays) + name] = std::move(a);
    };
    put("step", ArrayType::i64, &step);
    put("time_ms", ArrayType::f64, &time_ms);
}

} // namespace gliasim
