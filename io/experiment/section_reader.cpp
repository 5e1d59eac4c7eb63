// SPDX-License-Identifier: MIT
#include "section_reader.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

#include "core/registry.hpp"

namespace gliasim::experiment_io {

const Key& Key::required(const std::string& what) const {
    if (!node_) r_->fail(table_, path_, "missing required key (" + what + ")");
    return *this;
}

const toml::node& Key::value() const {
    // Reading an absent key is a bug of the section reader, not of the file.
    if (!node_) throw std::logic_error("experiment reader: absent key " + path_ + " read");
    return *node_;
}

std::string Key::string() const {
    return r_->string(value(), path_);
}
bool Key::boolean() const {
    return r_->boolean(value(), path_);
}
double Key::number() const {
    return r_->number(value(), path_);
}
std::int64_t Key::integer(std::int64_t lo, std::int64_t hi, const std::string& what) const {
    return r_->integer(value(), path_, lo, hi, what);
}
double Key::quantity(Dim d) const {
    return r_->quantity(value(), path_, d);
}
ValueSpec Key::value_spec(Dim d) const {
    return r_->value_spec(value(), path_, d);
}
const toml::table& Key::table() const {
    return r_->table(value(), path_);
}

std::vector<index_t> Key::id_list(index_t size) const {
    return r_->id_list(value(), path_, size);
}
std::vector<std::string> Key::string_list() const {
    return r_->string_list(value(), path_);
}

void Key::fail(const std::string& msg) const {
    r_->fail(node_, path_, msg);
}
void Key::fail_or_at_table(const std::string& msg) const {
    r_->fail(node_ ? node_ : table_, path_, msg);
}

std::string SectionReader::key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Key SectionReader::get(std::string_view key) {
    if (finished_)
        throw std::logic_error("experiment reader: key " + key_path(key) +
                               " declared after finish()");
    known_.emplace_back(key);
    return Key(r_, t_, t_.get(key), key_path(key));
}

void SectionReader::finish(const std::string& what) {
    finished_ = true;
    for (const auto& [k, v] : t_) {
        const std::string name(k.str());
        if (std::find(known_.begin(), known_.end(), name) != known_.end()) continue;
        std::string msg = fmt::format("unknown key '{}' in {}", name, what);
        const auto guess = closest_match(name, known_);
        if (!guess.empty())
            msg += fmt::format("; did you mean '{}'?", guess);
        else
            msg += fmt::format(" (allowed: {})", join(known_));
        // Point at the key (`key = value`) or at the `[header]` of a table, not at a value.
        if (v.is_table() && !v.as_table()->is_inline() && v.source().begin.line > 0)
            r_.fail(&v, key_path(name), msg);
        r_.fail_at(k.source().begin.line, k.source().begin.column, key_path(name), msg);
    }
}

} // namespace gliasim::experiment_io
