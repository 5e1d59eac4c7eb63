// SPDX-License-Identifier: MIT
#include "session/preflight.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <sys/statvfs.h>
#include <unistd.h>

#include "session/output_paths.hpp"

namespace gliasim::session {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOverride = "pass --ignore-resource-limits to run anyway";

// MemAvailable from /proc/meminfo [bytes]; nothing if it cannot be read (then no check).
std::optional<double> available_memory() {
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    double kib = 0;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024.0;
    return std::nullopt;
}

std::optional<double> free_disk(const fs::path& dir) {
    struct statvfs s = {};
    if (statvfs(dir.c_str(), &s) != 0) return std::nullopt;
    return static_cast<double>(s.f_bavail) * static_cast<double>(s.f_frsize);
}

// Writable means a file can be created there (access(2) says yes to root on a read-only mount).
std::optional<std::string> creation_error(const fs::path& dir) {
    std::string probe = (dir / ".gliasim_write_test_XXXXXX").string();
    const int fd = mkstemp(probe.data());
    if (fd < 0) return std::string(std::strerror(errno));
    close(fd);
    unlink(probe.c_str());
    return std::nullopt;
}

// The run writes `partial` until it completes: create it once (a name too long, a read-only
// file system...) and remove it again, so that such a failure stops the run before it builds.
std::optional<std::string> partial_creation_error(const std::string& partial) {
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0) return errno == EEXIST ? std::nullopt : std::optional(std::string(strerror(errno)));
    close(fd);
    unlink(partial.c_str());
    return std::nullopt;
}

} // namespace

std::string format_bytes(double bytes) {
    if (bytes < 1024) return fmt::format("{:.0f} B", bytes);
    constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    std::size_t u = 0;
    for (bytes /= 1024; bytes >= 1024 && u + 1 < std::size(units); ++u) bytes /= 1024;
    return fmt::format("{:.1f} {}", bytes, units[u]);
}

std::optional<std::string> check_before_run(const std::string& output, const ResourceEstimate& need,
                                            const PreflightOptions& options) {
    const fs::path out(output);
    const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return fmt::format("{}: error: output directory '{}' does not exist", output, dir.string());
    if (fs::is_directory(out, ec))
        return fmt::format("{}: error: the output path is a directory", output);
    if (fs::exists(out, ec) && !options.overwrite)
        return fmt::format("{}: error: the output file exists; pass --overwrite to replace it",
                           output);
    if (const auto why = creation_error(dir))
        return fmt::format("{}: error: cannot create files in '{}': {}", output, dir.string(),
                           *why);
    if (const auto why = partial_creation_error(partial_path_of(output)))
        return fmt::format("{}: error: cannot create '{}', where the run is written until it "
                           "completes: {}",
                           output, partial_path_of(output), *why);
    if (options.ignore_limits) return std::nullopt;
    if (const auto mem = available_memory(); mem && need.memory_bytes > *mem)
        return fmt::format("{}: error: the network needs an estimated {} ({:.3g} synapses) but "
                           "only {} of memory is available; {}",
                           output, format_bytes(need.memory_bytes), need.synapses,
                           format_bytes(*mem), kOverride);
    // A file being replaced frees its space only once the new one is complete (renamed over it).
    if (const auto disk = free_disk(dir); disk && need.output_bytes > *disk)
        return fmt::format("{}: error: the output may take up to {} (spikes at {:g} Hz assumed, "
                           "uncompressed) but only {} is free in '{}'; {}",
                           output, format_bytes(need.output_bytes), kAssumedRateHz,
                           format_bytes(*disk), dir.string(), kOverride);
    return std::nullopt;
}

} // namespace gliasim::session
