// SPDX-License-Identifier: MIT
#include "sweep_manifest.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace gliasim::app {

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        cells.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
        if (tab == std::string::npos) return cells;
        start = tab + 1;
    }
}

std::string format_wall(double s) {
    return std::isnan(s) ? std::string() : fmt::format("{:.3f}", s);
}

double parse_wall(const std::string& s) {
    return s.empty() ? std::nan("") : std::stod(s);
}

fs::path status_path(const fs::path& dir, const std::string& id) {
    return dir / "status" / (id + ".tsv");
}

} // namespace

std::string one_line(const std::string& text) {
    std::string out;
    for (const char c : text) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out.size() > 500 ? out.substr(0, 497) + "..." : out;
}

void write_file_atomically(const fs::path& path, const std::string& text) {
    const fs::path tmp = path.string() + fmt::format(".tmp{}", getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error(fmt::format("cannot write {}: {}", tmp.string(), strerror(errno)));
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            throw std::runtime_error(
                fmt::format("cannot write {}: {}", tmp.string(), strerror(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    // The rename makes the update atomic for a killed process. No fsync: it would dominate the
    // cost of tiny points, and after an OS crash a lost update only means a point reruns.
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", tmp.string(),
                                             path.string(), strerror(errno)));
}

void write_manifest(const fs::path& dir, const std::vector<PointRecord>& records) {
    std::string text;
    for (std::size_t c = 0; c < kManifestColumns.size(); ++c)
        text += (c ? "\t" : "") + kManifestColumns[c];
    if (!records.empty())
        for (const auto& p : records.front().parameters) text += "\t" + p.key;
    text += "\n";
    for (const auto& r : records) {
        text += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}", r.index, r.id, r.status, r.exit_code,
                            format_wall(r.wall_s), r.output, r.experiment, one_line(r.error));
        for (const auto& p : r.parameters) text += "\t" + one_line(p.value);
        text += "\n";
    }
    write_file_atomically(dir / "manifest.tsv", text);
}

std::optional<std::vector<PointRecord>> read_manifest(const fs::path& dir) {
    const fs::path path = dir / "manifest.tsv";
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::string line;
    if (!std::getline(in, line))
        throw std::runtime_error(fmt::format("{}: empty manifest", path.string()));
    const auto header = split_tabs(line);
    const std::size_t fixed = kManifestColumns.size();
    if (header.size() < fixed ||
        !std::equal(kManifestColumns.begin(), kManifestColumns.end(), header.begin()))
        throw std::runtime_error(fmt::format("{}:1: not a gliasim sweep manifest (header '{}')",
                                             path.string(), one_line(line)));
    std::vector<PointRecord> records;
    for (std::size_t n = 2; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        const auto cells = split_tabs(line);
        if (cells.size() != header.size())
            throw std::runtime_error(fmt::format("{}:{}: {} cells, expected {}", path.string(), n,
                                                 cells.size(), header.size()));
        PointRecord r;
        try {
            r.index = std::stoul(cells[0]);
            r.exit_code = std::stoi(cells[3]);
            r.wall_s = parse_wall(cells[4]);
        } catch (const std::exception&) {
            throw std::runtime_error(
                fmt::format("{}:{}: bad index, exit_code or wall_s", path.string(), n));
        }
        r.id = cells[1];
        r.status = cells[2];
        r.output = cells[5];
        r.experiment = cells[6];
        r.error = cells[7];
        for (std::size_t c = fixed; c < cells.size(); ++c)
            r.parameters.push_back({header[c], cells[c]});
        records.push_back(std::move(r));
    }
    return records;
}

void write_status_file(const fs::path& dir, const PointRecord& r) {
    fs::create_directories(dir / "status");
    write_file_atomically(status_path(dir, r.id),
                          fmt::format("{}\t{}\t{}\t{}\n", r.status, r.exit_code,
                                      format_wall(r.wall_s), one_line(r.error)));
}

bool apply_status_file(const fs::path& dir, PointRecord& r) {
    std::ifstream in(status_path(dir, r.id));
    std::string line;
    if (!in || !std::getline(in, line)) return false;
    const auto cells = split_tabs(line);
    if (cells.size() != 4) return false;
    r.status = cells[0];
    try {
        r.exit_code = std::stoi(cells[1]);
        r.wall_s = parse_wall(cells[2]);
    } catch (const std::exception&) {
        return false;
    }
    r.error = cells[3];
    return true;
}

} // namespace gliasim::app
