// SPDX-License-Identifier: MIT
#pragma once

// Numerical-fault detection: a scan of a population's state columns for NaN or infinity, run by
// the kernel now and then over each thread's own range (never inside a model's update loop).

#include <cstddef>
#include <optional>

#include "model.hpp"

namespace gliasim {

struct NonFiniteState {
    index_t entity;
    std::size_t variable; // index into the model's StateSpec list
    double value;
};

// The first entity of `range` (lowest variable first) whose state is NaN or infinite.
std::optional<NonFiniteState> first_non_finite(Population& population, std::size_t variables,
                                               IndexRange range);

} // namespace gliasim
