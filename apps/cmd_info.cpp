// SPDX-License-Identifier: MIT
// gliasim info OUT.h5: what a result file holds.
#include <algorithm>
#include <fmt/format.h>

#include "commands.hpp"
#include "io/sonata_reader.hpp"
#include "log.hpp"
#include "options.hpp"

namespace gliasim::app {

namespace {

// "  INCOMPLETE: ..." when the run did not complete (completed missing or not 1: killed,
// stopped by a fault, or still being written), so that nobody takes a prefix for the result.
std::string incomplete_note(const std::vector<std::pair<std::string, std::string>>& metadata) {
    std::string completed, stopped;
    for (const auto& [k, v] : metadata) {
        if (k == "completed") completed = v;
        if (k == "stopped") stopped = v;
    }
    if (completed == "1") return {};
    return fmt::format("  INCOMPLETE: the run did not complete (completed = {}{})",
                       completed.empty() ? "missing" : completed,
                       stopped.empty() ? "" : "; stopped: " + stopped);
}

} // namespace

int cmd_info(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")("experiment", "print the stored experiment");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>()->required(), "result file");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden, "usage: gliasim info OUT.h5 [--experiment]",
                            code);
    if (!vm) return code;
    const std::string path = (*vm)["file"].as<std::string>();
    try {
        SonataFile f(path);
        if (vm->count("experiment")) {
            const std::string text = f.experiment();
            if (text.empty())
                throw std::runtime_error("no stored experiment (/metadata/experiment is missing "
                                         "or empty)");
            fmt::print("{}", text);
            return kExitOk;
        }
        const auto metadata = f.metadata();
        fmt::print("{}{}\nmetadata:\n", path, incomplete_note(metadata));
        for (const auto& [k, v] : metadata) fmt::print("  {:<24} {}\n", k, v);
        // The attributes are opened by name (SonataFile::metadata): others are only counted.
        if (const auto all = f.attribute_count("/metadata"); all > metadata.size())
            fmt::print("  ({} other attribute(s), not written by gliasim, not listed)\n",
                       all - metadata.size());
        fmt::print("spikes:\n");
        for (const auto& p : f.spike_populations()) {
            const SpikeData d = f.spikes(p);
            const auto [lo, hi] = std::minmax_element(d.timestamps.begin(), d.timestamps.end());
            std::vector<std::uint64_t> ids = d.node_ids;
            std::sort(ids.begin(), ids.end());
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            if (d.timestamps.empty())
                fmt::print("  {:<16} 0 spikes\n", p);
            else
                fmt::print("  {:<16} {} spikes from {} nodes, t = {:g} .. {:g} ms\n", p,
                           d.timestamps.size(), ids.size(), *lo, *hi);
        }
        fmt::print("reports:\n");
        for (const auto& [p, v] : f.reports()) {
            const ReportData r = f.report(p, v);
            fmt::print("  {}/{}: {} samples x {} nodes [{}], t = {:g} .. {:g} ms every {:g} ms\n",
                       p, v, r.rows, r.cols, r.units, r.start, r.stop - r.step, r.step);
        }
        const auto weight_reports = f.weight_reports();
        if (!weight_reports.empty()) fmt::print("weights:\n");
        for (const auto& [p, k] : weight_reports) {
            const WeightData w = f.weights(p, k);
            const double t0 = w.times.empty() ? 0 : w.times.front();
            const double t1 = w.times.empty() ? 0 : w.times.back();
            if (k == "histogram")
                fmt::print("  {}/histogram: {} samples x {} bins over [{:g}, {:g}] {}, t = {:g} .. "
                           "{:g} ms\n",
                           p, w.rows, w.cols, w.bin_edges.front(), w.bin_edges.back(), w.units, t0,
                           t1);
            else
                fmt::print("  {}/values: {} samples x {} synapses [{}], t = {:g} .. {:g} ms\n", p,
                           w.rows, w.cols, w.units, t0, t1);
        }
        fmt::print("(the experiment that produced it: gliasim info {} --experiment)\n", path);
        return kExitOk;
    } catch (const std::exception& e) {
        // runtime_error: a refused file; anything else (bad_alloc) still ends in one line.
        log::error(path, e.what());
        return kExitUsage;
    }
}

} // namespace gliasim::app
