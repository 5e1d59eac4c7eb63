// SPDX-License-Identifier: MIT
#include "sweep_random.hpp"

#include <cmath>
#include <cstdlib>
#include <fmt/format.h>

namespace gliasim::sweep {

namespace {

// A uniform double in [0, 1) from the generator's raw bits: the same sequence on every standard
// library (std::uniform_real_distribution is not specified bit for bit).
double unit_uniform(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

} // namespace

bool split_quantity(const std::string& text, double& value, std::string& unit) {
    const char* begin = text.c_str();
    char* end = nullptr;
    value = std::strtod(begin, &end);
    if (end == begin || !std::isfinite(value)) return false;
    std::string rest(end);
    const auto first = rest.find_first_not_of(" \t");
    const auto last = rest.find_last_not_of(" \t");
    unit = first == std::string::npos ? "" : rest.substr(first, last - first + 1);
    return true;
}

std::string sample(const RandomRange& range, std::mt19937_64& rng) {
    const double u = unit_uniform(rng);
    if (range.integer) {
        // Inclusive integer bounds: floor over [min, max + 1) (log: over [log min, log(max+1))).
        const double lo = range.log ? std::log(range.min) : range.min;
        const double hi = range.log ? std::log(range.max + 1) : range.max + 1;
        const double x = range.log ? std::exp(lo + u * (hi - lo)) : lo + u * (hi - lo);
        const auto v = static_cast<long long>(std::floor(x));
        return fmt::format("{}", std::min(v, static_cast<long long>(range.max)));
    }
    const double x =
        range.log ? std::exp(std::log(range.min) + u * (std::log(range.max) - std::log(range.min)))
                  : range.min + u * (range.max - range.min);
    // Six significant digits: readable in file names and tables, and the text is what is hashed.
    const std::string number = fmt::format("{:.6g}", x);
    if (!range.unit.empty()) return fmt::format("'{} {}'", number, range.unit);
    // A float key must stay a TOML float: "3" would be read back as an integer.
    if (number.find_first_of(".eEn") == std::string::npos) return number + ".0";
    return number;
}

} // namespace gliasim::sweep
