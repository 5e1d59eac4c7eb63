// SPDX-License-Identifier: MIT
#pragma once

// What a run will need, from its specification alone (before anything is built): the expected
// number of synapses, the memory of the network and the size of the output file. Estimates,
// for refusing runs that cannot fit; the built network reports its exact sizes.

#include <cstdint>

#include "network_spec.hpp"

namespace gliasim {

// Peak bytes per synapse while building: the drawn edge list (14 B) beside the sorted arrays
// (10 B), rounded up; synapses with their own state (plastic, gliotransmission: ~17-22 B built,
// docs/performance.md) a bit more.
constexpr double kBytesPerStaticSynapse = 26;
constexpr double kBytesPerStatefulSynapse = 34;
// Spike rate assumed for the output estimate (real rates are known only after the run).
constexpr double kAssumedRateHz = 50;

struct ResourceEstimate {
    double synapses = 0;     // expected count
    double memory_bytes = 0; // synapses, state, ring buffers
    double output_bytes = 0; // uncompressed: spikes at kAssumedRateHz, reports, weights
};

ResourceEstimate estimate_resources(const NetworkSpec& spec);

} // namespace gliasim
