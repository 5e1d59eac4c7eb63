// SPDX-License-Identifier: MIT
#include "result_folder.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <optional>

namespace gliasim::app {

namespace {

namespace fs = std::filesystem;

// Cells of one line; `,` lines may quote cells with '"'.
std::vector<std::string> split_line(const std::string& line, char sep) {
    std::vector<std::string> out;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
        if (c == '"' && sep == ',')
            quoted = !quoted;
        else if (c == sep && !quoted)
            out.push_back(cell), cell.clear();
        else if (c != '\r')
            cell += c;
    }
    out.push_back(cell);
    return out;
}

// The columns of a sweep manifest that describe the run rather than its parameters.
const std::vector<std::string> kRunColumns = {"index",  "id",         "status", "exit_code",
                                              "wall_s", "experiment", "error"};

std::optional<FolderContents> from_manifest(const fs::path& dir) {
    fs::path path = dir / "manifest.tsv";
    char sep = '\t';
    if (!fs::exists(path)) path = dir / "manifest.csv", sep = ',';
    std::ifstream in(path);
    std::string line;
    if (!in) return std::nullopt;
    if (!std::getline(in, line))
        throw std::runtime_error(fmt::format("{}: empty manifest", path.string()));
    const auto header = split_line(line, sep);
    std::size_t file_col = header.size(), status_col = header.size();
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (header[c] == "file" || header[c] == "output" || header[c] == "path") file_col = c;
        if (header[c] == "status") status_col = c;
    }
    if (file_col == header.size())
        throw std::runtime_error(fmt::format(
            "{}:1: no column naming the result files (file, output or path)", path.string()));
    FolderContents out;
    for (std::size_t n = 2; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        const auto cells = split_line(line, sep);
        if (cells.size() != header.size())
            throw std::runtime_error(fmt::format("{}:{}: {} cells, expected {}", path.string(), n,
                                                 cells.size(), header.size()));
        FolderResult r;
        r.file = dir / cells[file_col];
        for (std::size_t c = 0; c < header.size(); ++c)
            if (c != file_col &&
                std::find(kRunColumns.begin(), kRunColumns.end(), header[c]) == kRunColumns.end())
                r.parameters.emplace_back(header[c], cells[c]);
        if (!fs::exists(r.file)) {
            const std::string status = status_col < header.size() ? cells[status_col] : "";
            out.skipped.push_back(fmt::format("{}:{}: no result file {}{}", path.string(), n,
                                              cells[file_col],
                                              status.empty() ? "" : " (status " + status + ")"));
            continue;
        }
        out.results.push_back(std::move(r));
    }
    return out;
}

} // namespace

FolderContents folder_results(const fs::path& dir) {
    if (auto m = from_manifest(dir)) return *m;
    FolderContents out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".h5")
            out.results.push_back({e.path(), {}});
    std::sort(out.results.begin(), out.results.end(),
              [](const auto& a, const auto& b) { return a.file < b.file; });
    return out;
}

} // namespace gliasim::app
