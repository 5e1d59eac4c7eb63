// SPDX-License-Identifier: MIT
#pragma once

// One table of an experiment file read key by key. Each key the reading code asks for with get()
// is recorded as known, so the keys a section takes are declared where they are read; finish()
// refuses every other key with did-you-mean (or the list of allowed keys).
//
// The order of checks is part of the messages: a misspelt key must be reported as unknown before
// the "missing required key" it causes. So a section reader asks for all its keys first, then
// calls finish(), then judges the values through the Keys it got. Keys that decide which others
// exist (a model, a rule, a kind) may be judged before finish(), as they always were.

#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "reader.hpp"

namespace gliasim::experiment_io {

// A key of a table as a section reader declared it: its value (absent when the table lacks it)
// and its key path. The typed reads judge a present value and fail with file:line:col.
class Key {
public:
    Key(const Reader& r, const toml::table& t, const toml::node* n, std::string path)
        : r_(&r), table_(&t), node_(n), path_(std::move(path)) {}

    explicit operator bool() const { return node_ != nullptr; }
    const toml::node* node() const { return node_; }
    // The value of a present key (reading an absent one is a bug of the reader: logic_error).
    const toml::node& value() const;
    const std::string& path() const { return path_; }

    // This key, or "missing required key (what)" at the table.
    const Key& required(const std::string& what) const;

    // Typed reads of a present value (Reader's, at this key's path).
    std::string string() const;
    bool boolean() const;
    double number() const;
    std::int64_t integer(std::int64_t lo, std::int64_t hi, const std::string& what) const;
    double quantity(Dim d) const;
    ValueSpec value_spec(Dim d) const;
    const toml::table& table() const;
    std::vector<index_t> id_list(index_t size) const;
    std::vector<std::string> string_list() const;

    // At the value; when absent, at no position (blamed on an override, else line 1).
    [[noreturn]] void fail(const std::string& msg) const;
    // At the value; when absent, at the table that lacks it.
    [[noreturn]] void fail_or_at_table(const std::string& msg) const;

private:
    const Reader* r_;
    const toml::table* table_;
    const toml::node* node_;
    std::string path_;
};

class SectionReader {
public:
    // `path` is the table's key path ("projections.exc"; empty for the whole document).
    SectionReader(const Reader& r, const toml::table& t, std::string path)
        : r_(r), t_(t), path_(std::move(path)) {}

    // Declares `key` as known and returns it. Only before finish() (else std::logic_error: a
    // key declared after the check would already have been refused).
    Key get(std::string_view key);
    // Refuses the first undeclared key (in the table's order): "unknown key 'k' in <what>".
    void finish(const std::string& what);

    const Reader& reader() const { return r_; }
    const toml::table& table() const { return t_; }
    const std::string& path() const { return path_; }
    std::string key_path(std::string_view key) const;
    // At the table, with the table's path.
    [[noreturn]] void fail(const std::string& msg) const { r_.fail(&t_, path_, msg); }

private:
    const Reader& r_;
    const toml::table& t_;
    std::string path_;
    std::vector<std::string> known_; // in declaration order: the order of "(allowed: ...)"
    bool finished_ = false;
};

} // namespace gliasim::experiment_io
