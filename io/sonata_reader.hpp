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

// /report/<population>/<variable>/mapping, checked against the data's width `cols`: node_ids
// (one per column, none negative), index_pointers (when present: node_ids + 1 of them, from 0,
// never decreasing, ending at cols), element_ids (when present: one per column) and time
// (start, stop, step: finite, step > 0). Throws std::runtime_error "FILE: PATH: ..." otherwise.
struct ReportMapping {
    std::vector<std::uint64_t> node_ids;
    double start = 0, stop = 0, step = 0; // [ms]
};
ReportMapping read_report_mapping(std::int64_t file, const std::string& base, std::uint64_t cols);

// The names of the /metadata attributes a gliasim run writes, sorted.
std::vector<std::string> metadata_attribute_names();

class SonataFile {
public:
    // Throws std::runtime_error with a clear message if `path` is not a regular, readable HDF5
    // file (a FIFO or device is refused before it is opened: reading one could block forever).
    // Every dataset below is read through h5::CheckedDataset: a wrong rank, type or size, or
    // values that contradict each other, throw std::runtime_error "FILE: PATH: ...".
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
    // The attributes of /metadata that gliasim writes (metadata_attribute_names()), rendered as
    // text, in name order. Each is opened by name: listing them by index goes through libhdf5's
    // attribute table, where damaged files find bugs of libhdf5's own
    // (fuzz/known_hdf5_bugs/).
    std::vector<std::pair<std::string, std::string>> metadata() const;
    // How many attributes `group` has (from its object header; none is opened).
    std::size_t attribute_count(const std::string& group) const;
    // One attribute of /metadata by name, rendered as metadata() does; "" when it is missing.
    // Opens only that attribute: listing them all goes through libhdf5's attribute table, where
    // damaged files find bugs of libhdf5's own (fuzz/known_hdf5_bugs/).
    std::string metadata_value(const std::string& name) const;
    // Every attribute of any group ("/task"), listed by index; empty when the group is missing.
    // For files gliasim wrote itself (a sweep's points, checked first): see metadata().
    std::vector<std::pair<std::string, std::string>> attributes(const std::string& group) const;

private:
    std::string path_;
    std::int64_t file_ = -1;
};

} // namespace gliasim
