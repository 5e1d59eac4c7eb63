// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gliasim {

// Adds a group `group` (e.g. "/task") to a closed result file: scalars as double attributes,
// curves as 1-D double datasets. Throws std::runtime_error naming the file on failure.
void write_figures(const std::string& path, const std::string& group,
                   const std::vector<std::pair<std::string, std::string>>& texts,
                   const std::vector<std::pair<std::string, double>>& scalars,
                   const std::vector<std::pair<std::string, std::vector<double>>>& curves);

} // namespace gliasim
