// SPDX-License-Identifier: MIT
#pragma once

// Typed access to the TOML of an experiment file. Every problem becomes an InputError that names
// the file, line and column, the key path and what was expected; errors inside what --set wrote
// are blamed on that override. Section readers (section_reader.hpp) build on it.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <toml++/toml.h>
#include <vector>

#include "core/types.hpp"
#include "core/units.hpp"
#include "core/value_spec.hpp"

namespace gliasim::experiment_io {

// Times beyond this (3000 years) cannot be step counts; refusing them when read keeps every
// later conversion to integer steps free of overflow.
constexpr double kMaxTimeMs = 1e14;

// "a, b, c": lists of allowed names in messages.
std::string join(const std::vector<std::string>& names);
// "a string", "an integer", ...: what a node is, for "expected X, got Y".
std::string type_name(const toml::node& n);
// A value of dimension `d` as a user writes it ("\"20 ms\""), for hints in messages.
std::string example_for(Dim d);
// A value in the internal unit of `d` as the resolved experiment writes it ("20 ms").
std::string quantity_text(double v, Dim d);
// "; did you mean 'x'?" when `word` is close to one of `names`, else `otherwise`.
std::string did_you_mean_or(const std::string& word, const std::vector<std::string>& names,
                            const std::string& otherwise);

class Reader {
public:
    Reader(std::string file, std::set<std::string> overridden);

    // A name accepted wherever a time is, e.g. "selforg_end" of an image task, so schedules
    // follow the task's phases instead of hand-computed times.
    void name_time(const std::string& name, double ms) { named_times_[name] = ms; }

    [[noreturn]] void fail(const toml::node* n, const std::string& key,
                           const std::string& msg) const;
    // Errors inside what --set wrote name that override; nodes with no position in the file
    // (tables --set created) are blamed on the override sharing the longest key prefix.
    [[noreturn]] void fail_at(std::uint32_t line, std::uint32_t col, const std::string& key,
                              const std::string& msg, const std::string* file = nullptr) const;

    const toml::table& table(const toml::node& n, const std::string& key) const;
    std::string string(const toml::node& n, const std::string& key) const;
    bool boolean(const toml::node& n, const std::string& key) const;
    // An integer in [lo, hi]; a float with an integral value is accepted too.
    std::int64_t integer(const toml::node& n, const std::string& key, std::int64_t lo,
                         std::int64_t hi, const std::string& what) const;
    double number(const toml::node& n, const std::string& key) const;
    // A quantity in dimension `d`: "20 ms" or a bare number in the internal unit.
    double quantity(const toml::node& n, const std::string& key, Dim d) const;
    // A constant quantity, or a distribution table { distribution = "normal", mean, std, ... }.
    ValueSpec value_spec(const toml::node& n, const std::string& key, Dim d) const;
    // Sorted ids of a population of `size` entities; at least one, none twice.
    std::vector<index_t> id_list(const toml::node& n, const std::string& key, index_t size) const;
    std::vector<std::string> string_list(const toml::node& n, const std::string& key) const;

private:
    double checked_time(const toml::node& n, const std::string& key, Dim d, double v) const;

    std::string file_;
    std::set<std::string> overridden_;
    std::map<std::string, double> named_times_;
};

} // namespace gliasim::experiment_io
