// SPDX-License-Identifier: MIT
#include "sweep_csv.hpp"

#include <cctype>
#include <string_view>
#include <toml++/toml.h>

namespace gliasim::sweep {

namespace {

// Digits from `i` on; returns how many.
std::size_t digits_at(const std::string& s, std::size_t& i) {
    const std::size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i - start;
}

} // namespace

bool plain_decimal_number(const std::string& s) {
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    std::size_t mantissa = digits_at(s, i);
    if (i < s.size() && s[i] == '.') {
        ++i;
        mantissa += digits_at(s, i);
    }
    if (mantissa == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits_at(s, i) == 0) return false;
    }
    return i == s.size();
}

std::string csv_cell(const std::string& value) {
    std::string cell = value;
    const bool formula_like =
        !value.empty() &&
        std::string_view("=+-@\t\r'").find(value.front()) != std::string_view::npos &&
        !plain_decimal_number(value);
    if (formula_like) cell.insert(cell.begin(), '\'');
    if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
    std::string quoted = "\"";
    for (const char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string table_value(const std::string& toml_value) {
    if (toml_value.empty() || (toml_value.front() != '"' && toml_value.front() != '\''))
        return toml_value;
    try {
        const toml::table t = toml::parse("v = " + toml_value);
        if (const auto s = t["v"].value<std::string>(); s && t.size() == 1) return *s;
    } catch (const toml::parse_error&) {
    }
    return toml_value;
}

} // namespace gliasim::sweep
