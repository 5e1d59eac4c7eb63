// SPDX-License-Identifier: MIT
#include "run_summary.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unistd.h>

#include "core/types.hpp"

namespace gliasim::app {

namespace {

std::string format_duration(double s) {
    if (s < 120) return fmt::format("{:.0f} s", s);
    if (s < 7200) return fmt::format("{:.0f} min", s / 60);
    return fmt::format("{:.1f} h", s / 3600);
}

} // namespace

Progress::Progress(double total_ms, bool enabled)
    : total_ms_(total_ms), enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

void Progress::operator()(double sim_ms, double wall_s) {
    if (!enabled_ || wall_s < 2.0) return;
    const double frac = sim_ms / total_ms_;
    const double rtf = wall_s / (sim_ms * 1e-3);
    const double eta = wall_s * (1 - frac) / std::max(frac, 1e-9);
    const std::string line =
        fmt::format("[gliasim] t = {:.2f} / {:.2f} s ({:3.0f}%)  real-time factor {:.3g}  ETA {}",
                    sim_ms * 1e-3, total_ms_ * 1e-3, 100 * frac, rtf, format_duration(eta));
    if (tty_) {
        fmt::print(stderr, "\r{}\x1b[K", line);
        shown_ = true;
    } else if (wall_s - last_line_ >= 10.0) {
        fmt::print(stderr, "{}\n", line);
        last_line_ = wall_s;
    }
}

void Progress::finish() {
    if (shown_) fmt::print(stderr, "\r\x1b[K");
}

void print_summary(const Experiment& ex, const Simulation& sim, const RunStats& stats,
                   const std::optional<BranchingResult>& branching, const RunMetadata& meta,
                   const std::string& out) {
    const auto& spec = ex.network;
    std::size_t neurons = 0;
    for (const auto& p : spec.populations) neurons += p.size;
    fmt::print("gliasim {} | {} | seed {} | {}{} thread{}\n", meta.version, ex.source, spec.seed,
               meta.ranks > 1 ? fmt::format("{} MPI ranks x ", meta.ranks) : std::string(),
               meta.threads, meta.threads == 1 ? "" : "s");
    fmt::print("network: {} entities in {} populations, {} synapses ({:.1f} B/synapse), built in "
               "{:.2f} s\n",
               neurons, spec.populations.size(), meta.synapses, meta.bytes_per_synapse,
               meta.wall_build);
    double plastic = 0;
    for (const auto& [name, value] : meta.figures) {
        if (name == "plastic_synapses") plastic = value;
        if (name == "bytes_per_plastic_synapse")
            fmt::print("  of which plastic: {} synapses, {:.1f} B/plastic synapse\n",
                       static_cast<std::uint64_t>(plastic), value);
    }
    fmt::print("  {:<16} {:<20} {:>9} {:>10} {:>11}\n", "population", "model", "size", "spikes",
               "mean rate");
    const double seconds = static_cast<double>(sim.total_steps()) * spec.dt * 1e-3;
    for (std::size_t p = 0; p < spec.populations.size(); ++p) {
        const auto& ps = spec.populations[p];
        const double rate =
            seconds > 0 ? static_cast<double>(stats.spikes[p]) / ps.size / seconds : 0;
        fmt::print("  {:<16} {:<20} {:>9} {:>10} {:>8.2f} Hz\n", ps.name, ps.model->name, ps.size,
                   stats.spikes[p], rate);
    }
    fmt::print(
        "simulated {:g} ms in {:.3f} s: real-time factor {:.4f}, {:.3g} synaptic events/s{}\n",
        meta.duration, meta.wall_simulate, meta.real_time_factor, meta.synaptic_events_per_s,
        meta.astrocyte_updates_per_s > 0
            ? fmt::format(", {:.3g} astrocyte updates/s", meta.astrocyte_updates_per_s)
            : std::string());
    if (stats.wall_simulate > 0) {
        std::string split;
        for (std::size_t k = 0; k < kPhases; ++k)
            if (stats.phase_seconds[k] > 0)
                split += fmt::format("{} {:.1f}%, ", kPhaseNames[k],
                                     100 * stats.phase_seconds[k] / stats.wall_simulate);
        fmt::print("where the time went: {}other {:.1f}%\n", split,
                   100 * stats.phase_other / stats.wall_simulate);
    }
    if (branching)
        fmt::print("branching factor: {:.4f} (NALSM definition; pooled over spikes {:.4f}, {} "
                   "reference spikes)\n",
                   branching->branching_factor, branching->pooled, branching->spikes_counted);
    if (meta.ranks > 1)
        fmt::print("exchange between ranks: {:.3f} s in {} slices ({:.1f} us per slice)\n",
                   stats.wall_exchange, stats.slices,
                   stats.slices ? 1e6 * stats.wall_exchange / static_cast<double>(stats.slices)
                                : 0);
    fmt::print("output: {} (write {:.3f} s), peak memory {:.1f} MiB{}\n", out, meta.wall_write,
               static_cast<double>(meta.peak_memory_bytes) / 1048576.0,
               meta.ranks > 1 ? " (the largest rank's)" : "");
}

} // namespace gliasim::app
