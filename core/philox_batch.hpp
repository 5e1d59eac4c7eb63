// SPDX-License-Identifier: MIT
#pragma once

// Philox4x32-10 over many consecutive counters at once, written as plain loops over arrays so
// the compiler vectorises them. Produces exactly the words of r123::Philox4x32 for the counter
// {c0, first_entity + j, lo(counter), hi(counter)} and key {lo(seed), hi(seed)}; a unit test
// checks this against Random123.

#include <cstddef>
#include <cstdint>

namespace gliasim {

inline constexpr std::size_t kPhiloxBatch = 64;

struct PhiloxBatch {
    std::uint32_t w[4][kPhiloxBatch]; // w[word][block]
};

inline void philox_batch(std::uint64_t seed, std::uint32_t c0, std::uint32_t first_entity,
                         std::size_t n, std::uint64_t counter, PhiloxBatch& out) {
    constexpr std::uint64_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
    constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
    const auto key0 = static_cast<std::uint32_t>(seed);
    const auto key1 = static_cast<std::uint32_t>(seed >> 32);
    const auto ctr2 = static_cast<std::uint32_t>(counter);
    const auto ctr3 = static_cast<std::uint32_t>(counter >> 32);
#pragma omp simd
    for (std::size_t j = 0; j < n; ++j) {
        std::uint32_t x0 = c0, x1 = first_entity + static_cast<std::uint32_t>(j), x2 = ctr2,
                      x3 = ctr3;
        std::uint32_t k0 = key0, k1 = key1;
        for (int round = 0; round < 10; ++round) {
            const std::uint64_t p0 = m0 * x0;
            const std::uint64_t p1 = m1 * x2;
            const auto hi0 = static_cast<std::uint32_t>(p0 >> 32);
            const auto lo0 = static_cast<std::uint32_t>(p0);
            const auto hi1 = static_cast<std::uint32_t>(p1 >> 32);
            const auto lo1 = static_cast<std::uint32_t>(p1);
            x0 = hi1 ^ x1 ^ k0;
            x1 = lo1;
            x2 = hi0 ^ x3 ^ k1;
            x3 = lo0;
            k0 += w0;
            k1 += w1;
        }
        out.w[0][j] = x0;
        out.w[1][j] = x1;
        out.w[2][j] = x2;
        out.w[3][j] = x3;
    }
}

} // namespace gliasim
