// SPDX-License-Identifier: MIT
#pragma once

// The exchange between the processes (MPI ranks) that run one network together. Every call is
// collective: all ranks make the same calls in the same order. With one process (the default,
// and every build without GLIASIM_MPI) each call is a no-op or returns its input, so the kernel
// has no #ifdefs and a simulation costs nothing extra. See docs/cluster.md.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "types.hpp"

namespace gliasim {

// Starts MPI for the lifetime of the object when the build has MPI and the process was started
// by a launcher (mpirun, srun: its environment says so); otherwise does nothing, so that a plain
// `gliasim run` (and a sweep's child runs) never touch MPI. Threads make MPI calls one at a
// time, from whichever thread runs the kernel's serial phase (MPI_THREAD_SERIALIZED).
class MpiSession {
public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
    bool active() const { return active_; }
    // MPI gave at least MPI_THREAD_SERIALIZED (needed with more than one thread per rank).
    bool serialized() const { return serialized_; }

private:
    bool active_ = false;
    bool serialized_ = true;
};

class Communicator {
public:
    // One process.
    Communicator() = default;
    // Every process of the MPI job (MPI_COMM_WORLD) when an MpiSession is active, else one.
    static Communicator world();

    int rank() const { return rank_; }
    int size() const { return size_; }
    bool root() const { return rank_ == 0; }

    // Each list holds this rank's part; afterwards it holds the concatenation of every rank's
    // list at the same position, in rank order.
    void allgather(std::vector<std::vector<Spike>>& lists);
    // `values` has one entry per entity; rank q owns [by_rank[q].begin, by_rank[q].end).
    // Afterwards every entry holds its owner's value.
    void allgather_owned(std::span<double> values, std::span<const IndexRange> by_rank);
    // Each element was written by exactly one rank and is +0.0 (all bits zero) on the others:
    // rank 0 receives every element exactly (bitwise OR); the other ranks' copies are unchanged.
    void gather_disjoint_to_root(std::span<float> values);
    // Element-wise sums, minima and maxima over the ranks, on every rank.
    void sum(std::span<std::uint64_t> values);
    void min(std::span<step_t> values);
    void max(std::span<step_t> values);
    std::uint64_t sum(std::uint64_t value);
    // Rank 0's value, on every rank.
    bool from_root(bool flag);
    // Every rank's `bytes` (the same length on all), concatenated in rank order.
    std::vector<std::uint8_t> allgather_bytes(std::span<const std::uint8_t> bytes);
    // The text of the lowest rank whose text is not empty (empty if none has one).
    std::string first_text(const std::string& text);

    // Wall time spent inside the exchange calls above, since this communicator was made [s].
    double exchange_seconds() const { return seconds_; }

private:
    int rank_ = 0;
    int size_ = 1;
    double seconds_ = 0;
};

} // namespace gliasim
