// SPDX-License-Identifier: MIT
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

namespace gliasim::app {

namespace po = boost::program_options;

// Parses a subcommand's arguments, with --quiet/--verbose added where the command has no such
// option of its own (they set the level of apps/log.hpp). Returns the variables, or nullopt
// after printing help (`exit_code` 0) or a usage error (`exit_code` 2).
std::optional<po::variables_map> parse_options(const std::vector<std::string>& args,
                                               const po::options_description& visible,
                                               const po::positional_options_description& pos,
                                               const po::options_description& hidden,
                                               const std::string& usage, int& exit_code);

} // namespace gliasim::app
