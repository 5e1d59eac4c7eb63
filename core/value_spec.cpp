// SPDX-License-Identifier: MIT
#include "value_spec.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace gliasim {

double ValueSpec::min_value() const {
    switch (kind) {
    case Kind::constant:
        return a;
    case Kind::normal:
        return low;
    case Kind::uniform:
        return std::max(a, low);
    case Kind::lognormal:
        return std::max(0.0, low);
    }
    return a;
}

double ValueSpec::max_value() const {
    switch (kind) {
    case Kind::constant:
        return a;
    case Kind::normal:
        return high;
    case Kind::uniform:
        return std::min(b, high);
    case Kind::lognormal:
        return high;
    }
    return a;
}

double ValueSpec::mean() const {
    switch (kind) {
    case Kind::constant:
        return a;
    case Kind::normal:
        return a;
    case Kind::uniform:
        return 0.5 * (a + b);
    case Kind::lognormal:
        return a;
    }
    return a;
}

double ValueSpec::draw(RandomStream& rs) const {
    // Truncated distributions redraw; after many misses the value is clamped so a pathological
    // specification (validated against earlier) can never hang the build.
    for (int attempt = 0; attempt < 1000; ++attempt) {
        double v = a;
        switch (kind) {
        case Kind::constant:
            return a;
        case Kind::normal:
            v = a + b * rs.normal();
            break;
        case Kind::uniform:
            v = rs.uniform(a, b);
            break;
        case Kind::lognormal: {
            // Parameterised by the mean and standard deviation of the value itself.
            const double s2 = std::log1p((b * b) / (a * a));
            const double mu = std::log(a) - 0.5 * s2;
            v = std::exp(mu + std::sqrt(s2) * rs.normal());
            break;
        }
        }
        if (v >= low && v <= high) return v;
    }
    return std::clamp(a, low, high);
}

std::string ValueSpec::describe() const {
    const auto u = internal_unit(dim);
    switch (kind) {
    case Kind::constant:
        return format_quantity(a, dim);
    case Kind::normal:
        return fmt::format("normal(mean={:g} {}, std={:g} {})", a, u, b, u);
    case Kind::uniform:
        return fmt::format("uniform({:g} {}, {:g} {})", a, u, b, u);
    case Kind::lognormal:
        return fmt::format("lognormal(mean={:g} {}, std={:g} {})", a, u, b, u);
    }
    return "?";
}

} // namespace gliasim
