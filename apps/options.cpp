// SPDX-License-Identifier: MIT
#include "options.hpp"

#include <fmt/format.h>
#include <sstream>

#include "commands.hpp"
#include "log.hpp"

namespace gliasim::app {

namespace {

// --quiet and --verbose for a command that declares neither itself (a command's own --quiet,
// as run's, means the same: nothing but errors).
po::options_description verbosity_options(const po::options_description& visible) {
    po::options_description o("diagnostics");
    if (!visible.find_nothrow("quiet", false))
        o.add_options()("quiet,q", "print nothing but errors on stderr");
    if (!visible.find_nothrow("verbose", false))
        o.add_options()("verbose,v", "also print debugging notes on stderr");
    return o;
}

void apply_verbosity(const po::variables_map& vm) {
    if (vm.count("quiet"))
        log::set_verbosity(log::Verbosity::quiet);
    else if (vm.count("verbose"))
        log::set_verbosity(log::Verbosity::verbose);
}

} // namespace

std::optional<po::variables_map> parse_options(const std::vector<std::string>& args,
                                               const po::options_description& visible,
                                               const po::positional_options_description& pos,
                                               const po::options_description& hidden,
                                               const std::string& usage, int& exit_code) {
    const po::options_description verbosity = verbosity_options(visible);
    po::options_description all;
    all.add(visible).add(verbosity).add(hidden);
    std::ostringstream help;
    help << usage << "\n\n" << visible;
    if (!verbosity.options().empty()) help << "\n" << verbosity;
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
        if (vm.count("help")) {
            fmt::print("{}", help.str());
            exit_code = kExitOk;
            return std::nullopt;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        log::error("", e.what());
        fmt::print(stderr, "\n{}", help.str());
        exit_code = kExitUsage;
        return std::nullopt;
    }
    apply_verbosity(vm);
    return vm;
}

} // namespace gliasim::app
