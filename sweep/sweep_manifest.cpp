// SPDX-License-Identifier: MIT
#include "sweep_manifest.hpp"

#include "io/regular_file.hpp"
#include "sweep_batch_script.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>

namespace gliasim::sweep {

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

bool valid_status(const std::string& s) {
    return s == "pending" || s == "running" || s == "done" || s == "failed";
}

// gliasim writes ids such as "0003-1a2b3c4d"; an id is also a file name in out/, points/, logs/
// and status/, so one that is not a plain name (letters, digits, '_', '-') could name a file
// outside the folder.
bool valid_point_id(const std::string& id) {
    return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

constexpr std::size_t kMaxManifestBytes = std::size_t{1} << 30;

PointRecord parse_manifest_row(const fs::path& path, std::size_t n, const std::string& line,
                               const std::vector<std::string>& header) {
    const auto cells = split_tabs(line);
    if (cells.size() != header.size())
        throw SweepFolderError(fmt::format("{}:{}: {} cells, expected {}", path.string(), n,
                                           cells.size(), header.size()));
    PointRecord r;
    try {
        r.index = std::stoul(cells[0]);
        r.exit_code = std::stoi(cells[3]);
        r.wall_s = parse_wall(cells[4]);
    } catch (const std::exception&) {
        throw SweepFolderError(
            fmt::format("{}:{}: bad index, exit_code or wall_s", path.string(), n));
    }
    r.id = cells[1];
    r.status = cells[2];
    r.output = cells[5];
    r.experiment = cells[6];
    r.error = cells[7];
    if (r.index != n - 2 || !valid_point_id(r.id) || !valid_status(r.status) ||
        r.output != "out/" + r.id + ".h5" || r.experiment != "points/" + r.id + ".toml")
        throw SweepFolderError(fmt::format(
            "{}:{}: not a point gliasim wrote (index {}, id '{}', status '{}', files '{}' and "
            "'{}')",
            path.string(), n, n - 2, printable(r.id), printable(r.status), printable(r.output),
            printable(r.experiment)));
    for (std::size_t c = kManifestColumns.size(); c < cells.size(); ++c)
        r.parameters.push_back({header[c], unescape_cell(cells[c])});
    return r;
}

} // namespace

std::optional<std::string> read_folder_file(const fs::path& path, std::size_t max_bytes) {
    auto read = read_regular_file(path.string(), max_bytes, /*follow_links=*/false);
    if (auto* file = std::get_if<RegularFile>(&read)) return std::move(file->text);
    const FileRefusal& no = std::get<FileRefusal>(read);
    switch (no.why) {
    case FileRefusal::Why::cannot_open:
        if (no.error == ENOENT) return std::nullopt;
        throw SweepFolderError(fmt::format("cannot read {}: {}", path.string(), no.detail));
    case FileRefusal::Why::link:
        throw SweepFolderError(
            fmt::format("{} is a symbolic link; a sweep folder's files are never read or written "
                        "through links (remove it)",
                        path.string()));
    case FileRefusal::Why::not_regular:
    case FileRefusal::Why::too_large:
    case FileRefusal::Why::unreadable:
        break;
    }
    throw SweepFolderError(
        fmt::format("{} is not a regular file of at most {} bytes", path.string(), max_bytes));
}

void refuse_symlink(const fs::path& path) {
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(path, ec)))
        throw SweepFolderError(fmt::format("{} is a symbolic link; gliasim does not write through "
                                           "links in a sweep folder (remove it)",
                                           path.string()));
}

fs::path sweep_folder_absolute(const fs::path& dir) {
    std::string s = fs::absolute(dir).lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

std::string escape_cell(const std::string& value) {
    std::string out;
    for (const char c : value) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string unescape_cell(const std::string& cell) {
    std::string out;
    for (std::size_t i = 0; i < cell.size(); ++i) {
        if (cell[i] != '\\' || i + 1 == cell.size()) {
            out += cell[i];
            continue;
        }
        const char e = cell[++i];
        out += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
    }
    return out;
}

std::string one_line(const std::string& text) {
    std::string out;
    for (const char c : text) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out.size() > 500 ? out.substr(0, 497) + "..." : out;
}

void write_file_atomically(const fs::path& path, const std::string& text) {
    refuse_symlink(path);
    const fs::path tmp = path.string() + fmt::format(".tmp{}", getpid());
    // A leftover of a killed process with this pid (or anything planted under that name) is
    // removed, never written through: O_EXCL | O_NOFOLLOW creates a new file or fails.
    refuse_symlink(tmp);
    if (fs::is_regular_file(fs::symlink_status(tmp))) fs::remove(tmp);
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
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
        for (const auto& p : r.parameters) text += "\t" + escape_cell(p.value);
        text += "\n";
    }
    write_file_atomically(dir / "manifest.tsv", text);
}

std::optional<std::vector<PointRecord>> read_manifest(const fs::path& dir) {
    const fs::path path = dir / "manifest.tsv";
    const auto text = read_folder_file(path, kMaxManifestBytes);
    if (!text) return std::nullopt;
    std::istringstream in(*text);
    std::string line;
    if (!std::getline(in, line))
        throw SweepFolderError(fmt::format("{}: empty manifest", path.string()));
    const auto header = split_tabs(line);
    const std::size_t fixed = kManifestColumns.size();
    if (header.size() < fixed ||
        !std::equal(kManifestColumns.begin(), kManifestColumns.end(), header.begin()))
        throw SweepFolderError(fmt::format("{}:1: not a gliasim sweep manifest (header '{}')",
                                           path.string(), printable(one_line(line))));
    std::vector<PointRecord> records;
    for (std::size_t n = 2; std::getline(in, line); ++n) {
        if (line.empty()) continue;
        records.push_back(parse_manifest_row(path, n, line, header));
    }
    return records;
}

void write_status_file(const fs::path& dir, const PointRecord& r) {
    refuse_symlink(dir / "status");
    fs::create_directories(dir / "status");
    write_file_atomically(status_path(dir, r.id),
                          fmt::format("{}\t{}\t{}\t{}\n", r.status, r.exit_code,
                                      format_wall(r.wall_s), one_line(r.error)));
}

bool apply_status_file(const fs::path& dir, PointRecord& r) {
    // A status file that is not one gliasim wrote (a link, garbage, an unknown status) is
    // ignored: the point keeps the manifest's record.
    std::optional<std::string> text;
    try {
        text = read_folder_file(status_path(dir, r.id), 64 * 1024);
    } catch (const SweepFolderError&) {
        return false;
    }
    if (!text) return false;
    const auto cells = split_tabs(text->substr(0, text->find('\n')));
    if (cells.size() != 4 || !valid_status(cells[0])) return false;
    PointRecord updated = r;
    updated.status = cells[0];
    try {
        std::size_t used = 0;
        updated.exit_code = std::stoi(cells[1], &used);
        if (used != cells[1].size()) return false;
        updated.wall_s = parse_wall(cells[2]);
    } catch (const std::exception&) {
        return false;
    }
    updated.error = one_line(printable(cells[3]));
    r = std::move(updated);
    return true;
}

} // namespace gliasim::sweep
