// SPDX-License-Identifier: MIT
#pragma once

// gliasim analyze on one result file: spike metrics per population, and summaries of the state
// reports (calcium events, slow inward currents, and plain statistics of every other variable).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ca_events.hpp"
#include "spike_train_stats.hpp"

namespace gliasim::analysis {

struct AnalysisOptions {
    std::optional<std::string> population; // only this one (spikes and reports)
    std::optional<double> t_from, t_to;    // [ms]; default: the whole run
    SpikeStatsOptions spikes;              // bin widths, pairs, seed (window set per file)
    std::optional<double> ca_threshold;    // in the Ca report's units; default: per-trace half max
    double sic_threshold = 0;              // [pA]; SIC above it counts as "on"
    std::uint64_t block_bytes = 8u << 20;  // read this much of a dataset at a time
};

struct PopulationMetrics {
    std::string name, model;
    SpikeMetrics spikes;
};

// One recorded state variable of one population.
struct ReportMetrics {
    enum class Kind { calcium, sic, other };
    std::string population, variable, units;
    Kind kind = Kind::other;
    std::uint64_t nodes = 0, samples = 0; // samples inside the window
    double mean = 0, min = 0, max = 0;
    // calcium: the threshold used (NaN: each trace's half maximum), where it came from, events
    double ca_threshold = 0;
    std::string ca_threshold_source;
    CaEventStats ca;
    // calcium with one threshold: per node, the fraction of samples above it (astro_activity.hpp)
    std::vector<double> ca_fraction_above;
    // sic: fraction of (node, sample) values above the threshold, and the mean of all values
    double sic_fraction_above = 0;
};

struct FileAnalysis {
    std::string path, version;
    bool completed = false;
    double dt_ms = 0, duration_ms = 0, t_from = 0, t_to = 0;
    // duration_ms for a completed run; for a killed one, the last spike or sample it holds
    double recorded_until_ms = 0;
    // NALSM's branching factor when the run computed it ([analysis] branching_factor), else NaN
    double branching_factor = 0;
    std::vector<PopulationMetrics> populations;
    std::vector<ReportMetrics> reports;
};

// Throws std::runtime_error naming the file (and population, dataset or time) for a file that
// is not a readable gliasim result, a future format version, an unknown population or an empty
// window.
FileAnalysis analyze_file(const std::string& path, const AnalysisOptions& o);

// The major.minor version of result files this build reads (its own version).
std::string supported_format_version();

} // namespace gliasim::analysis
