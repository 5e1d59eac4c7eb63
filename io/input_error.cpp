// SPDX-License-Identifier: MIT
#include "input_error.hpp"

#include <fmt/format.h>

namespace gliasim {

namespace {
std::string render(const std::string& file, std::uint32_t line, std::uint32_t column,
                   const std::string& key, const std::string& message) {
    std::string where = file;
    if (line > 0) where += fmt::format(":{}:{}", line, column);
    if (key.empty()) return fmt::format("{}: error: {}", where, message);
    return fmt::format("{}: error: {}: {}", where, key, message);
}
} // namespace

InputError::InputError(std::string file, std::uint32_t line, std::uint32_t column, std::string key,
                       std::string message)
    : std::runtime_error(render(file, line, column, key, message)), file_(std::move(file)),
      line_(line), column_(column), key_(std::move(key)), message_(std::move(message)) {}

} // namespace gliasim
