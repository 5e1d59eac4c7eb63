// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/recording.hpp"

namespace gliasim {

// What ties a result file to its run, and how the file is created.
struct WriterIdentity {
    std::string run_id; // random, shared with the run's checkpoints (/metadata run_id)
    std::uint64_t experiment_hash = 0; // of the resolved experiment (/metadata experiment_hash)
    // Create the file only if nothing is at its path (a link there is not followed): what
    // `gliasim run` uses, after it removed what --overwrite allowed it to replace.
    bool exclusive = false;
};

// Writes spikes and state reports in the SONATA layout (docs/design.md, "Output files") with
// the HDF5 C API. Datasets are chunked, compressed and extended on each flush; H5Fflush after
// every flush keeps the file readable up to the last flush if the process is killed.
class SonataWriter final : public RecordingBackend {
public:
    // `experiment_toml` and friends are written at open, so even a killed run's file says what
    // was run.
    SonataWriter(std::string path, RunMetadata initial, WriterIdentity identity = {});
    ~SonataWriter() override;
    SonataWriter(const SonataWriter&) = delete;
    SonataWriter& operator=(const SonataWriter&) = delete;

    void open(const RecordingLayout& layout) override;
    void append_spikes(std::size_t population, std::span<const double> times,
                       std::span<const std::uint64_t> ids) override;
    void append_weights(std::size_t report, double time, std::span<const float> row) override;
    void append_samples(std::size_t report, std::span<const float> data, std::size_t rows) override;
    void flush() override;
    void close(const RunMetadata& meta) override;
    void save_position(StateArchive& a) const override;
    // Continues the file of an interrupted run: its datasets up to the stored position are
    // copied into a new file (a fresh name in the same folder) that then replaces it by a
    // rename (the old one may hold half a flush).
    void reopen(const RecordingLayout& layout, StateArchive& a) override;

    const std::string& path() const { return path_; }

private:
    std::vector<std::uint64_t> lengths() const;
    std::string path_;
    RunMetadata initial_;
    WriterIdentity identity_;
    std::int64_t file_ = -1;
    struct SpikeSets {
        std::int64_t times = -1, ids = -1;
        std::uint64_t n = 0;
    };
    struct ReportSet {
        std::int64_t data = -1;
        std::uint64_t rows = 0, cols = 0;
    };
    struct WeightSet {
        std::int64_t data = -1, times = -1;
        std::uint64_t rows = 0, cols = 0;
    };
    std::vector<SpikeSets> spikes_;
    std::vector<ReportSet> reports_;
    std::vector<WeightSet> weights_;
};

} // namespace gliasim
