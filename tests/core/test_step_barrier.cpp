// SPDX-License-Identifier: MIT
// The kernel's barrier: what one thread wrote before a wait is seen by every thread after it,
// whether the others spun, yielded or slept while they waited.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/step_barrier.hpp"

using gliasim::StepBarrier;

namespace {

// `rounds` rounds of: every thread writes its slot, waits, checks every slot, waits. A thread
// that is `late` sleeps `delay` before writing, so that the others must sleep in the barrier.
// Returns the number of wrong values seen (plain, non-atomic slots: the barrier must order them).
int run_rounds(unsigned threads, int rounds, unsigned late, std::chrono::microseconds delay) {
    StepBarrier barrier(threads);
    std::vector<std::int64_t> slots(threads * 8, -1); // a cache line per thread
    std::atomic<int> wrong{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int r = 0; r < rounds; ++r) {
                if (t == late && r % 10 == 0) std::this_thread::sleep_for(delay);
                slots[t * 8] = r;
                barrier.wait();
                for (unsigned u = 0; u < threads; ++u)
                    if (slots[u * 8] != r) wrong.fetch_add(1);
                barrier.wait();
            }
        });
    }
    for (auto& th : pool) th.join();
    return wrong.load();
}

} // namespace

TEST_CASE("StepBarrier: writes before the barrier are seen after it, spinning") {
    CHECK(run_rounds(2, 20000, 99, std::chrono::microseconds(0)) == 0);
    CHECK(run_rounds(4, 5000, 99, std::chrono::microseconds(0)) == 0);
}

TEST_CASE("StepBarrier: a late thread makes the others sleep, and wakes them") {
    // 2 ms is far beyond the spinning and yielding: the waiters sleep on the futex every 10th
    // round, and a lost wake-up would hang this test (ctest's timeout reports it).
    CHECK(run_rounds(3, 300, 1, std::chrono::microseconds(2000)) == 0);
}

TEST_CASE("StepBarrier: one thread never waits") {
    StepBarrier barrier(1);
    for (int i = 0; i < 1000; ++i) barrier.wait();
    SUCCEED("returned");
}
