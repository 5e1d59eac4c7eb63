// SPDX-License-Identifier: MIT
#pragma once

// What a run will need, from its specification alone (before anything is built): the expected
// number of synapses, the memory of the network and the size of the output file. Estimates,
// for refusing runs that cannot fit; the built network reports its exact sizes.

#include <cstdint>

#include "network_spec.hpp"

namespace gliasim {

// Peak bytes per synapse while building and running: a 32-bit target and a float weight (the
// rows are counted first, then filled in place: no edge list beside them), a 16-bit delay when
// delays differ, rounded up (measured: 8-10 B, tests/cli/memory_estimate.sh); synapses with
// their own state (plastic, gliotransmission: ~17-22 B, docs/performance.md) a bit more.
constexpr double kBytesPerStaticSynapse = 12;
constexpr double kBytesPerStatefulSynapse = 24;
// Recorders while running: a state-recorder buffer per variable (float) and the sorted ids;
// each report's HDF5 dataset (its 1 MiB chunk cache, deflate and conversion buffers); a weight
// recorder's sampled synapse (EdgeRef, its ids in the layout, its float in the row and in
// HDF5's conversion buffer) and the list of all synapses it samples from.
constexpr double kBytesPerReportDataset = 2 << 20;
constexpr double kBytesPerWeightColumn = 16 + 8 + 4 + 4;
constexpr double kBytesPerEdgeRef = 16;
// A reset time: its queued event (16 B) and its entry in the sorted list they come from (8 B);
// a vector's unused capacity is not touched, so it takes no memory.
constexpr double kBytesPerReset = 24;
// A spike kept for the whole run (step and index, in a vector that may double).
constexpr double kBytesPerKeptSpike = 32;
// Spike rate assumed for the output estimate (real rates are known only after the run).
constexpr double kAssumedRateHz = 50;

struct ResourceEstimate {
    double synapses = 0; // expected count
    // Everything that grows with the network or the run: synapses, state, ring buffers,
    // recorder buffers, reset schedules, kept spikes (not the process's own ~baseline).
    double memory_bytes = 0;
    double output_bytes = 0; // uncompressed: spikes at kAssumedRateHz, reports, weights
};

ResourceEstimate estimate_resources(const NetworkSpec& spec);

} // namespace gliasim
