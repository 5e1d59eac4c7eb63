// SPDX-License-Identifier: MIT
#pragma once

#include <limits>
#include <string>

#include "rng.hpp"
#include "units.hpp"

namespace gliasim {

// A per-entity value: a constant or a distribution, in the internal unit of `dim`.
// Normal and uniform values may be truncated to [low, high] (out-of-range draws are redrawn).
struct ValueSpec {
    enum class Kind { constant, normal, uniform, lognormal };
    Kind kind = Kind::constant;
    Dim dim = Dim::dimensionless;
    double a = 0; // constant value | normal mean | uniform low | lognormal mean
    double b = 0; // normal std | uniform high | lognormal std
    double low = -std::numeric_limits<double>::infinity();
    double high = std::numeric_limits<double>::infinity();

    static ValueSpec constant(double v, Dim d = Dim::dimensionless) {
        return ValueSpec{Kind::constant, d, v, 0};
    }
    bool is_constant() const { return kind == Kind::constant; }

    // Smallest and largest value a draw can take (for range checks before building).
    double min_value() const;
    double max_value() const;
    // Mean of the distribution (after truncation it is approximate; used for sign checks).
    double mean() const;

    double draw(RandomStream& rs) const;

    std::string describe() const;
};

} // namespace gliasim
