// SPDX-License-Identifier: MIT
// Sweep planning (sweep/sweep_plan.cpp) in-process: the points of a [sweep] table with their
// ids, overrides and resolved files, a dry run that writes nothing, a point whose value the
// experiment parser rejects, and the already-done detection from a verified output and the
// manifest (what tests/cli/sweep.sh checks through the executable).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "core/recording.hpp"
#include "io/input_error.hpp"
#include "io/sonata_writer.hpp"
#include "models/builtin.hpp"
#include "sweep_plan.hpp"
#include "tasks/experiment_file.hpp"

using namespace gliasim;
using namespace gliasim::sweep;

namespace {

std::string text_of(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct TempFolder {
    fs::path path;
    explicit TempFolder(const std::string& name)
        : path(fs::temp_directory_path() /
               (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()))) {
        fs::create_directories(path);
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

// The sweep tests' tiny network with a [sweep] table: 3 weights x 2 seeds.
fs::path write_sweep_file(const fs::path& dir, const std::string& weights) {
    const fs::path file = dir / "sweep.toml";
    std::ofstream(file) << text_of(fs::path(GLIASIM_SOURCE_DIR) /
                                   "tests/fixtures/sweep/tiny_network.toml")
                        << "\n[sweep]\nseeds = 2\n[sweep.grid]\n\"projections.in_n.weight\" = "
                        << weights << "\n";
    return file;
}

// A result file as a completed run of `resolved_toml` leaves it (what output_verified reads).
void write_completed_output(const fs::path& path, const std::string& resolved_toml) {
    RunMetadata meta;
    meta.experiment_toml = resolved_toml;
    SonataWriter w(path.string(), meta);
    w.open(RecordingLayout{});
    meta.completed = true;
    w.close(meta);
}

} // namespace

TEST_CASE("sweep plan: a grid times seeds gives its points in order, a dry run writes nothing",
          "[sweep]") {
    const TempFolder tmp("gliasim-sweep-plan");
    const fs::path file = write_sweep_file(tmp.path, "[\"8 nS\", \"10 nS\", \"12 nS\"]");
    const fs::path dir = tmp.path / "s";
    const SweepPlan plan = plan_sweep(file.string(), dir, {}, false, false);
    REQUIRE(plan.records.size() == 6);
    CHECK(plan.already_done == 0);
    CHECK(plan.invalid == 0);
    // Seeds vary fastest; each point names its weight (as TOML writes a string) and seed.
    const char* weights[] = {"'8 nS'", "'8 nS'", "'10 nS'", "'10 nS'", "'12 nS'", "'12 nS'"};
    for (std::size_t i = 0; i < plan.records.size(); ++i) {
        const PointRecord& r = plan.records[i];
        INFO(i);
        CHECK(r.index == i);
        CHECK(r.status == "pending");
        CHECK(r.id.rfind(fmt::format("{:04}-", i), 0) == 0);
        CHECK(r.output == "out/" + r.id + ".h5");
        CHECK(r.experiment == "points/" + r.id + ".toml");
        REQUIRE(r.parameters.size() == 2);
        CHECK(r.parameters[0].key == "projections.in_n.weight");
        CHECK(r.parameters[0].value == weights[i]);
        CHECK(r.parameters[1].key == "simulation.seed");
        CHECK(r.parameters[1].value == std::to_string(i % 2 + 1));
    }
    CHECK(!fs::exists(dir));
    // The same file plans the same ids.
    const SweepPlan again = plan_sweep(file.string(), dir, {}, false, false);
    for (std::size_t i = 0; i < plan.records.size(); ++i)
        CHECK(again.records[i].id == plan.records[i].id);
}

TEST_CASE("sweep plan: a point the experiment parser rejects fails alone, with its position",
          "[sweep]") {
    const TempFolder tmp("gliasim-sweep-invalid");
    const fs::path file = write_sweep_file(tmp.path, "[\"8 nS\", \"-3 mV\"]");
    const SweepPlan plan = plan_sweep(file.string(), tmp.path / "s", {}, false, false);
    REQUIRE(plan.records.size() == 4);
    CHECK(plan.invalid == 2);
    for (std::size_t i = 0; i < 4; ++i) {
        INFO(i);
        const bool bad = i >= 2;
        CHECK(plan.records[i].status == (bad ? "failed" : "pending"));
        CHECK(plan.records[i].exit_code == (bad ? 2 : -1));
        if (bad) CHECK(plan.records[i].error.rfind(file.string() + ":", 0) == 0);
    }
    // Every point invalid: the sweep is refused with the first point's error.
    const fs::path all_bad = write_sweep_file(tmp.path, "[\"-3 mV\"]");
    CHECK_THROWS_AS(plan_sweep(all_bad.string(), tmp.path / "t", {}, false, false), InputError);
}

TEST_CASE("sweep plan: a point is done when its output verifies, and keeps its manifest row",
          "[sweep]") {
    const TempFolder tmp("gliasim-sweep-done");
    const fs::path file = write_sweep_file(tmp.path, "[\"8 nS\", \"10 nS\"]");
    const fs::path dir = tmp.path / "s";
    SweepPlan plan = plan_sweep(file.string(), dir, {}, true, false);
    REQUIRE(plan.records.size() == 4);
    CHECK(plan.already_done == 0);
    // Each point's resolved experiment is written, and is what the parser makes of the point.
    const ModelRegistry registry = models::builtin_registry();
    const PointRecord& second = plan.records[1];
    const std::string resolved = text_of(dir / second.experiment);
    const Experiment ex =
        parse_experiment(text_of(file), file.string(),
                         {"projections.in_n.weight=\"8 nS\"", "simulation.seed=2"}, registry);
    CHECK(resolved == ex.resolved_toml);

    // Point 1 finished (its output verifies) and the manifest says so, with its exit and time;
    // point 2 has an output of another experiment (an edited file): it runs again.
    plan.records[1].status = "done";
    plan.records[1].exit_code = 0;
    plan.records[1].wall_s = 1.5;
    write_manifest(dir, plan.records);
    write_completed_output(dir / second.output, resolved);
    write_completed_output(dir / plan.records[2].output, resolved);

    // (Planned as a dry run now: this process holds the folder's lock from the first plan.)
    const SweepPlan next = plan_sweep(file.string(), dir, {}, false, false);
    CHECK(next.already_done == 1);
    for (std::size_t i = 0; i < 4; ++i) {
        INFO(i);
        CHECK(next.records[i].status == (i == 1 ? "done" : "pending"));
    }
    CHECK(next.records[1].wall_s == 1.5);
    CHECK(next.records[1].exit_code == 0);

    // Without its manifest row the output alone marks the point done (a sweep killed between
    // the run's end and the manifest's rewrite).
    fs::remove(dir / "manifest.tsv");
    const SweepPlan lost = plan_sweep(file.string(), dir, {}, false, false);
    CHECK(lost.already_done == 1);
    CHECK(lost.records[1].status == "done");
    CHECK(lost.records[1].exit_code == 0);
    CHECK(std::isnan(lost.records[1].wall_s));
}
