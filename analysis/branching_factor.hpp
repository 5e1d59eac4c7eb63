// SPDX-License-Identifier: MIT
#pragma once

// Branching factor of a liquid (recurrent spiking network) from recorded spikes and the synapse
// graph, as defined by NALSM (Ivanov & Michmizos 2021; combra-lab/NALSM,
// compute_branching_factor.py for the per-neuron part and get_branching_factor.py for the final
// averages). What their code does, read from the source (dt = 1 ms there, times are integer
// step indices of a sample):
//
// - Graph. The pre- and postsynaptic lists of a liquid neuron come from a 0/1 connection mask
//   (rows are targets, columns are sources), restricted to liquid neurons (input neurons are
//   left out). A neighbour therefore appears once however many synapses join the pair; a
//   self-connection, if the mask had one, would make the neuron its own neighbour.
// - Samples. Each sample is its own simulation (times restart at 0). Spikes before `buffer`
//   (25 ms) or at/after `duration - buffer` are dropped first, for every neuron.
// - Reference spikes. Neuron i's spike at step t is used when t lies in
//   [buffer + w, duration - buffer - w) with w = 4 (the same w sets both windows). Both windows
//   of such a spike lie inside the kept interval, so the drop above never removes a neighbour
//   spike that a window would count, and no window reaches outside its sample.
// - Ancestors: every spike of every presynaptic neighbour at steps [t - w, t).
//   Descendants: every spike of every postsynaptic neighbour at steps [t + 1, t + 1 + w).
//   Same-step spikes are in neither window. Each neighbour spike counts once.
// - Ratio per reference spike: descendants / max(ancestors, 1).
// - Averages. Per (sample, neuron): the mean ratio over the neuron's reference spikes (NaN when
//   it has none). Per sample: the mean over neurons, NaN ones skipped (numpy nanmean). Final:
//   the mean over samples, NaN ones skipped. So it is a mean of means, not a pooled mean over
//   spikes; both are reported here.
//
// Here, in general units: ancestors in [t - ancestor_window, t), descendants in
// [t + descendant_begin, t + descendant_end), and a spike at t is a reference spike when both of
// its windows lie inside [exclude_start, sample_length - exclude_end) of its sample. With the
// defaults and dt = 1 ms this is exactly the rule above ([29, L - 29) for 25 ms exclusions).
// A run of several samples (sample_length > 0) is cut at multiples of sample_length; the rule
// keeps every window inside its own sample, as NALSM's separate simulations do.
//
// Time. Spike times are taken as the simulator records them: a spike of step n (0-based) at
// (n + 1) * dt. Each time is converted once to its step, round(t / dt) - 1, and every window
// and exclusion is compared in integer steps, so floating-point noise in the recorded times
// cannot move a spike across a window edge. All lengths in BranchingOptions must be whole
// multiples of dt (within a relative 1e-6), and the duration a whole number of samples.

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/network.hpp"
#include "core/simulation.hpp"
#include "core/types.hpp"

namespace gliasim {

struct BranchingOptions {
    double ancestor_window = 4;  // [ms] ancestors in [t - ancestor_window, t)
    double descendant_begin = 1; // [ms] descendants in [t + descendant_begin, t + descendant_end)
    double descendant_end = 5;   // [ms]
    double exclude_start = 25;   // [ms] of each sample, see above
    double exclude_end = 25;     // [ms] of each sample
    double sample_length = 0;    // [ms]; 0: the whole run is one sample
};

// The liquid: neurons numbered 0..n-1 (across one or more populations). The presynaptic
// neighbours of neuron i are pre[pre_offsets[i] .. pre_offsets[i+1]), sorted and unique; the
// same for post.
struct LiquidGraph {
    std::vector<std::uint64_t> pre_offsets, post_offsets; // n + 1 each
    std::vector<index_t> pre, post;
    // liquid_graph(Network): the first liquid id of each given population, then n.
    std::vector<index_t> population_offsets;

    index_t size() const {
        return pre_offsets.empty() ? 0 : static_cast<index_t>(pre_offsets.size() - 1);
    }
    std::span<const index_t> presynaptic(index_t i) const {
        return {pre.data() + pre_offsets[i], pre.data() + pre_offsets[i + 1]};
    }
    std::span<const index_t> postsynaptic(index_t i) const {
        return {post.data() + post_offsets[i], post.data() + post_offsets[i + 1]};
    }
};

// The graph of n neurons with the given (source, target) synapses; repeated pairs collapse.
// Throws std::invalid_argument for an id >= n.
LiquidGraph make_liquid_graph(index_t n, std::span<const std::pair<index_t, index_t>> edges);

// The graph of the built spiking projections among `populations` (network population indices),
// numbered by concatenating the populations in the given order: population populations[k]'s
// local index j is liquid id population_offsets[k] + j. Projections with an end outside the set,
// and continuous ones (they carry no spikes), are left out. Throws std::invalid_argument for an
// unknown or repeated population.
LiquidGraph liquid_graph(const Network& net, std::span<const std::uint32_t> populations);

struct BranchingResult {
    // NALSM's value: mean over samples of (mean over neurons of (mean ratio over the neuron's
    // reference spikes)), skipping empty neurons and samples. NaN when no spike was counted.
    double branching_factor;
    double pooled;                  // mean ratio over all reference spikes (NaN when none)
    std::uint64_t spikes_counted;   // reference spikes
    std::uint64_t ancestors;        // ancestor spikes summed over reference spikes (unclipped)
    std::uint64_t descendants;      // descendant spikes summed over reference spikes
    std::vector<double> per_sample; // per sample: mean over neurons (NaN when none)
};

// The branching factor of spikes (times [ms] as recorded, liquid ids; any order) of a run of
// `duration_ms` with resolution `dt_ms`. Duplicate (neuron, step) records count once. Throws
// std::invalid_argument for mismatched spans, an id outside the graph, a time outside
// (0, duration_ms], or options that are not whole steps / a whole number of samples.
BranchingResult branching_factor(const LiquidGraph& g, std::span<const double> spike_times_ms,
                                 std::span<const index_t> liquid_ids, double duration_ms,
                                 double dt_ms, const BranchingOptions& o = {});

// The [analysis] branching factor of a run (NetworkSpec::branching), for whoever drives the
// Simulation: keep_branching_spikes asks it to keep the liquid's spikes (call it before
// restore_state() and run(); std::invalid_argument over several MPI ranks), branching_of_run
// computes the factor from them after the run (nothing when the experiment asks for none or the
// run stopped early).
void keep_branching_spikes(Simulation& sim);
std::optional<BranchingResult> branching_of_run(const Simulation& sim, const RunStats& stats);

} // namespace gliasim
