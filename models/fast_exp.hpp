// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>

#include "core/multiversion.hpp"

namespace gliasim::models {

// exp(x) for x in [-700, 700], relative error below 1e-14, written so that the compiler can
// vectorise loops that call it (glibc's exp is an opaque call that blocks vectorisation of the
// neuron update). Range reduction x = k ln2 + r with |r| <= ln2/2, a degree-11 Taylor
// polynomial for exp(r), and 2^k assembled from the exponent bits. (A 2^(j/16) table would
// allow a shorter polynomial, but its lookup stops GCC from vectorising the loop.)
inline double exp_vectorisable(double x) {
    constexpr double log2e = 1.4426950408889634;
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double shifter = 0x1.8p52; // adding it rounds to an integer held in the low bits
    x = std::min(std::max(x, -700.0), 700.0);
    const double kd = (x * log2e + shifter) - shifter;
    const double r = (x - kd * ln2_hi) - kd * ln2_lo;
    double p = 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // kd + shifter holds k in its low mantissa bits: subtracting the shifter's bits yields k.
    const std::int64_t k =
        std::bit_cast<std::int64_t>(kd + shifter) - std::bit_cast<std::int64_t>(shifter);
    const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
    return p * scale;
}

} // namespace gliasim::models
