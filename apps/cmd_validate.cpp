// SPDX-License-Identifier: MIT
// gliasim validate: everything `run` checks before simulating, and nothing else.
#include <fmt/format.h>

#include "commands.hpp"
#include "log.hpp"
#include "models/builtin.hpp"
#include "options.hpp"
#include "tasks/experiment_file.hpp"

namespace gliasim::app {

int cmd_validate(const std::vector<std::string>& args) {
    po::options_description visible("options");
    visible.add_options()("help,h", "show this help")(
        "set", po::value<std::vector<std::string>>()->composing(), "override a key (repeatable)")(
        "print", "print the resolved experiment (defaults filled in)");
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>()->required(), "experiment file");
    po::positional_options_description pos;
    pos.add("file", 1);
    int code = 0;
    auto vm = parse_options(args, visible, pos, hidden,
                            "usage: gliasim validate FILE [--set key=value]... [--print]", code);
    if (!vm) return code;
    std::vector<std::string> overrides;
    if (vm->count("set")) overrides = (*vm)["set"].as<std::vector<std::string>>();
    const ModelRegistry registry = models::builtin_registry();
    try {
        const Experiment ex = load_experiment((*vm)["file"].as<std::string>(), overrides, registry);
        if (vm->count("print")) {
            fmt::print("{}\n", ex.resolved_toml);
            return kExitOk;
        }
        std::size_t entities = 0;
        for (const auto& p : ex.network.populations) entities += p.size;
        fmt::print("{}: ok: {} populations ({} entities), {} projections, {} stimuli, {} "
                   "recorders; {:g} ms at dt = {:g} ms; estimated memory {:.1f} MiB\n",
                   ex.source, ex.network.populations.size(), entities,
                   ex.network.projections.size(), ex.network.stimuli.size(),
                   ex.network.spike_recorders.size() + ex.network.state_recorders.size() +
                       ex.network.weight_recorders.size(),
                   ex.network.duration, ex.network.dt,
                   static_cast<double>(ex.estimated_bytes) / 1048576.0);
        return kExitOk;
    } catch (const InputError& e) {
        log::error_line(e.what());
        return kExitUsage;
    }
}

} // namespace gliasim::app
