// SPDX-License-Identifier: MIT
// The only file of gliasim that calls MPI (GLIASIM_MPI builds); with one process every call
// returns before reaching it.
#include "communicator.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#ifdef GLIASIM_MPI
#include <mpi.h>
#endif

namespace gliasim {

namespace {

#ifdef GLIASIM_MPI
// Adds the wall time of its scope to `seconds`.
class ExchangeTimer {
public:
    explicit ExchangeTimer(double& seconds)
        : seconds_(seconds), t0_(std::chrono::steady_clock::now()) {}
    ~ExchangeTimer() {
        seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    }
    ExchangeTimer(const ExchangeTimer&) = delete;
    ExchangeTimer& operator=(const ExchangeTimer&) = delete;

private:
    double& seconds_;
    std::chrono::steady_clock::time_point t0_;
};

// In place, on every rank.
void allreduce(double& seconds, void* values, std::size_t n, MPI_Datatype type, MPI_Op op) {
    const ExchangeTimer timer(seconds);
    MPI_Allreduce(MPI_IN_PLACE, values, static_cast<int>(n), type, op, MPI_COMM_WORLD);
}

bool mpi_running() {
    int initialised = 0, finalised = 0;
    MPI_Initialized(&initialised);
    MPI_Finalized(&finalised);
    return initialised && !finalised;
}
#endif

// Variables that mpirun (Open MPI, MPICH/Hydra) and srun (PMI, PMIx) set for the processes they
// start.
bool started_by_launcher() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(name)) return true;
    return false;
}

} // namespace

MpiSession::MpiSession() {
#ifdef GLIASIM_MPI
    if (!started_by_launcher() || mpi_running()) return;
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided);
    active_ = true;
    serialized_ = provided >= MPI_THREAD_SERIALIZED;
#else
    (void)started_by_launcher;
#endif
}

MpiSession::~MpiSession() {
#ifdef GLIASIM_MPI
    if (active_ && mpi_running()) MPI_Finalize();
#endif
}

Communicator Communicator::world() {
    Communicator c;
#ifdef GLIASIM_MPI
    if (mpi_running()) {
        MPI_Comm_rank(MPI_COMM_WORLD, &c.rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &c.size_);
    }
#endif
    return c;
}

void Communicator::allgather(std::vector<std::vector<Spike>>& lists) {
    if (size_ == 1) return;
#ifdef GLIASIM_MPI
    const ExchangeTimer timer(seconds_);
    const std::size_t P = lists.size();
    const auto R = static_cast<std::size_t>(size_);
    // The counts first (rank-major, then population), then one message with every list.
    std::vector<std::uint64_t> mine(P), counts(P * R);
    std::vector<Spike> send;
    for (std::size_t p = 0; p < P; ++p) {
        mine[p] = lists[p].size();
        send.insert(send.end(), lists[p].begin(), lists[p].end());
    }
    MPI_Allgather(mine.data(), static_cast<int>(P), MPI_UINT64_T, counts.data(),
                  static_cast<int>(P), MPI_UINT64_T, MPI_COMM_WORLD);
    std::vector<int> bytes(R), displs(R);
    std::size_t total = 0;
    for (std::size_t q = 0; q < R; ++q) {
        std::size_t n = 0;
        for (std::size_t p = 0; p < P; ++p) n += counts[q * P + p];
        displs[q] = static_cast<int>(total * sizeof(Spike));
        bytes[q] = static_cast<int>(n * sizeof(Spike));
        total += n;
    }
    std::vector<Spike> all(total);
    MPI_Allgatherv(send.data(), static_cast<int>(send.size() * sizeof(Spike)), MPI_BYTE, all.data(),
                   bytes.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD);
    for (auto& l : lists) l.clear();
    const Spike* next = all.data();
    for (std::size_t q = 0; q < R; ++q)
        for (std::size_t p = 0; p < P; ++p) {
            const auto n = static_cast<std::size_t>(counts[q * P + p]);
            lists[p].insert(lists[p].end(), next, next + n);
            next += n;
        }
#else
    (void)lists;
#endif
}

void Communicator::allgather_owned(std::span<double> values, std::span<const IndexRange> by_rank) {
    if (size_ == 1) return;
#ifdef GLIASIM_MPI
    const ExchangeTimer timer(seconds_);
    std::vector<int> counts, displs;
    for (const IndexRange& r : by_rank) {
        counts.push_back(static_cast<int>(r.size()));
        displs.push_back(static_cast<int>(r.begin));
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values.data(), counts.data(), displs.data(),
                   MPI_DOUBLE, MPI_COMM_WORLD);
#else
    (void)values;
    (void)by_rank;
#endif
}

void Communicator::gather_disjoint_to_root(std::span<float> values) {
    if (size_ == 1 || values.empty()) return;
#ifdef GLIASIM_MPI
    static_assert(sizeof(float) == sizeof(std::uint32_t));
    const ExchangeTimer timer(seconds_);
    const int n = static_cast<int>(values.size());
    if (root())
        MPI_Reduce(MPI_IN_PLACE, values.data(), n, MPI_UINT32_T, MPI_BOR, 0, MPI_COMM_WORLD);
    else
        MPI_Reduce(values.data(), nullptr, n, MPI_UINT32_T, MPI_BOR, 0, MPI_COMM_WORLD);
#endif
}

void Communicator::sum(std::span<std::uint64_t> values) {
    if (size_ == 1 || values.empty()) return;
#ifdef GLIASIM_MPI
    allreduce(seconds_, values.data(), values.size(), MPI_UINT64_T, MPI_SUM);
#endif
}

void Communicator::min(std::span<step_t> values) {
    if (size_ == 1 || values.empty()) return;
#ifdef GLIASIM_MPI
    allreduce(seconds_, values.data(), values.size(), MPI_INT64_T, MPI_MIN);
#endif
}

void Communicator::max(std::span<step_t> values) {
    if (size_ == 1 || values.empty()) return;
#ifdef GLIASIM_MPI
    allreduce(seconds_, values.data(), values.size(), MPI_INT64_T, MPI_MAX);
#endif
}

std::uint64_t Communicator::sum(std::uint64_t value) {
    sum(std::span<std::uint64_t>(&value, 1));
    return value;
}

bool Communicator::from_root(bool flag) {
    if (size_ == 1) return flag;
    int v = flag ? 1 : 0;
#ifdef GLIASIM_MPI
    const ExchangeTimer timer(seconds_);
    MPI_Bcast(&v, 1, MPI_INT, 0, MPI_COMM_WORLD);
#endif
    return v != 0;
}

std::vector<std::uint8_t> Communicator::allgather_bytes(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> all(bytes.size() * static_cast<std::size_t>(size_));
    if (size_ == 1) {
        std::copy(bytes.begin(), bytes.end(), all.begin());
        return all;
    }
#ifdef GLIASIM_MPI
    const ExchangeTimer timer(seconds_);
    MPI_Allgather(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, all.data(),
                  static_cast<int>(bytes.size()), MPI_BYTE, MPI_COMM_WORLD);
#endif
    return all;
}

std::string Communicator::first_text(const std::string& text) {
    if (size_ == 1) return text;
    std::string out;
#ifdef GLIASIM_MPI
    const ExchangeTimer timer(seconds_);
    int first = text.empty() ? size_ : rank_;
    MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size_) return out;
    int length = static_cast<int>(text.size());
    MPI_Bcast(&length, 1, MPI_INT, first, MPI_COMM_WORLD);
    out = rank_ == first ? text : std::string(static_cast<std::size_t>(length), '\0');
    MPI_Bcast(out.data(), length, MPI_CHAR, first, MPI_COMM_WORLD);
#endif
    return out;
}

} // namespace gliasim
