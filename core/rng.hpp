// SPDX-License-Identifier: MIT
#pragma once

// Counter-based random numbers (Random123 Philox4x32-10). Every draw is a pure function of
// (seed, stream, entity, counter), so results do not depend on thread count or on the order
// in which entities are visited (docs/design.md, "Determinism").

#include <Random123/philox.h>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace gliasim {

// Streams keep unrelated uses of randomness apart even for the same entity and step.
enum class Stream : std::uint32_t {
    connectivity = 1,
    weight = 2,
    delay = 3,
    initial_state = 4,
    source_spikes = 5,
    stimulus = 6,
    tripartite = 7,
    coupling = 8,
    placement = 9,
    recording = 10,
    task = 11,
    test = 99,
};

using Philox = r123::Philox4x32;

inline double u32_to_unit_open(std::uint32_t hi, std::uint32_t lo) {
    // 52 random bits mapped to the midpoints of 2^52 equal cells of (0, 1): never 0 (so log(u)
    // is finite) and never 1 (the largest value is 1 - 2^-53, exactly representable).
    const std::uint64_t bits = ((static_cast<std::uint64_t>(hi) << 32) | lo) >> 12;
    return (static_cast<double>(bits) + 0.5) * 0x1.0p-52;
}

// One Philox block: four 32-bit words, from which two uniform doubles are made.
inline Philox::ctr_type philox_block(std::uint64_t seed, std::uint32_t stream, std::uint32_t entity,
                                     std::uint64_t counter) {
    Philox rng;
    Philox::key_type key = {
        {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    Philox::ctr_type ctr = {{stream, entity, static_cast<std::uint32_t>(counter),
                             static_cast<std::uint32_t>(counter >> 32)}};
    return rng(ctr, key);
}

// A sequential generator over one (seed, stream, entity) triple: the n-th draw is always the
// same value, whoever asks for it.
class RandomStream {
public:
    RandomStream(std::uint64_t seed, Stream stream, std::uint32_t sub_stream, std::uint32_t entity,
                 std::uint64_t first_counter = 0)
        : seed_(seed), stream_(static_cast<std::uint32_t>(stream) << 24 ^ sub_stream),
          entity_(entity), counter_(first_counter) {}

    // Uniform in the open interval (0, 1).
    double uniform() {
        if (have_ == 0) refill();
        --have_;
        const auto* w = &block_.v[have_ * 2];
        return u32_to_unit_open(w[0], w[1]);
    }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    // Uniform integer in [0, n); the bias of floor(u * n) is below 2^-53 * n.
    std::uint64_t below(std::uint64_t n) {
        const double u = uniform();
        auto k = static_cast<std::uint64_t>(u * static_cast<double>(n));
        return k < n ? k : n - 1;
    }

    double normal() {
        if (have_normal_) {
            have_normal_ = false;
            return spare_normal_;
        }
        const double u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_normal_ = r * std::sin(2.0 * std::numbers::pi * u2);
        have_normal_ = true;
        return r * std::cos(2.0 * std::numbers::pi * u2);
    }

    double exponential() { return -std::log(uniform()); }

    std::uint32_t poisson(double lambda);

    std::uint64_t counter() const { return counter_; }

private:
    void refill() {
        block_ = philox_block(seed_, stream_, entity_, counter_++);
        have_ = 2;
    }
    std::uint64_t seed_;
    std::uint32_t stream_;
    std::uint32_t entity_;
    std::uint64_t counter_;
    Philox::ctr_type block_{};
    int have_ = 0;
    bool have_normal_ = false;
    double spare_normal_ = 0;
};

// Poisson count by inversion from one uniform; large means are split into chunks so the
// inversion stays numerically safe. Exact in distribution.
inline std::uint32_t poisson_from_uniform(double lambda, double u, RandomStream* more) {
    std::uint32_t total = 0;
    while (lambda > 30.0 && more) {
        total += poisson_from_uniform(30.0, more->uniform(), nullptr);
        lambda -= 30.0;
    }
    double p = std::exp(-lambda);
    double cdf = p;
    std::uint32_t k = 0;
    while (u > cdf && k < 1000) {
        ++k;
        p *= lambda / k;
        cdf += p;
    }
    return total + k;
}

inline std::uint32_t RandomStream::poisson(double lambda) {
    if (lambda <= 0) return 0;
    return poisson_from_uniform(lambda, uniform(), this);
}

} // namespace gliasim
