// SPDX-License-Identifier: MIT
#pragma once

// A model's parameters and state variables, declared once. Each model writes one X-macro list;
// GLIASIM_PARAMS turns it into both the index enum (`p[V_th]`) and the schema (name, unit,
// default, range, doc) in the same order, so no second list has to follow the first by hand,
// and every field is named (designated initialisers, no anonymous trailing true/false):
//
//   #define LIF_PARAMS(X)   (each line but the last continued with a backslash)
//       X(V_th, .dim = Dim::voltage, .value = -55.0, .doc = "spike threshold")
//       X(C_m, .dim = Dim::capacitance, .value = 250.0, .min = 0, .min_exclusive = true,
//         .doc = "membrane capacitance")
//   GLIASIM_PARAMS(LIF_PARAMS);   // enum Param { V_th, C_m }; constexpr kParams{...}
//
// GLIASIM_STATE does the same for state variables with `Var::Id`, scoped by its struct so that
// a state named like a parameter or a local (u, v, A) cannot clash; a model's state(var)
// switches over Var::Id without a default, so the compiler reports a variable it forgets. The
// compiler checks what the order used to leave to the reader: a default outside its own range, or a
// choice index without a name, does not compile.

#include <array>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/model_info.hpp"

namespace gliasim::models {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// One parameter as a model declares it. Fields in the order a designated initialiser names them.
struct ParamDef {
    std::string_view name;
    Dim dim = Dim::dimensionless;
    double value = 0;   // default
    double min = -kInf; // valid range, inclusive unless the *_exclusive flag is set
    double max = kInf;
    bool min_exclusive = false;
    bool max_exclusive = false;
    // The value is in the weight unit of the projection's target (see ParamSpec).
    bool in_weight_unit = false;
    // A named option: the file gives one of these words and the value is its index. Unused
    // slots stay empty.
    std::array<std::string_view, 4> choices = {};
    std::string_view doc;

    constexpr std::size_t choice_count() const {
        std::size_t n = 0;
        while (n < choices.size() && !choices[n].empty()) ++n;
        return n;
    }
    constexpr bool default_valid() const {
        const bool above = min_exclusive ? value > min : value >= min;
        const bool below = max_exclusive ? value < max : value <= max;
        const std::size_t n = choice_count();
        const bool names_default = n == 0 || (value >= 0 && value < static_cast<double>(n) &&
                                              value == static_cast<double>(std::size_t(value)));
        return above && below && names_default;
    }
};

struct StateDef {
    std::string_view name;
    Dim dim = Dim::dimensionless;
    std::string_view doc;
};

template <std::size_t N> constexpr bool all_defaults_valid(const std::array<ParamDef, N>& defs) {
    for (const auto& d : defs)
        if (!d.default_valid()) return false;
    return true;
}

// The run-time schema (ModelInfo::params / ::state) of a declared list.
template <std::size_t N> std::vector<ParamSpec> param_specs(const std::array<ParamDef, N>& defs) {
    std::vector<ParamSpec> specs;
    specs.reserve(N);
    for (const ParamDef& d : defs) {
        ParamSpec s{.name = std::string(d.name),
                    .dim = d.dim,
                    .default_value = d.value,
                    .min = d.min,
                    .max = d.max,
                    .doc = std::string(d.doc),
                    .min_exclusive = d.min_exclusive,
                    .max_exclusive = d.max_exclusive,
                    .choices = {},
                    .in_weight_unit = d.in_weight_unit};
        for (std::size_t c = 0; c < d.choice_count(); ++c) s.choices.emplace_back(d.choices[c]);
        specs.push_back(std::move(s));
    }
    return specs;
}

template <std::size_t N> std::vector<StateSpec> state_specs(const std::array<StateDef, N>& defs) {
    std::vector<StateSpec> specs;
    specs.reserve(N);
    for (const StateDef& d : defs)
        specs.push_back({std::string(d.name), d.dim, std::string(d.doc)});
    return specs;
}

// What a model's state(var) does with an index outside its list: a caller bug (the kernel
// validates names against the schema), reported loudly instead of returning some other column.
[[noreturn]] inline void throw_unknown_state(std::string_view model, std::size_t var) {
    throw std::logic_error(std::string(model) + ": no state variable " + std::to_string(var));
}

} // namespace gliasim::models

#define GLIASIM_SCHEMA_ENUM_ENTRY(id, ...) id,
#define GLIASIM_SCHEMA_PARAM_DEF(id, ...) ::gliasim::models::ParamDef{.name = #id, __VA_ARGS__},
#define GLIASIM_SCHEMA_STATE_DEF(id, ...) ::gliasim::models::StateDef{.name = #id, __VA_ARGS__},

// enum Param (unscoped: indexes ParamValues directly) and kParams, from one list.
#define GLIASIM_PARAMS(LIST)                                                                       \
    enum Param { LIST(GLIASIM_SCHEMA_ENUM_ENTRY) kParamCount };                                    \
    constexpr std::array kParams{LIST(GLIASIM_SCHEMA_PARAM_DEF)};                                  \
    static_assert(kParams.size() == kParamCount);                                                  \
    static_assert(::gliasim::models::all_defaults_valid(kParams),                                  \
                  "a parameter's default lies outside its range or choices")

// Var::Id (scoped by its struct, so that Var::u cannot clash with a parameter or a local named u,
// yet still an index: y[Var::Ca]) and kState, from one list.
#define GLIASIM_STATE(LIST)                                                                        \
    struct Var {                                                                                   \
        enum Id : std::size_t { LIST(GLIASIM_SCHEMA_ENUM_ENTRY) };                                 \
    };                                                                                             \
    constexpr std::array kState {                                                                  \
        LIST(GLIASIM_SCHEMA_STATE_DEF)                                                             \
    }
