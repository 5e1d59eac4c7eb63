// SPDX-License-Identifier: MIT
// [simulation] (duration, dt, seed, threads) and [output] (file, flush_interval).
#include "sections.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <limits>

namespace gliasim::experiment_io {

void read_simulation(BuildContext& ctx) {
    const toml::table* t = ctx.section("simulation");
    if (!t)
        ctx.r.fail(&ctx.doc, "simulation", "missing [simulation] table (needs at least duration)");
    SectionReader s(ctx.r, *t, "simulation");
    const Key duration = s.get("duration"), dt = s.get("dt"), seed = s.get("seed"),
              threads = s.get("threads");
    s.finish("[simulation]");
    auto& net = ctx.ex.network;
    if (dt) net.dt = dt.quantity(Dim::time);
    if (!(net.dt >= 1e-4 && net.dt <= 10.0))
        dt.fail(fmt::format("dt must be in [0.0001 ms, 10 ms], got {} ms", net.dt));
    // A section such as [task] decides the duration; a duration given anyway is replaced.
    const bool decided = ctx.duration_decided_by_section();
    if (decided && !duration)
        net.duration = 1;
    else
        net.duration = duration.required("e.g. \"1 s\"").quantity(Dim::time);
    if (!(net.duration > 0)) duration.fail("duration must be > 0");
    // A shorter run would take no step at all and still say it completed.
    if (!decided && net.duration < net.dt)
        duration.fail(fmt::format("duration {} ms is shorter than one step (dt = {} ms)",
                                  net.duration, net.dt));
    if (net.duration / net.dt > 1e12)
        duration.fail(
            fmt::format("{} ms at dt = {} ms is more than 1e12 steps", net.duration, net.dt));
    if (seed)
        net.seed = static_cast<std::uint64_t>(seed.integer(
            0, std::numeric_limits<std::int64_t>::max(), "a non-negative integer seed"));
    if (threads)
        net.threads = static_cast<int>(threads.integer(0, 1024, "a thread count (0 = all cores)"));
    auto& w = *ctx.doc.get("simulation")->as_table();
    w.insert("dt", quantity_text(net.dt, Dim::time));
    w.insert("seed", static_cast<std::int64_t>(net.seed));
    w.insert("threads", net.threads);
}

void read_output(BuildContext& ctx) {
    Experiment& ex = ctx.ex;
    if (const toml::table* t = ctx.section("output")) {
        SectionReader s(ctx.r, *t, "output");
        const Key file = s.get("file"), flush_interval = s.get("flush_interval");
        s.finish("[output]");
        if (file) {
            ex.output_file = file.string();
            if (ex.output_file.empty()) file.fail("expected a file name");
            // A NUL would cut the path short (another file than the one shown); a newline
            // or escape sequence would hide in messages and listings.
            for (const char c : ex.output_file)
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                    file.fail(fmt::format("control character 0x{:02X} in the file name",
                                          static_cast<unsigned>(static_cast<unsigned char>(c))));
        }
        if (flush_interval) {
            ex.network.flush_interval = flush_interval.quantity(Dim::time);
            if (!(ex.network.flush_interval >= ex.network.dt))
                flush_interval.fail("flush interval must be at least dt");
        }
    }
    if (ex.output_file.empty()) {
        const auto stem = std::filesystem::path(ex.source).stem().string();
        ex.output_file = (stem.empty() ? std::string("gliasim") : stem) + ".h5";
    }
}

} // namespace gliasim::experiment_io
