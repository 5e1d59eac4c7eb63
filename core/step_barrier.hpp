// SPDX-License-Identifier: MIT
#pragma once
#include <atomic>
#include <cstdint>

namespace gliasim {

// The barrier that the simulation's threads pass several times per time step. The OpenMP
// runtime's barrier makes a futex system call at every release, whether or not a thread sleeps;
// on a virtual machine that call costs more than a COBA step's work. This one spins briefly and
// only sleeps (so that only then the release needs a system call) when another thread is late,
// e.g. descheduled on a busy machine. With one thread it is a no-op.
class StepBarrier {
public:
    explicit StepBarrier(unsigned threads) : threads_(threads) {}

    void wait() {
        if (threads_ <= 1) return;
        const std::uint32_t generation = generation_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
            arrived_.store(0, std::memory_order_relaxed);
            // seq_cst store and load here and in the sleeper's registration below: at least one
            // side sees the other's write, so a sleeper is never left waiting.
            generation_.store(generation + 1);
            if (sleepers_.load() > 0) generation_.notify_all();
            return;
        }
        for (int i = 0; i < kSpins; ++i) {
            if (generation_.load(std::memory_order_acquire) != generation) return;
            relax();
        }
        sleepers_.fetch_add(1);
        while (generation_.load() == generation) generation_.wait(generation);
        sleepers_.fetch_sub(1);
    }

private:
    // About 10-50 microseconds of spinning: longer than a step's work on a loaded machine's
    // neighbour, short enough not to starve a descheduled thread of its core for long.
    static constexpr int kSpins = 1 << 12;

    static void relax() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }

    const unsigned threads_;
    alignas(64) std::atomic<unsigned> arrived_{0};
    alignas(64) std::atomic<std::uint32_t> generation_{0};
    alignas(64) std::atomic<unsigned> sleepers_{0};
};

} // namespace gliasim
