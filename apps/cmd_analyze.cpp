// SPDX-License-Identifier: MIT
// gliasim analyze OUT.h5|DIR: firing statistics, synchrony, spectra and astrocyte calcium
// events of recorded results, as a table or JSON.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "analysis/analysis_output.hpp"
#include "analysis/file_analysis.hpp"
#include "commands.hpp"
#include "core/units.hpp"
#include "options.hpp"

namespace gliasim::app {

namespace {

namespace fs = std::filesystem;
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

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            out.push_back(cell), cell.clear();
        else if (c != '\r')
            cell += c;
    }
    out.push_back(cell);
    return out;
}

// The swept parameters of each file, from DIR/manifest.csv when the sweep wrote one: a header
// row, one row per point, and a column naming the point's result file (file, output or path).
// Files without a row get no parameters.
std::vector<Parameters> manifest_parameters(const fs::path& dir,
                                            const std::vector<fs::path>& files) {
    std::vector<Parameters> out(files.size());
    std::ifstream in(dir / "manifest.csv");
    std::string line;
    if (!in || !std::getline(in, line)) return out;
    const auto header = split_csv_line(line);
    std::size_t file_col = header.size();
    for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c] == "file" || header[c] == "output" || header[c] == "path") file_col = c;
    if (file_col == header.size()) return out;
    while (std::getline(in, line)) {
        const auto cells = split_csv_line(line);
        if (cells.size() != header.size()) continue;
        const std::string name = fs::path(cells[file_col]).filename().string();
        for (std::size_t f = 0; f < files.size(); ++f) {
            if (files[f].filename() != name) continue;
            for (std::size_t c = 0; c < header.size(); ++c)
                if (c != file_col) out[f].emplace_back(header[c], cells[c]);
        }
    }
    // Every row gets every column, so the table lines up even where a file had no row.
    Parameters names;
    for (const auto& p : out)
        if (p.size() > names.size()) names = p;
    for (auto& p : out)
        if (p.size() != names.size()) {
            p = names;
            for (auto& [k, v] : p) v = "";
        }
    return out;
}

int analyze_folder(const fs::path& dir, const analysis::AnalysisOptions& o, bool json) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".h5") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) {
        fmt::print(stderr, "error: no *.h5 result files in folder '{}'\n", dir.string());
        return kExitUsage;
    }
    const auto parameters = manifest_parameters(dir, files);
    std::vector<analysis::FileAnalysis> results;
    std::vector<Parameters> kept;
    int code = kExitOk;
    for (std::size_t f = 0; f < files.size(); ++f) {
        try {
            results.push_back(analysis::analyze_file(files[f].string(), o));
            kept.push_back(parameters[f]);
        } catch (const std::exception& e) {
            fmt::print(stderr, "error: {} (skipped)\n", e.what());
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
        "Ca event threshold in the report's units (default: half max of each trace)")(
        "sic-threshold", po::value<double>()->default_value(0.0),
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
        fmt::print(stderr, "error: {}\n", e.what());
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
        return kExitOk;
    } catch (const std::exception& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return kExitUsage;
    }
}

} // namespace gliasim::app
