// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gliasim {

// Physical dimensions a parameter may carry. Internally every value is stored in one unit per
// dimension (the NEST convention): ms, mV, pA, nS, pF, Hz, uM.
enum class Dim {
    dimensionless,
    time,
    voltage,
    current,
    conductance,
    capacitance,
    frequency,
    concentration,
};

// The internal unit of a dimension ("ms" for time), as written in docs and output attributes.
std::string_view internal_unit(Dim d);
std::string_view dim_name(Dim d);

struct Quantity {
    double value; // in the internal unit of `dim`
    Dim dim;
};

// Parses "20 ms", "0.6nS", "-65 mV", "5 Hz", "1e3 pA". Returns nullopt with `error` set when the
// text is not a number followed by a known unit.
std::optional<Quantity> parse_quantity(std::string_view text, std::string* error = nullptr);

// Converts a value given in `unit` (e.g. "s") to the internal unit of its dimension.
std::optional<Quantity> unit_to_internal(double value, std::string_view unit);

// "20 ms" from (20, Dim::time).
std::string format_quantity(double value, Dim d);

} // namespace gliasim
