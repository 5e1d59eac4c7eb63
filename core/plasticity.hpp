// SPDX-License-Identifier: MIT
#pragma once

// Building blocks of plasticity rules: exponential traces kept lazily (a value just after the
// last event and the step of that event; exact decay on read), and the target-major index of a
// projection part's synapses that rules acting on postsynaptic spikes walk.

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "projection.hpp"
#include "state_archive.hpp"
#include "types.hpp"

namespace gliasim {

// exp(-k dt / tau) for whole steps k; tabulated over ~12 time constants (the gaps that matter),
// computed beyond. Table and direct values are the same expression, so reads are exact.
class DecayTable {
public:
    DecayTable() = default;
    DecayTable(double tau_ms, double dt) : tau_(tau_ms), dt_(dt) {
        const auto n = static_cast<std::size_t>(std::min(1e6, std::ceil(12.0 * tau_ms / dt)) + 1);
        table_.resize(n);
        for (std::size_t k = 0; k < n; ++k) table_[k] = exact(static_cast<step_t>(k));
    }
    double operator()(step_t k) const {
        return static_cast<std::size_t>(k) < table_.size() ? table_[static_cast<std::size_t>(k)]
                                                           : exact(k);
    }
    double exact(step_t k) const { return std::exp(-static_cast<double>(k) * dt_ / tau_); }
    std::size_t bytes() const { return table_.capacity() * sizeof(double); }

private:
    double tau_ = 1, dt_ = 1;
    std::vector<double> table_;
};

// One trace per entity: x jumps at each spike (by 1, or to 1 for nearest-spike pairing) and
// decays exponentially in between.
class LazyTraces {
public:
    static constexpr step_t kNever = std::numeric_limits<step_t>::min() / 4;

    void assign(std::size_t n) {
        value_.assign(n, 0.0);
        last_.assign(n, kNever);
    }
    // The trace at step `t` (not after any spike at t not yet added).
    double at(std::size_t i, step_t t, const DecayTable& decay) const {
        return value_[i] == 0.0 ? 0.0 : value_[i] * decay(t - last_[i]);
    }
    void spike(std::size_t i, step_t t, const DecayTable& decay, bool reset_to_one) {
        value_[i] = reset_to_one ? 1.0 : at(i, t, decay) + 1.0;
        last_[i] = t;
    }
    void clear() {
        std::fill(value_.begin(), value_.end(), 0.0);
        std::fill(last_.begin(), last_.end(), kNever);
    }
    std::size_t size() const { return value_.size(); }
    void archive(StateArchive& a) {
        a.io("value", value_);
        a.io("last", last_);
    }
    std::size_t bytes() const {
        return value_.capacity() * sizeof(double) + last_.capacity() * sizeof(step_t);
    }

private:
    std::vector<double> value_;
    std::vector<step_t> last_;
};

// The synapses of one part grouped by target: those of target `first + j` are
// edge[offsets[j] .. offsets[j+1]), with their sources alongside.
struct IncomingIndex {
    index_t first = 0;
    std::vector<std::uint32_t> offsets;
    std::vector<std::uint32_t> edge;
    std::vector<index_t> source;

    std::size_t bytes() const {
        return (offsets.capacity() + edge.capacity()) * sizeof(std::uint32_t) +
               source.capacity() * sizeof(index_t);
    }
};
IncomingIndex build_incoming(const Projection::PartView& v, index_t n_source, IndexRange targets);

} // namespace gliasim
