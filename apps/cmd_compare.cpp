// SPDX-License-Identifier: MIT
// gliasim compare: two task experiments (e.g. a reservoir without and with astrocytes) over the
// same seeds, their task figures side by side with mean and standard deviation, and the paired
// difference B - A with its 95 % t interval and sign-flip p-value (analysis/paired_difference.hpp).
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

#include "analysis/paired_difference.hpp"
#include "commands.hpp"
#include "log.hpp"
#include "options.hpp"
#include "session/run_session.hpp"

namespace gliasim::app {

namespace {

struct Spread {
    double mean = 0, sd = 0;
};
Spread spread(const std::vector<double>& v) {
    Spread s;
    for (double x : v) s.mean += x;
    s.mean /= static_cast<double>(v.size());
    for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(s.sd / static_cast<double>(v.size() - 1)) : 0;
    return s;
}

// One seed of one file through the run session, kept in memory and run over the task's whole
// stream: its figures and the experiment's name, or the exit status after the message.
int run_seed(const std::string& file, const std::vector<std::string>& overrides,
             tasks::TaskResult& result, std::string& source) {
    session::RunRequest request;
    request.file = file;
    request.overrides = overrides;
    request.output_mode = session::OutputMode::memory;
    request.whole_task_stream = true;
    session::RunSession run(request);
    if (const auto refused = run.prepare()) {
        log::error_line(refused->message);
        return refused->exit_status;
    }
    const Experiment& ex = run.experiment();
    source = ex.source;
    if (!run.task()) {
        log::error(ex.source, "not a task experiment (it has no [task])");
        return kExitUsage;
    }
    try {
        if (const auto refused = run.build()) {
            log::error(ex.source, refused->cause);
            return kExitFailure;
        }
        result = *run.execute().task;
    } catch (const std::exception& e) {
        log::error(ex.source, e.what());
        return kExitFailure;
    }
    return kExitOk;
}

} // namespace

int cmd_compare(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")("seeds", po::value<int>()->default_value(5),
                                                      "seeds 1..N (network and stream)")(
        "markdown", "print the table as Markdown (for docs/results.md)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override a key in both files (repeatable)")("threads", po::value<int>(),
                                                     "OpenMP threads per run");
    po::options_description hidden;
    hidden.add_options()("files", po::value<std::vector<std::string>>()->required(),
                         "A.toml B.toml");
    po::positional_options_description pos;
    pos.add("files", 2);
    int code = 0;
    auto vm =
        parse_options(args, visible, pos, hidden,
                      "usage: gliasim compare A.toml B.toml [--seeds N] [--set key=value]...\n"
                      "  e.g. gliasim compare experiments/tasks/memory_capacity.toml "
                      "experiments/tasks/memory_capacity_astro.toml",
                      code);
    if (!vm) return code;
    const auto files = (*vm)["files"].as<std::vector<std::string>>();
    if (files.size() != 2) {
        log::error("gliasim compare",
                   fmt::format("expected two experiment files, got {}", files.size()));
        return kExitUsage;
    }
    const int seeds = (*vm)["seeds"].as<int>();
    if (seeds < 1) {
        log::error("gliasim compare", "--seeds must be at least 1");
        return kExitUsage;
    }
    std::vector<std::string> common;
    if (vm->count("set")) common = (*vm)["set"].as<std::vector<std::string>>();
    if (vm->count("threads"))
        common.push_back(fmt::format("simulation.threads={}", (*vm)["threads"].as<int>()));
    // figures[name][file] over seeds, in the order the first run reports them
    std::vector<std::string> names;
    std::map<std::string, std::vector<double>> values[2];
    for (int seed = 1; seed <= seeds; ++seed) {
        for (int f = 0; f < 2; ++f) {
            std::vector<std::string> o = common;
            o.push_back(fmt::format("simulation.seed={}", seed));
            tasks::TaskResult r;
            std::string source;
            if (const int status = run_seed(files[static_cast<std::size_t>(f)], o, r, source))
                return status;
            auto add = [&](const std::string& name, double v) {
                if (seed == 1 && f == 0) names.push_back(name);
                values[f][name].push_back(v);
            };
            for (const auto& [name, v] : r.scalars)
                if (name != "features" && !name.ends_with("chance")) add(name, v);
            // Short curves point by point, labelled by their axis (the curve before them that
            // the task marks as one, e.g. the delays); long ones (confusion) are left to the
            // output files.
            const std::vector<double>* axis = nullptr;
            for (const auto& [name, c] : r.curves) {
                if (c.size() > 12) continue;
                if (std::find(r.axes.begin(), r.axes.end(), name) != r.axes.end()) {
                    axis = &c;
                    continue;
                }
                for (std::size_t i = 0; i < c.size(); ++i)
                    add(axis && axis->size() == c.size() ? fmt::format("{} @ {}", name, (*axis)[i])
                                                         : fmt::format("{}[{}]", name, i),
                        c[i]);
            }
            log::progress(fmt::format("[gliasim] seed {} {} done", seed, source));
        }
    }
    const bool markdown = vm->count("markdown") > 0;
    if (markdown) {
        fmt::print("A = `{}`, B = `{}`; {} seeds (1..{}), mean ± sd; B − A paired by seed, "
                   "95 % t interval, two-sided sign-flip p (at least 2/2^seeds)\n\n",
                   files[0], files[1], seeds, seeds);
        fmt::print("| figure | A | B | B − A | 95 % CI | p |\n|---|---|---|---|---|---|\n");
    } else {
        fmt::print("A = {}\nB = {}\n{} seeds (1..{}): mean ± sd; B - A paired by seed, 95 % t "
                   "interval, two-sided sign-flip p (at least 2/2^seeds)\n\n",
                   files[0], files[1], seeds, seeds);
        fmt::print("{:<34} {:>20} {:>20} {:>11} {:>22} {:>7}\n", "figure", "A", "B", "B - A",
                   "95 % CI", "p");
    }
    for (const auto& name : names) {
        const auto& a = values[0][name];
        const auto& b = values[1][name];
        if (a.size() != b.size()) continue;
        const Spread sa = spread(a), sb = spread(b);
        const analysis::PairedDifference d = analysis::paired_difference(a, b);
        if (markdown)
            fmt::print("| {} | {:.4g} ± {:.2g} | {:.4g} ± {:.2g} | {:+.3g} | [{:+.3g}, {:+.3g}] | "
                       "{:.3g} |\n",
                       name, sa.mean, sa.sd, sb.mean, sb.sd, d.mean, d.ci_low, d.ci_high,
                       d.p_value);
        else
            fmt::print("{:<34} {:>11.4g} ± {:<6.3g} {:>11.4g} ± {:<6.3g} {:>+11.4g} "
                       "[{:>+9.3g}, {:>+9.3g}] {:>7.3g}\n",
                       name, sa.mean, sa.sd, sb.mean, sb.sd, d.mean, d.ci_low, d.ci_high,
                       d.p_value);
    }
    return kExitOk;
}

} // namespace gliasim::app
