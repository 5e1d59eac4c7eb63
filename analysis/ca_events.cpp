// SPDX-License-Identifier: MIT
#include "ca_events.hpp"

#include <cmath>
#include <limits>

#include "statistics.hpp"

namespace gliasim::analysis {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
} // namespace

void ThresholdEvents::add(double t_ms, double value) {
    if (inside_) {
        if (value >= threshold_) {
            open_.amplitude = std::max(open_.amplitude, value);
            return;
        }
        open_.duration_ms = t_ms - open_.onset_ms;
        done_.push_back(open_);
        inside_ = false;
    }
    if (value < threshold_) {
        seen_below_ = true;
        return;
    }
    if (seen_below_) {
        inside_ = true;
        open_ = CaEvent{t_ms, kNaN, value};
    }
}

std::vector<CaEvent> ThresholdEvents::events() const {
    std::vector<CaEvent> out = done_;
    if (inside_) out.push_back(open_);
    return out;
}

std::vector<CaEvent> detect_events(std::span<const double> t_ms, std::span<const double> values,
                                   double threshold) {
    ThresholdEvents e(threshold);
    for (std::size_t i = 0; i < t_ms.size() && i < values.size(); ++i) e.add(t_ms[i], values[i]);
    return e.events();
}

CaEventStats summarise_events(const std::vector<std::vector<CaEvent>>& per_trace,
                              double length_ms) {
    CaEventStats s;
    s.traces = per_trace.size();
    RunningMoments amplitude, duration, interval;
    for (const auto& events : per_trace) {
        s.events += events.size();
        for (std::size_t k = 0; k < events.size(); ++k) {
            amplitude.add(events[k].amplitude);
            if (!std::isnan(events[k].duration_ms)) duration.add(events[k].duration_ms);
            if (k > 0) interval.add(events[k].onset_ms - events[k - 1].onset_ms);
        }
    }
    s.rate_per_min =
        s.traces && length_ms > 0
            ? static_cast<double>(s.events) / static_cast<double>(s.traces) / (length_ms / 60000.0)
            : kNaN;
    s.amplitude_mean = amplitude.mean();
    s.duration_mean_ms = duration.mean();
    s.interval_mean_ms = interval.mean();
    s.interval_cv = interval.count() > 1 ? std::sqrt(interval.variance()) / interval.mean() : kNaN;
    return s;
}

} // namespace gliasim::analysis
