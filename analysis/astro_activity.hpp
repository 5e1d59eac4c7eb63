// SPDX-License-Identifier: MIT
#pragma once

// How much of the time each astrocyte spends above its output threshold (Li-Rinzel's SIC_th,
// G-ChI's release threshold C_theta): an astrocyte above it nearly all the time is tonic, a
// constant offset rather than a memory, and one that never crosses it does nothing. Both are
// visible at once in these fractions (docs/astrocyte-calibration.md).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gliasim::analysis {

// Counts, per trace (column), the samples strictly above one threshold, row by row.
class AboveThreshold {
public:
    AboveThreshold(std::size_t traces, double threshold)
        : threshold_(threshold), above_(traces, 0) {}
    void add_row(std::span<const float> row);
    // Per trace: samples above / samples seen (NaN for each trace before any row).
    std::vector<double> fractions() const;

private:
    double threshold_;
    std::vector<std::uint64_t> above_;
    std::uint64_t rows_ = 0;
};

// Mean, smallest and largest of the per-astrocyte fractions, and how many are tonic (above
// the threshold at least `kTonicFraction` of the time) or silent (never above it).
constexpr double kTonicFraction = 0.9;
struct ActivitySummary {
    std::size_t astrocytes = 0, tonic = 0, silent = 0;
    double mean = 0, min = 0, max = 0; // NaN without astrocytes
};
ActivitySummary summarise_activity(std::span<const double> fractions);

// One line for people, e.g. "above SIC_th 2.1% of the time (mean; min 0%, max 8.4%), 0 of 4
// tonic, 1 silent".
std::string activity_line(const ActivitySummary& s, const std::string& threshold_name);

// The fractions for gliasim analyze --json: ', "time_above_threshold": {"per_astrocyte":
// [...], "mean": .., "min": .., "max": .., "tonic": n, "silent": n}', or "" without fractions.
std::string activity_json(std::span<const double> fractions);

} // namespace gliasim::analysis
