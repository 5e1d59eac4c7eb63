// SPDX-License-Identifier: MIT
#include "experiment_names.hpp"

#include <fmt/format.h>

namespace gliasim {

namespace {
bool is_ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}
} // namespace

std::optional<std::string> unsafe_name_reason(std::string_view name) {
    static const std::string rule =
        "names may use letters, digits, '_' and '-', must not start with a digit or '-', and "
        "have at most 64 characters";
    if (name.empty()) return "a name must not be empty; " + rule;
    if (name.size() > kMaxNameLength)
        return fmt::format("a name of {} characters is too long; {}", name.size(), rule);
    for (const char c : name) {
        if (is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '-') continue;
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x80) return "a name must be plain ASCII (no unicode lookalikes); " + rule;
        if (c == '/') return "a name must not contain '/' (it would be an HDF5 path); " + rule;
        return fmt::format("character {} is not allowed; {}",
                           byte < 0x20 || byte == 0x7f ? fmt::format("0x{:02X}", byte)
                                                       : fmt::format("'{}'", c),
                           rule);
    }
    if (is_ascii_digit(name.front()) || name.front() == '-')
        return "a name must not start with a digit or '-'; " + rule;
    return std::nullopt;
}

std::string printable_name(std::string_view name) {
    // Bare when TOML would take it as a bare key; quoted (as TOML writes it) otherwise.
    bool plain = !name.empty();
    for (const char c : name)
        plain = plain && (is_ascii_letter(c) || is_ascii_digit(c) || c == '_' || c == '-');
    if (plain) return std::string(name);
    std::string out = "\"";
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            out += std::string("\\") + c;
        else if (byte < 0x20 || byte >= 0x7f)
            out += fmt::format("\\x{:02X}", byte);
        else
            out += c;
    }
    return out + "\"";
}

} // namespace gliasim
