// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace gliasim {

// A user-facing error in an experiment file or override: names the file, line and column, the
// key path, and what was expected. Commands turn it into exit status 2.
class InputError : public std::runtime_error {
public:
    InputError(std::string file, std::uint32_t line, std::uint32_t column, std::string key,
               std::string message);
    const std::string& file() const { return file_; }
    std::uint32_t line() const { return line_; }
    std::uint32_t column() const { return column_; }
    const std::string& key() const { return key_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    std::uint32_t line_;
    std::uint32_t column_;
    std::string key_;
    std::string message_;
};

} // namespace gliasim
