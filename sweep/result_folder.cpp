// SPDX-License-Identifier: MIT
#include "result_folder.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <optional>

#include "sweep_manifest.hpp"

namespace gliasim::sweep {

namespace {

namespace fs = std::filesystem;

// Cells of a comma-separated line; a cell may be quoted with '"'.
std::vector<std::string> split_csv(const std::string& line) {
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

// The manifest `gliasim sweep` writes, read by the sweep's own reader.
std::optional<FolderContents> from_sweep_manifest(const fs::path& dir) {
    const auto records = read_manifest(dir);
    if (!records) return std::nullopt;
    FolderContents out;
    for (const auto& r : *records) {
        FolderResult f;
        f.file = dir / r.output;
        for (const auto& p : r.parameters) f.parameters.emplace_back(p.key, p.value);
        if (r.output.empty() || !fs::exists(f.file)) {
            out.skipped.push_back(fmt::format("point {} ({}): no result file {} (status {})",
                                              r.index, r.id, r.output, r.status));
            continue;
        }
        out.results.push_back(std::move(f));
    }
    return out;
}

// DIR/manifest.csv: a header row and a column `file`, `output` or `path`; every other column
// is a parameter.
std::optional<FolderContents> from_csv_manifest(const fs::path& dir) {
    const fs::path path = dir / "manifest.csv";
    std::ifstream in(path);
    std::string line;
    if (!in) return std::nullopt;
    if (!std::getline(in, line))
        throw std::runtime_error(fmt::format("{}: empty manifest", path.string()));
    const auto header = split_csv(line);
    std::size_t file_col = header.size();
    for (std::size_t c = 0; c < header.size(); ++c)
        if (header[c] == "file" || header[c] == "output" || header[c] == "path") file_col = c;
    if (file_col == header.size())
        throw std::runtime_error(fmt::format(
            "{}:1: no column naming the result files (file, output or path)", path.string()));
    FolderContents out;
    for (std::size_t n = 2; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        const auto cells = split_csv(line);
        if (cells.size() != header.size())
            throw std::runtime_error(fmt::format("{}:{}: {} cells, expected {}", path.string(), n,
                                                 cells.size(), header.size()));
        FolderResult r;
        r.file = dir / cells[file_col];
        for (std::size_t c = 0; c < header.size(); ++c)
            if (c != file_col) r.parameters.emplace_back(header[c], cells[c]);
        if (!fs::exists(r.file)) {
            out.skipped.push_back(
                fmt::format("{}:{}: no result file {}", path.string(), n, cells[file_col]));
            continue;
        }
        out.results.push_back(std::move(r));
    }
    return out;
}

} // namespace

FolderContents folder_results(const fs::path& dir) {
    if (auto m = from_sweep_manifest(dir)) return *m;
    if (auto m = from_csv_manifest(dir)) return *m;
    FolderContents out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".h5")
            out.results.push_back({e.path(), {}});
    std::sort(out.results.begin(), out.results.end(),
              [](const auto& a, const auto& b) { return a.file < b.file; });
    return out;
}

} // namespace gliasim::sweep
