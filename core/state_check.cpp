// SPDX-License-Identifier: MIT
#include "state_check.hpp"

#include <cmath>
#include <limits>

namespace gliasim {

std::optional<NonFiniteState> first_non_finite(Population& population, std::size_t variables,
                                               IndexRange range) {
    constexpr double kMax = std::numeric_limits<double>::max();
    for (std::size_t v = 0; v < variables; ++v) {
        const double* x = population.state(v).data();
        // A branch-free pass the compiler vectorises (NaN fails every comparison); the slow
        // search runs only once something was found.
        bool bad = false;
        for (index_t i = range.begin; i < range.end; ++i) bad |= !(std::fabs(x[i]) <= kMax);
        if (!bad) continue;
        for (index_t i = range.begin; i < range.end; ++i)
            if (!std::isfinite(x[i])) return NonFiniteState{i, v, x[i]};
    }
    return std::nullopt;
}

} // namespace gliasim
