// SPDX-License-Identifier: MIT
// The gliasim command: dispatches to one subcommand per verb.
#include <cstring>
#include <exception>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "commands.hpp"
#include "log.hpp"

namespace {

constexpr const char* kUsage = R"(usage: gliasim <command> [options]

commands:
  run FILE        simulate an experiment file and write an HDF5 (SONATA) result
  compare A B     run two task experiments over seeds; figures side by side
  validate FILE   check an experiment file without simulating
  models [NAME]   list models, or show one model's parameters, units, defaults and ranges
  info OUT.h5     show what a result file holds
  analyze OUT.h5  firing statistics, synchrony, spectra, Ca events (also a folder of results)
  plot OUT.h5     figures: raster, astro, isi, rates, weights, memory, heatmap, all
  sweep FILE      run every point of the file's [sweep] table (locally or on Slurm)
  collect DIR     one table of a sweep's parameters and results (CSV, HDF5)

options:
  -h, --help      show this help (also: gliasim <command> --help)
  --version       print the version

Exit status: 0 success, 1 run failure, 2 invalid input (nothing simulated),
3 interrupted by SIGINT/SIGTERM (output flushed and closed).
)";

} // namespace

int main(int argc, char** argv) {
    using namespace gliasim::app;
    if (argc < 2) {
        fmt::print(stderr, "{}", kUsage);
        return kExitUsage;
    }
    const std::string cmd = argv[1];
    if (cmd == "-h" || cmd == "--help" || cmd == "help") {
        fmt::print("{}", kUsage);
        return kExitOk;
    }
    if (cmd == "--version" || cmd == "version") {
        fmt::print("gliasim {}\n", version_string());
        return kExitOk;
    }
    const std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (cmd == "run") return cmd_run(args);
        if (cmd == "validate") return cmd_validate(args);
        if (cmd == "models") return cmd_models(args);
        if (cmd == "info") return cmd_info(args);
        if (cmd == "compare") return cmd_compare(args);
        if (cmd == "analyze") return cmd_analyze(args);
        if (cmd == "plot") return cmd_plot(args);
        if (cmd == "sweep") return cmd_sweep(args);
        if (cmd == "sweep-task") return cmd_sweep_task(args);
        if (cmd == "collect") return cmd_collect(args);
    } catch (const std::exception& e) {
        log::error("gliasim " + cmd, e.what());
        return kExitFailure;
    }
    log::error_line(fmt::format("gliasim: unknown command '{}'", cmd));
    fmt::print(stderr, "\n{}", kUsage);
    return kExitUsage;
}
