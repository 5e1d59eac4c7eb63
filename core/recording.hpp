// SPDX-License-Identifier: MIT
#pragma once

// Recording back-ends behind one interface (cf. NEST's recording_backend.h): SONATA-HDF5 for
// users (io/), in-memory for tests (below).

#include <algorithm>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "state_archive.hpp"
#include "types.hpp"

namespace gliasim {

struct PopulationLayout {
    std::string name;
    std::string model;
    index_t size;
    bool record_spikes;
};

struct ReportLayout {
    std::string population;
    std::string variable;
    std::string units;
    std::vector<index_t> ids;
    double start; // [ms] time of the first sample
    double step;  // [ms]
    std::uint64_t samples;
};

// Weights of a projection over time: one row per sample of the synapses (source_ids[k],
// target_ids[k]), or of a histogram with the given bin edges.
struct WeightReportLayout {
    std::string projection;
    std::string units;
    bool histogram = false;
    std::vector<index_t> source_ids, target_ids; // weights
    std::vector<double> bin_edges;               // histogram
};

struct RecordingLayout {
    double dt;
    double duration;
    std::vector<PopulationLayout> populations;
    std::vector<ReportLayout> reports;
    std::vector<WeightReportLayout> weight_reports = {};
};

struct RunMetadata {
    std::string experiment_toml;
    std::string experiment_file;
    std::uint64_t seed = 0;
    std::string version;
    int threads = 1; // per rank
    int ranks = 1;   // MPI processes that ran the network together
    double dt = 0;
    double duration = 0;
    double wall_build = 0;    // [s]
    double wall_simulate = 0; // [s]
    double wall_write = 0;    // [s]
    double wall_exchange = 0; // [s] inside the exchange between MPI ranks (0 with one rank)
    double real_time_factor = 0;
    double synaptic_events = 0;
    double synaptic_events_per_s = 0;
    double astrocyte_updates_per_s = 0;
    double bytes_per_synapse = 0;
    std::uint64_t synapses = 0;
    std::uint64_t peak_memory_bytes = 0;
    bool completed = false;
    std::string stopped = {}; // why a run ended early (numerical fault, signal); empty if not
    // Figures computed after the run (e.g. branching_factor), as /metadata attributes.
    std::vector<std::pair<std::string, double>> figures = {};
};

class RecordingBackend {
public:
    virtual ~RecordingBackend() = default;
    virtual void open(const RecordingLayout& layout) = 0;
    // Spike times [ms] and population-local node ids, in time order.
    virtual void append_spikes(std::size_t population, std::span<const double> times,
                               std::span<const std::uint64_t> ids) = 0;
    // `rows` samples of report `report`, row-major (time x ids).
    virtual void append_samples(std::size_t report, std::span<const float> data,
                                std::size_t rows) = 0;
    // One row of weight report `report` (weights, or histogram counts) taken at `time` [ms].
    virtual void append_weights(std::size_t report, double time, std::span<const float> row) = 0;
    virtual void flush() = 0;
    virtual void close(const RunMetadata& meta) = 0;

    // Checkpoints. save_position records how much of each dataset the back-end holds (called
    // right after a flush); reopen, instead of open, continues an earlier run's output from such
    // a position, dropping whatever was written after it.
    virtual void save_position(StateArchive& a) const {
        (void)a;
        throw std::logic_error("this recording back-end cannot be checkpointed");
    }
    virtual void reopen(const RecordingLayout& layout, StateArchive& a) {
        (void)layout;
        (void)a;
        throw std::logic_error("this recording back-end cannot be checkpointed");
    }
};

// Takes everything and keeps nothing: the back-end of the MPI ranks other than rank 0, which
// writes the one output file of a run over several ranks.
class DiscardBackend final : public RecordingBackend {
public:
    void open(const RecordingLayout&) override {}
    void append_spikes(std::size_t, std::span<const double>,
                       std::span<const std::uint64_t>) override {}
    void append_samples(std::size_t, std::span<const float>, std::size_t) override {}
    void append_weights(std::size_t, double, std::span<const float>) override {}
    void flush() override {}
    void close(const RunMetadata&) override {}
};

// Keeps everything in memory; for tests and for callers that post-process in-process.
class MemoryBackend final : public RecordingBackend {
public:
    struct SpikeTrain {
        std::vector<double> times;
        std::vector<std::uint64_t> ids;
    };
    RecordingLayout layout;
    std::vector<SpikeTrain> spikes;
    std::vector<std::vector<float>> reports;
    std::vector<std::vector<float>> weights; // per weight report, rows concatenated
    std::vector<std::vector<double>> weight_times;
    RunMetadata meta;
    int flushes = 0;

    void open(const RecordingLayout& l) override {
        layout = l;
        spikes.assign(l.populations.size(), {});
        reports.assign(l.reports.size(), {});
        weights.assign(l.weight_reports.size(), {});
        weight_times.assign(l.weight_reports.size(), {});
    }
    void append_weights(std::size_t r, double time, std::span<const float> row) override {
        weights[r].insert(weights[r].end(), row.begin(), row.end());
        weight_times[r].push_back(time);
    }
    void append_spikes(std::size_t p, std::span<const double> t,
                       std::span<const std::uint64_t> ids) override {
        spikes[p].times.insert(spikes[p].times.end(), t.begin(), t.end());
        spikes[p].ids.insert(spikes[p].ids.end(), ids.begin(), ids.end());
    }
    void append_samples(std::size_t r, std::span<const float> data, std::size_t) override {
        reports[r].insert(reports[r].end(), data.begin(), data.end());
    }
    void flush() override { ++flushes; }
    void close(const RunMetadata& m) override { meta = m; }

    // Rows of each dataset, as the file back-end counts them (spikes, reports, weight samples),
    // so that a checkpoint's position is checked the same way whichever back-end wrote it.
    void save_position(StateArchive& a) const override {
        auto lengths = rows();
        a.io("lengths", lengths);
    }
    void reopen(const RecordingLayout& l, StateArchive& a) override {
        // In memory, only the back-end that recorded the first part can continue it.
        if (spikes.size() != l.populations.size()) open(l);
        layout = l;
        auto lengths = rows();
        const auto have = lengths;
        a.io("lengths", lengths);
        for (std::size_t i = 0; i < lengths.size(); ++i)
            if (lengths[i] > have[i])
                throw CheckpointMismatch("the in-memory recording holds less than the checkpoint");
        std::size_t k = 0;
        for (auto& s : spikes) {
            s.times.resize(lengths[k]);
            s.ids.resize(lengths[k++]);
        }
        for (std::size_t r = 0; r < reports.size(); ++r)
            reports[r].resize(lengths[k++] * report_columns(r));
        for (std::size_t w = 0; w < weights.size(); ++w) {
            weights[w].resize(lengths[k] * weight_columns(w));
            weight_times[w].resize(lengths[k++]);
        }
    }

private:
    std::size_t report_columns(std::size_t r) const {
        return std::max<std::size_t>(1, layout.reports[r].ids.size());
    }
    std::size_t weight_columns(std::size_t w) const {
        const auto& wl = layout.weight_reports[w];
        return wl.histogram ? wl.bin_edges.size() - 1 : wl.source_ids.size();
    }
    std::vector<std::uint64_t> rows() const {
        std::vector<std::uint64_t> n;
        for (const auto& s : spikes) n.push_back(s.times.size());
        for (std::size_t r = 0; r < reports.size(); ++r)
            n.push_back(reports[r].size() / report_columns(r));
        for (const auto& t : weight_times) n.push_back(t.size());
        return n;
    }
};

} // namespace gliasim
