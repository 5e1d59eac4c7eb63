// SPDX-License-Identifier: MIT
#pragma once
#include <atomic>
#include <cstdint>
#include <thread>

namespace gliasim {

// The barrier that the simulation's threads pass several times per time step. The OpenMP
// runtime's barrier makes a futex system call at every release, whether or not a thread sleeps;
// on a virtual machine that call costs more than a COBA step's work. This one spins briefly,
// yields, and only sleeps (so that only then the release needs a system call) when another
// thread is late, e.g. descheduled on a busy machine. With one thread it is a no-op.
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
        // On a busy machine the late thread may be waiting for this very core.
        for (int i = 0; i < kYields; ++i) {
            if (generation_.load(std::memory_order_acquire) != generation) return;
            std::this_thread::yield();
        }
        sleepers_.fetch_add(1);
        while (generation_.load() == generation) generation_.wait(generation);
        sleepers_.fetch_sub(1);
    }

private:
    // About 10 microseconds of spinning (a pause is about 20 ns on current x86): longer than
    // most of a step's imbalance between threads. Then a few yields (2 microseconds each on a
    // virtual machine) for a thread that was descheduled, then sleep.
    static constexpr int kSpins = 512;
    static constexpr int kYields = 16;

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
