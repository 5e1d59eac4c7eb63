// SPDX-License-Identifier: MIT
#pragma once

// Range checks of initial values (`[populations.X.initial]`), like those of parameters: a value
// no model state can sensibly hold (V_m = 1e300 mV, a negative concentration, a fraction above
// 1) is refused before the run instead of producing NaN or ±inf some steps in.

#include <optional>
#include <string>

#include "core/model_info.hpp"
#include "core/value_spec.hpp"

namespace gliasim {

struct StateRange {
    double min, max; // inclusive, in the internal unit of the state's dimension
};

// The values an initial `state` of model `m` may take.
StateRange initial_state_range(const ModelInfo& m, const StateSpec& state);

// Why `value` (a constant or a distribution) is not a valid initial value of `state`.
std::optional<std::string> initial_value_problem(const ModelInfo& m, const StateSpec& state,
                                                 const ValueSpec& value);

} // namespace gliasim
