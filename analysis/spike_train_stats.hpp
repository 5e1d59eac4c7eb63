// SPDX-License-Identifier: MIT
#pragma once

// Metrics of one population's spike trains, accumulated spike by spike in time order so that a
// file of any length is analysed in memory proportional to the number of neurons (plus one
// value per millisecond of the window for the population-rate spectrum).

#include <cstdint>
#include <vector>

#include "statistics.hpp"

namespace gliasim::analysis {

struct SpikeStatsOptions {
    double t_from = 0, t_to = 0; // [ms] window; a spike counts when t - half_step is in [from, to)
    double half_step = 0;        // [ms] dt/2: a spike recorded at the end of step n counts at
                                 // its middle, so floating-point noise cannot move it across bins
    double count_bin_ms = 100;   // spike counts for the Fano factor and pairwise correlations
    double sync_bin_ms = 5;      // spike counts for the synchrony chi
    double rate_bin_ms = 1;      // population rate for the spectrum
    double branching_bin_ms = 4; // population activity for the branching ratio
    double spectrum_min_hz = 2;  // the spectrum peak is searched at and above this
    std::size_t pairs = 200;     // neuron pairs sampled for correlations
    std::uint64_t seed = 1;      // of the pair sample
    std::size_t min_intervals = 3; // ISIs a neuron needs to enter the CV
};

struct SpikeMetrics {
    std::uint64_t neurons = 0, spikes = 0, active = 0; // active: neurons with a spike
    double window_ms = 0;
    double rate_mean = 0, rate_p05 = 0, rate_p25 = 0, rate_median = 0, rate_p75 = 0,
           rate_p95 = 0; // [Hz] over neurons, silent ones included
    double cv_isi_mean = 0, cv_isi_median = 0;
    std::uint64_t cv_neurons = 0; // neurons with at least min_intervals ISIs
    double fano_mean = 0;
    std::uint64_t fano_neurons = 0; // neurons with spikes in the full count bins
    double correlation_mean = 0;
    std::uint64_t correlation_pairs = 0; // sampled pairs where both counts vary
    double synchrony_chi = 0;
    double peak_hz = 0;         // of the population rate
    double branching_ratio = 0; // of the population activity
};

class SpikeTrainStats {
public:
    SpikeTrainStats(std::uint64_t neurons, const SpikeStatsOptions& o);
    // Spikes must come in non-decreasing time order (as SONATA files sorted by_time store them);
    // throws std::runtime_error otherwise, for a time that is not finite, or for an id >= neurons.
    void add(double t_ms, std::uint64_t id);
    SpikeMetrics finish();

private:
    // Per-neuron spike counts in consecutive equal bins, closed one by one as time passes.
    struct Bins {
        double width = 0;
        std::int64_t full = 0, current = 0; // whole bins in the window; the open one
        std::vector<std::uint32_t> count;
        std::vector<std::uint32_t> touched; // neurons with count > 0 in the open bin
        std::vector<double> sum, sum_sq;    // per neuron over closed bins
        RunningMoments population;          // of the population count per closed bin
    };
    void init_bins(Bins& b, double width) const;
    void close_bins_before(Bins& b, std::int64_t bin, bool pairs);
    void count(Bins& b, std::int64_t bin, std::uint64_t id, bool pairs);

    std::uint64_t n_;
    SpikeStatsOptions o_;
    std::vector<std::uint64_t> spikes_;
    std::vector<double> last_;
    std::vector<RunningMoments> isi_;
    Bins counts_, sync_;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs_;
    std::vector<double> pair_products_;
    std::vector<double> rate_; // population spikes per rate bin
    double last_time_ = -1e300;
};

} // namespace gliasim::analysis
