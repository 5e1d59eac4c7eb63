// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "types.hpp"

namespace gliasim {

// Per-target delay ring buffers of one population: a calendar queue whose bucket is one step.
// A spike sent at step t over a synapse of delay d adds its weight to slot (t + d) mod size.
// Memory is [channel][slot][target] so that one step of one channel is a contiguous array that
// the neuron update reads and clears in a vectorisable loop.
class InputRing {
public:
    InputRing() = default;
    InputRing(std::size_t channels, std::size_t slots, std::size_t targets)
        : channels_(channels), slots_(slots), targets_(targets),
          data_(channels * slots * targets, 0.0) {}

    std::size_t channels() const { return channels_; }
    std::size_t slots() const { return slots_; }
    std::size_t targets() const { return targets_; }

    double* slot(std::size_t channel, step_t step) {
        return data_.data() +
               (channel * slots_ + static_cast<std::size_t>(step) % slots_) * targets_;
    }
    const double* slot(std::size_t channel, step_t step) const {
        return data_.data() +
               (channel * slots_ + static_cast<std::size_t>(step) % slots_) * targets_;
    }
    void add(std::size_t channel, step_t arrival_step, index_t target, double weight) {
        slot(channel, arrival_step)[target] += weight;
    }
    std::size_t bytes() const { return data_.size() * sizeof(double); }
    void clear() { std::fill(data_.begin(), data_.end(), 0.0); }
    std::vector<double>& values() { return data_; } // for checkpoints

private:
    std::size_t channels_ = 0;
    std::size_t slots_ = 0;
    std::size_t targets_ = 0;
    std::vector<double> data_;
};

} // namespace gliasim
