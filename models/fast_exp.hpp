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
// polynomial for exp(r) (Estrin's scheme), and 2^k assembled from the exponent bits. (A 2^(j/16)
// table would allow a shorter polynomial, but its lookup stops GCC from vectorising the loop.)
inline double exp_vectorisable(double x) {
    constexpr double log2e = 1.4426950408889634;
    constexpr double ln2_hi = 6.93147180369123816490e-01;
    constexpr double ln2_lo = 1.90821492927058770002e-10;
    constexpr double shifter = 0x1.8p52; // adding it rounds to an integer held in the low bits
    x = std::min(std::max(x, -700.0), 700.0);
    const double kd = (x * log2e + shifter) - shifter;
    const double r = (x - kd * ln2_hi) - kd * ln2_lo;
    // Estrin's scheme: the same polynomial as Horner's rule, but with a dependency chain of
    // depth 7 instead of 22, so successive neurons overlap in the pipeline.
    const double r2 = r * r;
    const double r4 = r2 * r2;
    const double r8 = r4 * r4;
    const double q0 = 1.0 + r;
    const double q1 = 1.0 / 2.0 + r * (1.0 / 6.0);
    const double q2 = 1.0 / 24.0 + r * (1.0 / 120.0);
    const double q3 = 1.0 / 720.0 + r * (1.0 / 5040.0);
    const double q4 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
    const double q5 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
    const double s0 = q0 + r2 * q1;
    const double s1 = q2 + r2 * q3;
    const double s2 = q4 + r2 * q5;
    const double p = (s0 + r4 * s1) + r8 * s2;
    // kd + shifter holds k in its low mantissa bits: subtracting the shifter's bits yields k.
    const std::int64_t k =
        std::bit_cast<std::int64_t>(kd + shifter) - std::bit_cast<std::int64_t>(shifter);
    const double scale = std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
    return p * scale;
}

} // namespace gliasim::models
