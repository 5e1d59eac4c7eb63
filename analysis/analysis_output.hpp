// SPDX-License-Identifier: MIT
#pragma once

// How gliasim analyze prints its results: a text table for people, JSON for programs.

#include <string>
#include <utility>
#include <vector>

#include "file_analysis.hpp"

namespace gliasim::analysis {

// Swept parameters of one file of a sweep folder: (name, value) in manifest column order.
using Parameters = std::vector<std::pair<std::string, std::string>>;

std::string text_report(const FileAnalysis& a);
std::string json_report(const FileAnalysis& a, const Parameters& parameters = {});

// A folder: one row per (file, population) with the swept parameters in front.
std::string text_table(const std::vector<FileAnalysis>& files,
                       const std::vector<Parameters>& parameters);
std::string json_table(const std::vector<FileAnalysis>& files,
                       const std::vector<Parameters>& parameters);

} // namespace gliasim::analysis
