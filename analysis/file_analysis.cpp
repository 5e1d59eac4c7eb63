// SPDX-License-Identifier: MIT
#include "file_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <toml++/toml.h>
#include <unistd.h>

#include "astro_activity.hpp"
#include "core/units.hpp"
#include "io/h5_checked.hpp"
#include "io/sonata_reader.hpp"

namespace gliasim::analysis {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// major * 1000 + minor of "major.minor.patch"; -1 when unreadable.
long major_minor(const std::string& version) {
    unsigned major = 0, minor = 0;
    if (std::sscanf(version.c_str(), "%u.%u", &major, &minor) != 2) return -1;
    return static_cast<long>(major) * 1000 + minor;
}

double number(const std::map<std::string, std::string>& meta, const std::string& key,
              double fallback) {
    const auto it = meta.find(key);
    if (it == meta.end()) return fallback;
    try {
        return std::stod(it->second);
    } catch (const std::exception&) {
        return fallback;
    }
}

struct PopulationInfo {
    std::uint64_t size = 0;
    std::string model;
    // The model's own calcium threshold, when it has one (G-ChI's release threshold C_theta,
    // Li-Rinzel's SIC threshold SIC_th), in the internal unit (uM); NaN otherwise.
    double ca_threshold = std::numeric_limits<double>::quiet_NaN();
    std::string ca_threshold_name;
};

// A parameter as the resolved experiment writes it: '0.5 uM' or a bare number.
double parameter_value(const toml::node& node) {
    if (const auto v = node.value<double>()) return *v;
    if (const auto text = node.value<std::string>())
        if (const auto q = parse_quantity(*text)) return q->value;
    return std::numeric_limits<double>::quiet_NaN();
}

// Population sizes and models from the experiment stored in the file (its resolved TOML).
std::map<std::string, PopulationInfo> populations_of(const std::string& experiment) {
    std::map<std::string, PopulationInfo> out;
    try {
        const toml::table t = toml::parse(experiment);
        if (const auto* pops = t["populations"].as_table())
            for (const auto& [name, node] : *pops) {
                PopulationInfo p;
                p.size = static_cast<std::uint64_t>(
                    node.as_table() ? (*node.as_table())["size"].value_or(0) : 0);
                if (const auto* table = node.as_table()) {
                    p.model = (*table)["model"].value_or("");
                    for (const char* key : {"C_theta", "SIC_th"})
                        if (const auto* v = table->get(key)) {
                            p.ca_threshold = parameter_value(*v);
                            p.ca_threshold_name = key;
                        }
                }
                out[std::string(name.str())] = p;
            }
    } catch (const toml::parse_error&) {
        // No usable experiment: sizes come from the largest node id instead.
    }
    return out;
}

using h5::CheckedDataset;
using h5::Element;

// Bins of one kind (rate, count, synchrony) a window may make: each costs memory (the rate
// bins) or a pass over the pairs (the count bins); 5e7 one-millisecond bins are 13.9 hours.
constexpr double kMaxBins = 5e7;
// What one neuron costs SpikeTrainStats (counts, ISI moments, two sets of bins), rounded up.
constexpr double kBytesPerNeuron = 128;

double physical_memory() {
    return static_cast<double>(sysconf(_SC_PHYS_PAGES)) *
           static_cast<double>(sysconf(_SC_PAGE_SIZE));
}

// A window or population too large to analyse is refused before anything is allocated: a
// damaged /metadata duration_ms, a huge node id or population size must not exhaust memory.
void check_analysis_size(const std::string& path, const std::string& population,
                         std::uint64_t neurons, const std::string& neurons_from,
                         const SpikeStatsOptions& so) {
    const double window = so.t_to - so.t_from;
    for (const auto& [width, name] : {std::pair{so.rate_bin_ms, "population-rate bins"},
                                      std::pair{so.count_bin_ms, "count bins (--count-bin)"},
                                      std::pair{so.sync_bin_ms, "synchrony bins (--sync-bin)"}})
        if (window / width > kMaxBins)
            throw std::runtime_error(fmt::format(
                "'{}': the window of {:g} ms makes {:.3g} {} of {:g} ms, more than {:g}: give a "
                "shorter window (--from/--to) or wider bins",
                path, window, window / width, name, width, kMaxBins));
    const double bytes = static_cast<double>(neurons) * kBytesPerNeuron;
    if (bytes > physical_memory() / 2)
        throw std::runtime_error(fmt::format(
            "'{}' population '{}': {} neurons ({}) need {:.3g} GiB to analyse, more than half "
            "this machine's memory (damaged file?)",
            path, population, neurons, neurons_from, bytes / (1u << 30)));
}

std::uint64_t block_rows(std::uint64_t bytes, std::uint64_t row_bytes) {
    return std::max<std::uint64_t>(1, bytes / std::max<std::uint64_t>(1, row_bytes));
}

std::uint64_t largest_id_plus_one(hid_t file, const std::string& base, std::uint64_t block) {
    const CheckedDataset ids(file, base + "/node_ids", Element::uint64);
    std::vector<std::uint64_t> buf;
    std::uint64_t n = 0;
    for (std::uint64_t first = 0; first < ids.rows(); first += block) {
        buf.resize(std::min(block, ids.rows() - first));
        ids.read_rows(first, buf.size(), buf.data());
        for (auto id : buf) n = std::max(n, id == UINT64_MAX ? id : id + 1);
    }
    return n;
}

SpikeMetrics spike_metrics(hid_t file, const std::string& path, const std::string& population,
                           std::uint64_t size, const AnalysisOptions& o,
                           const SpikeStatsOptions& so) {
    const std::string base = "/spikes/" + population;
    const std::uint64_t block = block_rows(o.block_bytes, 16);
    const CheckedDataset times(file, base + "/timestamps", Element::float64);
    const CheckedDataset ids(file, base + "/node_ids", Element::uint64);
    if (times.rows() != ids.rows())
        throw std::runtime_error(fmt::format("'{}' population '{}': {} timestamps but {} node ids",
                                             path, population, times.rows(), ids.rows()));
    const bool known = size > 0;
    if (!known) size = largest_id_plus_one(file, base, block);
    check_analysis_size(path, population, size,
                        known ? "the size in the stored experiment" : "the largest node id + 1",
                        so);
    SpikeTrainStats stats(size, so);
    std::vector<double> t;
    std::vector<std::uint64_t> id;
    for (std::uint64_t first = 0; first < times.rows(); first += block) {
        const std::uint64_t n = std::min(block, times.rows() - first);
        t.resize(n);
        id.resize(n);
        times.read_rows(first, n, t.data(), true);
        ids.read_rows(first, n, id.data());
        try {
            for (std::uint64_t k = 0; k < n; ++k) stats.add(t[k], id[k]);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error(
                fmt::format("'{}' population '{}': {}", path, population, e.what()));
        }
    }
    return stats.finish();
}

ReportMetrics::Kind kind_of(const std::string& variable) {
    std::string v = variable;
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "ca" || v.starts_with("ca_")) return ReportMetrics::Kind::calcium;
    if (v == "sic" || v == "i_sic") return ReportMetrics::Kind::sic;
    return ReportMetrics::Kind::other;
}

// Visits the report rows inside the window, one block at a time: f(time, row pointer).
template <typename F>
void for_each_row(const CheckedDataset& data, std::uint64_t first, std::uint64_t end, double start,
                  double step, std::uint64_t block, F&& f) {
    std::vector<float> buf;
    for (std::uint64_t r = first; r < end; r += block) {
        const std::uint64_t n = std::min(block, end - r);
        buf.resize(n * data.cols());
        data.read_rows(r, n, buf.data());
        for (std::uint64_t k = 0; k < n; ++k)
            f(start + static_cast<double>(r + k) * step, buf.data() + k * data.cols());
    }
}

ReportMetrics report_metrics(hid_t file, const std::string& population, const std::string& variable,
                             const FileAnalysis& fa, const AnalysisOptions& o,
                             const PopulationInfo& info) {
    ReportMetrics m;
    m.population = population;
    m.variable = variable;
    m.kind = kind_of(variable);
    const std::string base = "/report/" + population + "/" + variable;
    const CheckedDataset data(file, base + "/data", Element::float32, 1, 2);
    const ReportMapping mapping = read_report_mapping(file, base, data.cols());
    m.units = h5::read_string_attribute(data.id(), "units");
    const double start = mapping.start, step = mapping.step;
    // Sample k (state at start + k step) is inside when its time - dt/2 lies in [from, to).
    const double h = fa.dt_ms / 2;
    auto index = [&](double t) {
        const double k = std::ceil((t + h - start) / step);
        return static_cast<std::uint64_t>(std::clamp(k, 0.0, static_cast<double>(data.rows())));
    };
    const std::uint64_t first = index(fa.t_from), end = index(fa.t_to);
    const std::uint64_t cols = data.cols(), block = block_rows(o.block_bytes, cols * 4);
    m.nodes = cols;
    m.samples = end > first ? end - first : 0;

    std::vector<double> lo(cols, std::numeric_limits<double>::infinity()), hi(cols, -lo[0]);
    RunningMoments all;
    std::uint64_t above = 0;
    for_each_row(data, first, end, start, step, block, [&](double, const float* row) {
        for (std::uint64_t c = 0; c < cols; ++c) {
            const double v = row[c];
            all.add(v);
            lo[c] = std::min(lo[c], v);
            hi[c] = std::max(hi[c], v);
            above += v > o.sic_threshold;
        }
    });
    m.mean = all.mean();
    m.min = cols && m.samples ? *std::min_element(lo.begin(), lo.end()) : kNaN;
    m.max = cols && m.samples ? *std::max_element(hi.begin(), hi.end()) : kNaN;
    if (m.kind == ReportMetrics::Kind::sic)
        m.sic_fraction_above = all.count() ? double(above) / double(all.count()) : kNaN;
    if (m.kind != ReportMetrics::Kind::calcium) return m;

    // Calcium: a second pass with one threshold (given, else the model's own), or each trace's
    // half maximum (a flat trace has no events).
    m.ca_threshold = o.ca_threshold.value_or(info.ca_threshold);
    m.ca_threshold_source = o.ca_threshold ? "--ca-threshold"
                            : !std::isnan(info.ca_threshold)
                                ? info.ca_threshold_name + " of " + info.model
                                : "half max of each trace";
    std::vector<ThresholdEvents> detectors;
    for (std::uint64_t c = 0; c < cols; ++c) {
        const double range = hi[c] - lo[c];
        const double half = range > 1e-6 * std::max(1.0, std::abs(hi[c]))
                                ? lo[c] + 0.5 * range
                                : std::numeric_limits<double>::infinity();
        detectors.emplace_back(std::isnan(m.ca_threshold) ? half : m.ca_threshold);
    }
    AboveThreshold above_threshold(cols, m.ca_threshold);
    for_each_row(data, first, end, start, step, block, [&](double t, const float* row) {
        for (std::uint64_t c = 0; c < cols; ++c) detectors[c].add(t, row[c]);
        above_threshold.add_row({row, cols});
    });
    if (!std::isnan(m.ca_threshold)) m.ca_fraction_above = above_threshold.fractions();
    std::vector<std::vector<CaEvent>> events;
    for (const auto& d : detectors) events.push_back(d.events());
    m.ca = summarise_events(events, static_cast<double>(m.samples) * step);
    return m;
}

// The latest time the file holds data for: the last spike, or the last sample of a report.
double recorded_until(hid_t file, const std::vector<std::string>& spike_pops,
                      const std::vector<std::pair<std::string, std::string>>& reports) {
    double until = 0;
    for (const auto& p : spike_pops) {
        const CheckedDataset times(file, "/spikes/" + p + "/timestamps", Element::float64);
        double last = 0;
        if (times.rows() > 0) times.read_rows(times.rows() - 1, 1, &last, true);
        until = std::max(until, last);
    }
    for (const auto& [p, v] : reports) {
        const std::string base = "/report/" + p + "/" + v;
        const CheckedDataset data(file, base + "/data", Element::float32, 1, 2);
        const ReportMapping mapping = read_report_mapping(file, base, data.cols());
        if (data.rows() > 0)
            until = std::max(until,
                             mapping.start + static_cast<double>(data.rows() - 1) * mapping.step);
    }
    return until;
}

} // namespace

std::string supported_format_version() {
    const long v = major_minor(GLIASIM_VERSION);
    return fmt::format("{}.{}", v / 1000, v % 1000);
}

FileAnalysis analyze_file(const std::string& path, const AnalysisOptions& o) {
    SonataFile f(path);
    std::map<std::string, std::string> meta;
    for (const char* key : {"version", "completed", "dt_ms", "duration_ms", "branching_factor"})
        if (auto v = f.metadata_value(key); !v.empty()) meta[key] = std::move(v);
    FileAnalysis fa;
    fa.path = path;
    fa.version = meta.count("version") ? meta["version"] : "";
    if (meta.empty() || fa.version.empty())
        throw std::runtime_error(
            fmt::format("'{}' is HDF5 but not a gliasim result (no /metadata version)", path));
    if (major_minor(fa.version) < 0 || major_minor(fa.version) > major_minor(GLIASIM_VERSION))
        throw std::runtime_error(fmt::format(
            "'{}' was written by gliasim {}, a newer file format than this gliasim reads ({})",
            path, fa.version, supported_format_version()));
    fa.completed = number(meta, "completed", 0) == 1;
    fa.dt_ms = number(meta, "dt_ms", 0);
    fa.duration_ms = number(meta, "duration_ms", 0);
    fa.branching_factor = number(meta, "branching_factor", kNaN);
    for (const auto& [key, value] :
         {std::pair{"dt_ms", fa.dt_ms}, std::pair{"duration_ms", fa.duration_ms}})
        if (!(std::isfinite(value) && value >= 0))
            throw std::runtime_error(
                fmt::format("'{}': /metadata {} = {:g} is not a finite time >= 0 (damaged file?)",
                            path, key, value));
    const auto pops = populations_of(f.experiment());
    const auto spike_pops = f.spike_populations();
    const auto reports = f.reports();
    h5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    if (file.get() < 0) throw std::runtime_error(fmt::format("cannot open '{}'", path));

    // A run that was killed holds data up to its last flush only: by default the window ends
    // there, or rates would count the missing time as silence.
    fa.recorded_until_ms =
        fa.completed ? fa.duration_ms
                     : std::min(fa.duration_ms, recorded_until(file, spike_pops, reports));
    fa.t_from = o.t_from.value_or(0);
    fa.t_to = o.t_to.value_or(fa.recorded_until_ms);
    if (!(fa.t_from >= 0 && fa.t_to > fa.t_from && fa.t_to <= fa.duration_ms + 1e-9))
        throw std::runtime_error(fmt::format(
            "'{}': the window [{:g}, {:g}) ms is empty or outside the run (0 .. {:g} ms{})", path,
            fa.t_from, fa.t_to, fa.duration_ms,
            fa.completed ? "" : fmt::format(", recorded until {:g} ms", fa.recorded_until_ms)));
    if (o.population) {
        const bool has = std::count(spike_pops.begin(), spike_pops.end(), *o.population) ||
                         std::any_of(reports.begin(), reports.end(),
                                     [&](const auto& r) { return r.first == *o.population; });
        if (!has) {
            std::string names;
            for (const auto& [n, info] : pops) names += (names.empty() ? "" : ", ") + n;
            throw std::runtime_error(
                fmt::format("'{}' has no spikes or reports of population '{}' (populations: {})",
                            path, *o.population, names.empty() ? "none" : names));
        }
    }

    SpikeStatsOptions so = o.spikes;
    so.t_from = fa.t_from;
    so.t_to = fa.t_to;
    so.half_step = fa.dt_ms / 2;
    for (const auto& p : spike_pops) {
        if (o.population && p != *o.population) continue;
        const auto it = pops.find(p);
        PopulationMetrics pm;
        pm.name = p;
        pm.model = it != pops.end() ? it->second.model : "";
        pm.spikes = spike_metrics(file, path, p, it != pops.end() ? it->second.size : 0, o, so);
        fa.populations.push_back(std::move(pm));
    }
    for (const auto& [p, v] : reports) {
        if (o.population && p != *o.population) continue;
        const auto it = pops.find(p);
        fa.reports.push_back(
            report_metrics(file, p, v, fa, o, it != pops.end() ? it->second : PopulationInfo{}));
    }
    return fa;
}

} // namespace gliasim::analysis
