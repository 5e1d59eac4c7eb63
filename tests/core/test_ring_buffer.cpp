// SPDX-License-Identifier: MIT
// Delay ring buffers (core/ring_buffer.hpp).
#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

#include "core/ring_buffer.hpp"

using namespace gliasim;

TEST_CASE("InputRing starts zeroed with the requested shape", "[ring]") {
    InputRing ring(2, 5, 3);
    CHECK(ring.channels() == 2);
    CHECK(ring.slots() == 5);
    CHECK(ring.targets() == 3);
    CHECK(ring.bytes() == 2 * 5 * 3 * sizeof(double));
    for (std::size_t c = 0; c < 2; ++c)
        for (step_t s = 0; s < 5; ++s)
            for (index_t t = 0; t < 3; ++t) CHECK(ring.slot(c, s)[t] == 0.0);

    InputRing empty;
    CHECK(empty.bytes() == 0);
    CHECK(empty.slots() == 0);
}

TEST_CASE("InputRing: a spike at step t with delay d lands in slot (t + d) mod size", "[ring]") {
    const std::size_t slots = 7;
    InputRing ring(1, slots, 4);
    // Steps far beyond the ring size wrap around.
    for (step_t t : {step_t{0}, step_t{3}, step_t{6}, step_t{7}, step_t{1000}, step_t{123457}}) {
        INFO("step " << t);
        CHECK(ring.slot(0, t) == ring.slot(0, t + static_cast<step_t>(slots)));
        CHECK(ring.slot(0, t) == ring.slot(0, t % static_cast<step_t>(slots)));
        // Distinct steps within one ring length are distinct slots.
        for (step_t d = 1; d < static_cast<step_t>(slots); ++d)
            CHECK(ring.slot(0, t) != ring.slot(0, t + d));
    }

    const step_t sent = 1000, delay = 5; // arrives in step 1005, slot 1005 mod 7 = 4
    ring.add(0, sent + delay, 2, 1.5);
    for (step_t s = 0; s < static_cast<step_t>(slots); ++s)
        for (index_t t = 0; t < 4; ++t) {
            const double expected = (s == (sent + delay) % 7 && t == 2) ? 1.5 : 0.0;
            CHECK(ring.slot(0, s)[t] == expected);
        }
    // The same slot seen from any step congruent mod 7.
    CHECK(ring.slot(0, 4)[2] == 1.5);
    CHECK(ring.slot(0, 1005 + 7 * 3)[2] == 1.5);
}

TEST_CASE("InputRing: add accumulates and channels are independent", "[ring]") {
    InputRing ring(3, 4, 5);
    ring.add(1, 10, 3, 0.25);
    ring.add(1, 10, 3, 0.5);
    ring.add(1, 14, 3, 1.0); // 14 mod 4 = 10 mod 4: same slot
    ring.add(0, 10, 3, -2.0);
    ring.add(2, 11, 0, 4.0);

    CHECK(ring.slot(1, 10)[3] == 1.75);
    CHECK(ring.slot(0, 10)[3] == -2.0);
    CHECK(ring.slot(2, 10)[3] == 0.0);
    CHECK(ring.slot(2, 11)[0] == 4.0);
    CHECK(ring.slot(0, 11)[0] == 0.0);
    CHECK(ring.slot(1, 11)[0] == 0.0);

    double total = 0;
    for (std::size_t c = 0; c < 3; ++c)
        for (step_t s = 0; s < 4; ++s)
            for (index_t t = 0; t < 5; ++t) total += ring.slot(c, s)[t];
    CHECK(total == 1.75 - 2.0 + 4.0);

    // The layout is [channel][slot][target]: one step of one channel is contiguous.
    CHECK(ring.slot(1, 10) + 5 == ring.slot(1, 11));
    CHECK(ring.slot(0, 3) + 5 == ring.slot(1, 0));

    // Writing through slot() is what the neuron update reads and clears.
    ring.slot(1, 10)[3] = 0;
    CHECK(ring.slot(1, 14)[3] == 0.0);
    const InputRing& cref = ring;
    CHECK(cref.slot(2, 11)[0] == 4.0);
}
