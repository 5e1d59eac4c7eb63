// SPDX-License-Identifier: MIT
#pragma once

// Random sweep ranges: { min = A, max = B, distribution = "uniform" | "log_uniform" }, where A
// and B are both integers, both floats, or both quantity strings with the same unit ("2 nS").

#include <cstdint>
#include <random>
#include <string>

namespace gliasim::sweep {

struct RandomRange {
    double min = 0, max = 0;
    bool integer = false; // integer bounds give integer samples (bounds included)
    bool log = false;
    std::string unit; // non-empty: the samples are quantity strings "<value> <unit>"
};

// Splits "2.5 nS" into 2.5 and "nS"; false when the text does not start with a number.
bool split_quantity(const std::string& text, double& value, std::string& unit);

// One sample of `range` as TOML text ("3", "0.0412", "\"4.13 nS\"").
std::string sample(const RandomRange& range, std::mt19937_64& rng);

} // namespace gliasim::sweep
