// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gliasim {

// Reading back what SonataWriter wrote: for `gliasim info`, tests and analysis.
struct SpikeData {
    std::vector<double> timestamps; // [ms]
    std::vector<std::uint64_t> node_ids;
};

struct ReportData {
    std::vector<float> data; // rows x cols, row-major
    std::uint64_t rows = 0, cols = 0;
    std::vector<std::uint64_t> node_ids;
    double start = 0, stop = 0, step = 0; // [ms]
    std::string units;
};

// /weights/<projection>/values (sampled weights) or /histogram (counts per bin).
struct WeightData {
    std::vector<float> data; // rows x cols, row-major
    std::uint64_t rows = 0, cols = 0;
    std::vector<double> times;                         // [ms], one per row
    std::vector<std::uint64_t> source_ids, target_ids; // values
    std::vector<double> bin_edges;                     // histogram
    std::string units;
};

class SonataFile {
public:
    // Throws std::runtime_error with a clear message if `path` is not a readable HDF5 file.
    explicit SonataFile(const std::string& path);
    ~SonataFile();
    SonataFile(const SonataFile&) = delete;
    SonataFile& operator=(const SonataFile&) = delete;

    std::vector<std::string> spike_populations() const;
    std::vector<std::pair<std::string, std::string>> reports() const; // (population, variable)
    SpikeData spikes(const std::string& population) const;
    ReportData report(const std::string& population, const std::string& variable) const;
    // (projection, "values" or "histogram")
    std::vector<std::pair<std::string, std::string>> weight_reports() const;
    WeightData weights(const std::string& projection, const std::string& kind) const;
    std::string experiment() const;
    // Attributes of /metadata rendered as "name = value" lines, in name order.
    std::vector<std::pair<std::string, std::string>> metadata() const;
    // The same for any group ("/task"); empty when the group is missing.
    std::vector<std::pair<std::string, std::string>> attributes(const std::string& group) const;

private:
    std::string path_;
    std::int64_t file_ = -1;
};

} // namespace gliasim
