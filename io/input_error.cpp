// SPDX-License-Identifier: MIT
#include "input_error.hpp"

#include <fmt/format.h>

namespace gliasim {

namespace {
// An error is one line on stderr, whatever a hostile file put into a name, key or path:
// control characters (a newline, NUL, escape sequences) are shown escaped.
std::string one_line(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            out += c == '\n' ? std::string("\\n") : fmt::format("\\x{:02X}", byte);
        else
            out += c;
    }
    return out;
}

std::string render(const std::string& file, std::uint32_t line, std::uint32_t column,
                   const std::string& key, const std::string& message) {
    std::string where = file;
    if (line > 0) where += fmt::format(":{}:{}", line, column);
    if (key.empty()) return one_line(fmt::format("{}: error: {}", where, message));
    return one_line(fmt::format("{}: error: {}: {}", where, key, message));
}
} // namespace

InputError::InputError(std::string file, std::uint32_t line, std::uint32_t column, std::string key,
                       std::string message)
    : std::runtime_error(render(file, line, column, key, message)), file_(std::move(file)),
      line_(line), column_(column), key_(std::move(key)), message_(std::move(message)) {}

} // namespace gliasim
