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

} // namespace gliasim
