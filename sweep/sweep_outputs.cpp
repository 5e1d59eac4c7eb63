// SPDX-License-Identifier: MIT
#include "sweep_outputs.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "io/sonata_reader.hpp"

namespace gliasim::sweep {

namespace {

std::string find(const std::vector<std::pair<std::string, std::string>>& kv,
                 const std::string& name) {
    for (const auto& [k, v] : kv)
        if (k == name) return v;
    return {};
}

} // namespace

bool output_completed(const std::string& path) {
    if (!std::filesystem::is_regular_file(path)) return false;
    try {
        const SonataFile f(path);
        return find(f.metadata(), "completed") == "1";
    } catch (const std::exception&) {
        return false; // unreadable, truncated, or still open for writing
    }
}

bool output_verified(const std::string& path, const std::string& experiment, bool needs_task) {
    if (!std::filesystem::is_regular_file(path)) return false;
    try {
        const SonataFile f(path);
        return find(f.metadata(), "completed") == "1" && f.experiment() == experiment &&
               (!needs_task || !f.attributes("/task").empty());
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<std::pair<std::string, std::string>> output_figures(const std::string& path) {
    const SonataFile f(path);
    std::vector<std::pair<std::string, std::string>> out;
    const auto meta = f.metadata();
    for (const auto& [k, v] : meta)
        if (k != "experiment_file" && k != "version") out.emplace_back(k, v);
    for (const auto& [k, v] : f.attributes("/task")) out.emplace_back("task." + k, v);

    toml::table experiment;
    try {
        experiment = toml::parse(f.experiment());
    } catch (const toml::parse_error&) {
        // No sizes, so no rates; the spike counts are still reported.
    }
    const std::string duration = find(meta, "duration_ms");
    const double seconds = duration.empty() ? 0 : std::stod(duration) * 1e-3;
    for (const auto& pop : f.spike_populations()) {
        const std::size_t spikes = f.spikes(pop).timestamps.size();
        out.emplace_back("spikes." + pop, std::to_string(spikes));
        const auto size = experiment["populations"][pop]["size"].value<std::int64_t>();
        if (size && *size > 0 && seconds > 0)
            out.emplace_back("rate_hz." + pop,
                             fmt::format("{:.6g}", static_cast<double>(spikes) /
                                                       static_cast<double>(*size) / seconds));
    }
    return out;
}

} // namespace gliasim::sweep
