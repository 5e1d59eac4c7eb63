// SPDX-License-Identifier: MIT
#include "initial_values.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <string_view>
#include <utility>
#include <vector>

namespace gliasim {

namespace {

// Far beyond any physiological value, far inside float32 (reports) and double arithmetic.
constexpr double kMaxMagnitude = 1e9;
constexpr double kMaxVoltageMv = 1000;

// State variables that are fractions or probabilities (gating variables, resource fractions).
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kFractions = {{
    {"astrocyte_lr", "h_IP3R"},
    {"astrocyte_gchi", "Gamma_A"},
    {"astrocyte_gchi", "h"},
    {"astrocyte_gchi", "x_A"},
    {"astrocyte_gchi", "Gamma_S"},
    {"astrocyte_gchi", "release"},
}};

std::string bound_text(double v, Dim d) {
    return d == Dim::dimensionless ? fmt::format("{:g}", v)
                                   : fmt::format("{:g} {}", v, internal_unit(d));
}

} // namespace

StateRange initial_state_range(const ModelInfo& m, const StateSpec& state) {
    for (const auto& [model, var] : kFractions)
        if (m.name == model && state.name == var) return {0, 1};
    switch (state.dim) {
    case Dim::voltage:
        return {-kMaxVoltageMv, kMaxVoltageMv};
    case Dim::conductance:
    case Dim::concentration:
    case Dim::frequency:
        return {0, kMaxMagnitude};
    default:
        return {-kMaxMagnitude, kMaxMagnitude};
    }
}

std::optional<std::string> initial_value_problem(const ModelInfo& m, const StateSpec& state,
                                                 const ValueSpec& value) {
    const StateRange range = initial_state_range(m, state);
    // What the value can be: a constant, a uniform's bounds, a distribution's mean and finite
    // truncation bounds (unbounded normal tails are the user's choice, e.g. COBA's g_in).
    std::vector<std::pair<const char*, double>> points;
    switch (value.kind) {
    case ValueSpec::Kind::constant:
        points = {{"", value.a}};
        break;
    case ValueSpec::Kind::uniform:
        points = {{"low ", value.a}, {"high ", value.b}};
        break;
    case ValueSpec::Kind::normal:
    case ValueSpec::Kind::lognormal:
        points = {{"mean ", value.a}};
        if (std::isfinite(value.low)) points.emplace_back("low ", value.low);
        if (std::isfinite(value.high)) points.emplace_back("high ", value.high);
        if (!(std::abs(value.b) <= kMaxMagnitude))
            return fmt::format("std {} is too large (at most {})", bound_text(value.b, state.dim),
                               bound_text(kMaxMagnitude, state.dim));
        break;
    }
    for (const auto& [label, v] : points)
        if (!(v >= range.min && v <= range.max))
            return fmt::format(
                "{}{} is out of range; an initial {} of model {} must be in [{}, {}]", label,
                bound_text(v, state.dim), state.name, m.name, bound_text(range.min, state.dim),
                bound_text(range.max, state.dim));
    return std::nullopt;
}

} // namespace gliasim
