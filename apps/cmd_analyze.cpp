// SPDX-License-Identifier: MIT
// gliasim analyze OUT.h5|DIR: firing statistics, synchrony, spectra and astrocyte calcium
// events of recorded results and the time astrocytes spend above threshold, as a table or JSON.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "analysis/analysis_output.hpp"
#include "analysis/astro_activity.hpp"
#include "analysis/file_analysis.hpp"
#include "commands.hpp"
#include "core/units.hpp"
#include "log.hpp"
#include "options.hpp"
#include "result_folder.hpp"

namespace gliasim::app {

namespace {

namespace fs = std::filesystem;
using sweep::FolderContents;
using sweep::folder_results;
using analysis::Parameters;

// "500 ms", "2 s" or a bare number of milliseconds.
double time_ms(const std::string& option, const std::string& text) {
    std::string error;
    if (const auto q = parse_quantity(text, &error); q && q->dim == Dim::time) return q->value;
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(
        fmt::format("--{} '{}': expected a time such as \"500 ms\" or \"2 s\"", option, text));
}

// Per population with a Ca report and a known threshold, how much of the time its astrocytes
// spend above it: a tonic (always above) or silent (never) population shows at once.
void print_astrocyte_activity(const analysis::FileAnalysis& a) {
    bool header = false;
    for (const auto& r : a.reports) {
        if (r.ca_fraction_above.empty()) continue;
        if (!header) fmt::print("astrocyte activity (fraction of time above threshold):\n");
        header = true;
        fmt::print("  {}/{}: {}\n", r.population, r.variable,
                   analysis::activity_line(analysis::summarise_activity(r.ca_fraction_above),
                                           fmt::format("{} ({:g} {})", r.ca_threshold_source,
                                                       r.ca_threshold, r.units)));
    }
}

int analyze_folder(const fs::path& dir, const analysis::AnalysisOptions& o, bool json) {
    FolderContents contents;
    try {
        contents = folder_results(dir);
    } catch (const std::exception& e) {
        log::error("", e.what());
        return kExitUsage;
    }
    for (const auto& s : contents.skipped) log::note(s);
    if (contents.results.empty()) {
        log::error("", fmt::format("no result files in folder '{}'", dir.string()));
        return kExitUsage;
    }
    std::vector<analysis::FileAnalysis> results;
    std::vector<Parameters> kept;
    int code = kExitOk;
    for (const auto& r : contents.results) {
        try {
            results.push_back(analysis::analyze_file(r.file.string(), o));
            kept.push_back(r.parameters);
        } catch (const std::exception& e) {
            log::error("", fmt::format("{} (skipped)", e.what()));
            code = kExitUsage;
        }
    }
    fmt::print("{}",
               json ? analysis::json_table(results, kept) : analysis::text_table(results, kept));
    return code;
}

} // namespace

int cmd_analyze(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")("population,p", po::value<std::string>(),
                                                      "only this population")(
        "from", po::value<std::string>(), "start of the window (\"500 ms\"; default 0)")(
        "to", po::value<std::string>(),
        "end of the window (default: the end of the run)")("json", "print JSON instead of a table")(
        "count-bin", po::value<std::string>()->default_value("100 ms"),
        "bin of spike counts for the Fano factor and correlations")(
        "sync-bin", po::value<std::string>()->default_value("5 ms"),
        "bin of spike counts for the synchrony chi")("pairs",
                                                     po::value<std::size_t>()->default_value(200),
                                                     "neuron pairs sampled for "
                                                     "correlations")(
        "seed", po::value<std::uint64_t>()->default_value(1), "seed of the pair sample")(
        "ca-threshold", po::value<double>(),
        "Ca event threshold in the report's units (default: the model's C_theta or SIC_th, "
        "else half max of each trace)")("sic-threshold", po::value<double>()->default_value(0.0),
                                        "SIC above this [pA] counts as on");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>()->required(), "result file or folder");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden,
                            "usage: gliasim analyze OUT.h5|DIR [--population P] [--from T0 --to "
                            "T1] [--json]",
                            code);
    if (!vm) return code;
    const std::string path = (*vm)["file"].as<std::string>();
    analysis::AnalysisOptions o;
    try {
        if (vm->count("population")) o.population = (*vm)["population"].as<std::string>();
        if (vm->count("from")) o.t_from = time_ms("from", (*vm)["from"].as<std::string>());
        if (vm->count("to")) o.t_to = time_ms("to", (*vm)["to"].as<std::string>());
        o.spikes.count_bin_ms = time_ms("count-bin", (*vm)["count-bin"].as<std::string>());
        o.spikes.sync_bin_ms = time_ms("sync-bin", (*vm)["sync-bin"].as<std::string>());
        if (!(o.spikes.count_bin_ms > 0 && o.spikes.sync_bin_ms > 0))
            throw std::invalid_argument("--count-bin and --sync-bin must be positive");
    } catch (const std::invalid_argument& e) {
        log::error("", e.what());
        return kExitUsage;
    }
    o.spikes.pairs = (*vm)["pairs"].as<std::size_t>();
    o.spikes.seed = (*vm)["seed"].as<std::uint64_t>();
    if (vm->count("ca-threshold")) o.ca_threshold = (*vm)["ca-threshold"].as<double>();
    o.sic_threshold = (*vm)["sic-threshold"].as<double>();
    const bool json = vm->count("json") > 0;

    if (fs::is_directory(path)) return analyze_folder(path, o, json);
    try {
        const auto a = analysis::analyze_file(path, o);
        fmt::print("{}\n", json ? analysis::json_report(a) : analysis::text_report(a));
        if (!json) print_astrocyte_activity(a);
        return kExitOk;
    } catch (const std::exception& e) {
        log::error("", e.what());
        return kExitUsage;
    }
}

} // namespace gliasim::app
