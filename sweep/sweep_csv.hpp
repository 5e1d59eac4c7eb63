// SPDX-License-Identifier: MIT
#pragma once

// The cells of `gliasim collect`'s CSV table: RFC 4180 quoting, and OWASP's rule against
// formula injection, so that a value from someone else's sweep file never runs as a formula in a
// spreadsheet, yet reads back exactly.

#include <string>

namespace gliasim::sweep {

// A cell starting with '=', '+', '-', '@', a tab or a carriage return (OWASP's list), or with
// "'" itself (so that the rule can be undone), gets a leading "'"; a plain decimal number
// ("-3", "-1.5e-3") is left alone: a spreadsheet reads it as that number, never as a formula.
// Then a cell holding ',', '"', a line feed or a carriage return is quoted, '"' doubled.
// A reader gets the value back by undoing the quoting and, where the cell starts with "'",
// dropping that first character.
std::string csv_cell(const std::string& value);

// Whether `s` is a plain decimal number: [-]digits[.digits][e[+-]digits] (or .digits).
bool plain_decimal_number(const std::string& s);

// The value a swept TOML value stands for in the table: a TOML string's content (escapes
// decoded: "a\nb" is a, line feed, b), any other value its TOML text.
std::string table_value(const std::string& toml_value);

} // namespace gliasim::sweep
