// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace gliasim {

// Where a run's time goes, per thread (as NEST's kernel timers): read a few times per step, so
// the clock must cost nanoseconds. On x86 it is the time-stamp counter (constant rate on every
// CPU of the last decade), converted to seconds with the run's wall time; elsewhere the steady
// clock in nanoseconds.
enum class Phase : std::size_t { neurons, astrocytes, delivery, exchange, recording };
inline constexpr std::size_t kPhases = 5;
inline constexpr std::array<std::string_view, kPhases> kPhaseNames = {
    "neurons", "astrocytes", "delivery", "exchange", "recording"};

inline std::uint64_t phase_clock() {
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_ia32_rdtsc(); // the builtin spares every includer <x86intrin.h>
#else
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
#endif
}

// Ticks spent in each phase by one thread; a cache line of its own.
struct alignas(64) PhaseTicks {
    std::array<std::uint64_t, kPhases> ticks{};
    void add(Phase p, std::uint64_t from, std::uint64_t to) {
        ticks[static_cast<std::size_t>(p)] += to - from;
    }
};

} // namespace gliasim
