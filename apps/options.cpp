// SPDX-License-Identifier: MIT
#include "options.hpp"

#include <fmt/format.h>
#include <sstream>

#include "commands.hpp"

namespace gliasim::app {

std::optional<po::variables_map> parse_options(const std::vector<std::string>& args,
                                               const po::options_description& visible,
                                               const po::positional_options_description& pos,
                                               const po::options_description& hidden,
                                               const std::string& usage, int& exit_code) {
    po::options_description all;
    all.add(visible).add(hidden);
    std::ostringstream help;
    help << usage << "\n\n" << visible;
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
        fmt::print(stderr, "error: {}\n\n{}", e.what(), help.str());
        exit_code = kExitUsage;
        return std::nullopt;
    }
    return vm;
}

} // namespace gliasim::app
