// SPDX-License-Identifier: MIT
#include "analysis_output.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "astro_activity.hpp"

namespace gliasim::analysis {

namespace {

std::string num(double v, int digits = 3) {
    return std::isfinite(v) ? fmt::format("{:.{}g}", v, digits) : "-";
}

// Fixed three decimals for the dimensionless figures of order one (CV, Fano, r, chi).
std::string fixed(double v) {
    return std::isfinite(v) ? fmt::format("{:.3f}", v) : "-";
}

std::string json_num(double v) {
    return std::isfinite(v) ? fmt::format("{:.9g}", v) : "null";
}

std::string json_str(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\', out += c;
        else if (static_cast<unsigned char>(c) < 0x20)
            out += fmt::format("\\u{:04x}", static_cast<int>(c));
        else
            out += c;
    }
    return out + "\"";
}

const char* kind_name(ReportMetrics::Kind k) {
    switch (k) {
    case ReportMetrics::Kind::calcium:
        return "calcium";
    case ReportMetrics::Kind::sic:
        return "sic";
    default:
        return "other";
    }
}

std::string json_spikes(const PopulationMetrics& p) {
    const SpikeMetrics& s = p.spikes;
    return fmt::format(
        R"({{"population": {}, "model": {}, "neurons": {}, "active": {}, "spikes": {}, )"
        R"("rate_hz": {{"mean": {}, "p05": {}, "p25": {}, "median": {}, "p75": {}, "p95": {}}}, )"
        R"("cv_isi": {{"mean": {}, "median": {}, "neurons": {}}}, )"
        R"("fano_factor": {{"mean": {}, "neurons": {}}}, )"
        R"("correlation": {{"mean": {}, "pairs": {}}}, "synchrony_chi": {}, )"
        R"("rate_peak_hz": {}, "branching_ratio": {}}})",
        json_str(p.name), json_str(p.model), s.neurons, s.active, s.spikes, json_num(s.rate_mean),
        json_num(s.rate_p05), json_num(s.rate_p25), json_num(s.rate_median), json_num(s.rate_p75),
        json_num(s.rate_p95), json_num(s.cv_isi_mean), json_num(s.cv_isi_median), s.cv_neurons,
        json_num(s.fano_mean), s.fano_neurons, json_num(s.correlation_mean), s.correlation_pairs,
        json_num(s.synchrony_chi), json_num(s.peak_hz), json_num(s.branching_ratio));
}

std::string json_report_entry(const ReportMetrics& r) {
    std::string out = fmt::format(
        R"({{"population": {}, "variable": {}, "units": {}, "kind": "{}", "nodes": {}, )"
        R"("samples": {}, "mean": {}, "min": {}, "max": {})",
        json_str(r.population), json_str(r.variable), json_str(r.units), kind_name(r.kind), r.nodes,
        r.samples, json_num(r.mean), json_num(r.min), json_num(r.max));
    if (r.kind == ReportMetrics::Kind::calcium)
        out +=
            fmt::format(R"(, "ca_events": {{"threshold": {}, "threshold_from": {}, "count": {}, )"
                        R"("rate_per_min": {}, )"
                        R"("amplitude_mean": {}, "duration_mean_ms": {}, "interval_mean_ms": {}, )"
                        R"("interval_cv": {}}})",
                        json_num(r.ca_threshold), json_str(r.ca_threshold_source), r.ca.events,
                        json_num(r.ca.rate_per_min), json_num(r.ca.amplitude_mean),
                        json_num(r.ca.duration_mean_ms), json_num(r.ca.interval_mean_ms),
                        json_num(r.ca.interval_cv)) +
            activity_json(r.ca_fraction_above);
    if (r.kind == ReportMetrics::Kind::sic)
        out += fmt::format(R"(, "fraction_above_threshold": {})", json_num(r.sic_fraction_above));
    return out + "}";
}

std::string spike_header() {
    return fmt::format("  {:<12} {:>7} {:>7} {:>8} {:>8} {:>17} {:>6} {:>6} {:>7} {:>6} {:>7} "
                       "{:>6}\n",
                       "population", "neurons", "active", "rate Hz", "median", "[p5 .. p95]",
                       "CV ISI", "Fano", "corr", "chi", "peak Hz", "branch");
}

std::string spike_row(const std::string& name, const SpikeMetrics& s) {
    return fmt::format("  {:<12} {:>7} {:>7} {:>8} {:>8} {:>17} {:>6} {:>6} {:>7} {:>6} {:>7} "
                       "{:>6}\n",
                       name, s.neurons, s.active, num(s.rate_mean), num(s.rate_median),
                       fmt::format("[{} .. {}]", num(s.rate_p05), num(s.rate_p95)),
                       fixed(s.cv_isi_mean), fixed(s.fano_mean), fixed(s.correlation_mean),
                       fixed(s.synchrony_chi), num(s.peak_hz), fixed(s.branching_ratio));
}

} // namespace

std::string text_report(const FileAnalysis& a) {
    std::string out = fmt::format("{}: gliasim {}, {}, window {:g} .. {:g} ms\n", a.path, a.version,
                                  a.completed ? "completed"
                                              : fmt::format("INCOMPLETE run (recorded until {:g} "
                                                            "of {:g} ms)",
                                                            a.recorded_until_ms, a.duration_ms),
                                  a.t_from, a.t_to);
    if (std::isfinite(a.branching_factor))
        out += fmt::format("branching factor (NALSM, stored by the run): {}\n",
                           num(a.branching_factor, 4));
    if (!a.populations.empty()) out += "spikes:\n" + spike_header();
    for (const auto& p : a.populations) out += spike_row(p.name, p.spikes);
    if (!a.reports.empty()) out += "reports:\n";
    for (const auto& r : a.reports) {
        out += fmt::format("  {}/{} [{}]: {} nodes x {} samples, mean {}, min {}, max {}\n",
                           r.population, r.variable, r.units, r.nodes, r.samples, num(r.mean),
                           num(r.min), num(r.max));
        if (r.kind == ReportMetrics::Kind::calcium)
            out += fmt::format(
                "    Ca events (threshold {}): {} in {} traces, {} /min per trace, amplitude {} "
                "{}, duration {} ms, interval {} ms (CV {})\n",
                std::isnan(r.ca_threshold)
                    ? r.ca_threshold_source
                    : fmt::format("{} {}, {}", num(r.ca_threshold), r.units, r.ca_threshold_source),
                r.ca.events, r.ca.traces, num(r.ca.rate_per_min), num(r.ca.amplitude_mean), r.units,
                num(r.ca.duration_mean_ms), num(r.ca.interval_mean_ms), num(r.ca.interval_cv));
        if (r.kind == ReportMetrics::Kind::sic)
            out += fmt::format("    above threshold {:.1f}% of the time, mean {} {}\n",
                               100 * r.sic_fraction_above, num(r.mean), r.units);
    }
    return out;
}

std::string json_report(const FileAnalysis& a, const Parameters& parameters) {
    std::string out =
        fmt::format(R"({{"file": {}, "version": {}, "completed": {}, "duration_ms": {}, )"
                    R"("recorded_until_ms": {}, "window_ms": [{}, {}], )"
                    R"("branching_factor": {}, "parameters": {{)",
                    json_str(a.path), json_str(a.version), a.completed ? "true" : "false",
                    json_num(a.duration_ms), json_num(a.recorded_until_ms), json_num(a.t_from),
                    json_num(a.t_to), json_num(a.branching_factor));
    for (std::size_t i = 0; i < parameters.size(); ++i)
        out += fmt::format("{}{}: {}", i ? ", " : "", json_str(parameters[i].first),
                           json_str(parameters[i].second));
    out += "}, \"populations\": [";
    for (std::size_t i = 0; i < a.populations.size(); ++i)
        out += (i ? ", " : "") + json_spikes(a.populations[i]);
    out += "], \"reports\": [";
    for (std::size_t i = 0; i < a.reports.size(); ++i)
        out += (i ? ", " : "") + json_report_entry(a.reports[i]);
    return out + "]}";
}

std::string text_table(const std::vector<FileAnalysis>& files,
                       const std::vector<Parameters>& parameters) {
    auto file_name = [](const FileAnalysis& f) {
        return f.path.substr(f.path.find_last_of('/') + 1);
    };
    // Columns as wide as their widest entry, the header included.
    std::size_t file_width = 4;
    for (const auto& f : files) file_width = std::max(file_width, file_name(f).size());
    const Parameters none;
    const Parameters& names = parameters.empty() ? none : parameters.front();
    std::vector<std::size_t> widths;
    for (const auto& [name, value] : names) widths.push_back(name.size());
    for (const auto& row : parameters)
        for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
            widths[c] = std::max(widths[c], row[c].second.size());

    std::string out = fmt::format("{:<{}}", "file", file_width);
    for (std::size_t c = 0; c < names.size(); ++c)
        out += fmt::format("  {:>{}}", names[c].first, widths[c]);
    out += spike_header().substr(1);
    for (std::size_t f = 0; f < files.size(); ++f) {
        std::string lead = fmt::format("{:<{}}", file_name(files[f]), file_width);
        if (f < parameters.size())
            for (std::size_t c = 0; c < parameters[f].size() && c < widths.size(); ++c)
                lead += fmt::format("  {:>{}}", parameters[f][c].second, widths[c]);
        for (const auto& p : files[f].populations)
            out += lead + spike_row(p.name, p.spikes).substr(1);
        if (files[f].populations.empty()) out += lead + "  (no spikes)\n";
    }
    return out;
}

std::string json_table(const std::vector<FileAnalysis>& files,
                       const std::vector<Parameters>& parameters) {
    std::string out = "[";
    for (std::size_t f = 0; f < files.size(); ++f)
        out += (f ? ",\n " : "") +
               json_report(files[f], f < parameters.size() ? parameters[f] : Parameters{});
    return out + "]\n";
}

} // namespace gliasim::analysis
