// SPDX-License-Identifier: MIT
#include "units.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace gliasim {

namespace {

struct UnitEntry {
    std::string_view symbol;
    Dim dim;
    double factor; // multiply a value in `symbol` by this to get the internal unit
};

constexpr std::array<UnitEntry, 34> kUnits{{
    {"s", Dim::time, 1e3},
    {"ms", Dim::time, 1.0},
    {"us", Dim::time, 1e-3},
    {"\xC2\xB5s", Dim::time, 1e-3},
    {"min", Dim::time, 6e4},
    {"h", Dim::time, 3.6e6},
    {"V", Dim::voltage, 1e3},
    {"mV", Dim::voltage, 1.0},
    {"uV", Dim::voltage, 1e-3},
    {"A", Dim::current, 1e12},
    {"mA", Dim::current, 1e9},
    {"uA", Dim::current, 1e6},
    {"nA", Dim::current, 1e3},
    {"pA", Dim::current, 1.0},
    {"fA", Dim::current, 1e-3},
    {"S", Dim::conductance, 1e9},
    {"mS", Dim::conductance, 1e6},
    {"uS", Dim::conductance, 1e3},
    {"nS", Dim::conductance, 1.0},
    {"pS", Dim::conductance, 1e-3},
    {"F", Dim::capacitance, 1e12},
    {"uF", Dim::capacitance, 1e6},
    {"nF", Dim::capacitance, 1e3},
    {"pF", Dim::capacitance, 1.0},
    {"Hz", Dim::frequency, 1.0},
    {"kHz", Dim::frequency, 1e3},
    {"1/s", Dim::frequency, 1.0},
    {"1/ms", Dim::frequency, 1e3},
    {"M", Dim::concentration, 1e6},
    {"mM", Dim::concentration, 1e3},
    {"uM", Dim::concentration, 1.0},
    {"\xC2\xB5M", Dim::concentration, 1.0},
    {"nM", Dim::concentration, 1e-3},
    {"1", Dim::dimensionless, 1.0},
}};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

} // namespace

std::string_view internal_unit(Dim d) {
    switch (d) {
    case Dim::dimensionless:
        return "1";
    case Dim::time:
        return "ms";
    case Dim::voltage:
        return "mV";
    case Dim::current:
        return "pA";
    case Dim::conductance:
        return "nS";
    case Dim::capacitance:
        return "pF";
    case Dim::frequency:
        return "Hz";
    case Dim::concentration:
        return "uM";
    }
    return "?";
}

std::string_view dim_name(Dim d) {
    switch (d) {
    case Dim::dimensionless:
        return "dimensionless";
    case Dim::time:
        return "time";
    case Dim::voltage:
        return "voltage";
    case Dim::current:
        return "current";
    case Dim::conductance:
        return "conductance";
    case Dim::capacitance:
        return "capacitance";
    case Dim::frequency:
        return "frequency";
    case Dim::concentration:
        return "concentration";
    }
    return "?";
}

std::optional<Quantity> unit_to_internal(double value, std::string_view unit) {
    for (const auto& u : kUnits) {
        if (u.symbol == unit) return Quantity{value * u.factor, u.dim};
    }
    return std::nullopt;
}

std::optional<Quantity> parse_quantity(std::string_view text, std::string* error) {
    auto fail = [&](std::string msg) -> std::optional<Quantity> {
        if (error) *error = std::move(msg);
        return std::nullopt;
    };
    std::string_view s = trim(text);
    if (s.empty()) return fail("empty quantity; expected a number and a unit such as \"20 ms\"");
    double value = 0;
    const char* first = s.data();
    const char* last = s.data() + s.size();
    if (*first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr == first)
        return fail(fmt::format("\"{}\" does not start with a number", s));
    if (!std::isfinite(value)) return fail(fmt::format("\"{}\" is not a finite number", s));
    std::string_view unit = trim(std::string_view(ptr, static_cast<size_t>(last - ptr)));
    if (unit.empty()) return Quantity{value, Dim::dimensionless};
    if (auto q = unit_to_internal(value, unit)) return q;
    return fail(fmt::format("unknown unit \"{}\" in \"{}\" (known: s ms us, V mV, pA nA uA, nS "
                            "uS mS, pF nF, Hz kHz, uM mM nM)",
                            unit, s));
}

std::string format_quantity(double value, Dim d) {
    if (d == Dim::dimensionless) return fmt::format("{:g}", value);
    return fmt::format("{:g} {}", value, internal_unit(d));
}

} // namespace gliasim
