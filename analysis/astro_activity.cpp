// SPDX-License-Identifier: MIT
#include "astro_activity.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace gliasim::analysis {

void AboveThreshold::add_row(std::span<const float> row) {
    if (row.size() != above_.size())
        throw std::invalid_argument(
            fmt::format("a row of {} values for {} traces", row.size(), above_.size()));
    for (std::size_t c = 0; c < row.size(); ++c) above_[c] += row[c] > threshold_;
    ++rows_;
}

std::vector<double> AboveThreshold::fractions() const {
    std::vector<double> f(above_.size(), std::numeric_limits<double>::quiet_NaN());
    if (rows_ == 0) return f;
    for (std::size_t c = 0; c < above_.size(); ++c)
        f[c] = static_cast<double>(above_[c]) / static_cast<double>(rows_);
    return f;
}

ActivitySummary summarise_activity(std::span<const double> fractions) {
    ActivitySummary s;
    s.astrocytes = fractions.size();
    if (fractions.empty()) {
        s.mean = s.min = s.max = std::numeric_limits<double>::quiet_NaN();
        return s;
    }
    double sum = 0;
    s.min = fractions[0];
    s.max = fractions[0];
    for (double f : fractions) {
        sum += f;
        s.min = std::min(s.min, f);
        s.max = std::max(s.max, f);
        s.tonic += f >= kTonicFraction;
        s.silent += f == 0;
    }
    s.mean = sum / static_cast<double>(fractions.size());
    return s;
}

std::string activity_line(const ActivitySummary& s, const std::string& threshold_name) {
    return fmt::format("above {} {:.1f}% of the time (mean; min {:.1f}%, max {:.1f}%), {} of {} "
                       "tonic (>= {:.0f}%), {} silent",
                       threshold_name, 100 * s.mean, 100 * s.min, 100 * s.max, s.tonic,
                       s.astrocytes, 100 * kTonicFraction, s.silent);
}

namespace {
std::string json_fraction(double f) {
    return std::isfinite(f) ? fmt::format("{:.6g}", f) : "null";
}
} // namespace

std::string activity_json(std::span<const double> fractions) {
    if (fractions.empty()) return "";
    std::string per;
    for (double f : fractions) per += (per.empty() ? "" : ", ") + json_fraction(f);
    const ActivitySummary s = summarise_activity(fractions);
    return fmt::format(R"(, "time_above_threshold": {{"per_astrocyte": [{}], "mean": {}, )"
                       R"("min": {}, "max": {}, "tonic": {}, "silent": {}}})",
                       per, json_fraction(s.mean), json_fraction(s.min), json_fraction(s.max),
                       s.tonic, s.silent);
}

} // namespace gliasim::analysis
