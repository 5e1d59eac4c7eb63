// SPDX-License-Identifier: MIT
#pragma once

// Calcium events of astrocyte traces: threshold crossings.
//
// An event starts at the first sample at or above the threshold that follows a sample below it,
// and ends at the first sample below it again; its duration is the time between the two, its
// amplitude the largest sample in between, and inter-event intervals run from onset to onset.
// A trace that starts above the threshold has no event until it first drops below; an event
// still going at the end of the window counts (count, amplitude, rate) but has no duration.

#include <cstdint>
#include <span>
#include <vector>

namespace gliasim::analysis {

struct CaEvent {
    double onset_ms = 0;
    double duration_ms = 0; // NaN for an event that had not ended
    double amplitude = 0;   // peak value, in the trace's units
};

// Follows one trace sample by sample.
class ThresholdEvents {
public:
    explicit ThresholdEvents(double threshold) : threshold_(threshold) {}
    void add(double t_ms, double value);
    // The events so far, the one in progress included (without a duration).
    std::vector<CaEvent> events() const;

private:
    double threshold_;
    bool seen_below_ = false, inside_ = false;
    std::vector<CaEvent> done_;
    CaEvent open_;
};

std::vector<CaEvent> detect_events(std::span<const double> t_ms, std::span<const double> values,
                                   double threshold);

// Summary over many traces of `length_ms` each.
struct CaEventStats {
    std::uint64_t traces = 0, events = 0;
    double rate_per_min = 0;     // events per trace per minute
    double amplitude_mean = 0;   // NaN without events
    double duration_mean_ms = 0; // over ended events; NaN without any
    double interval_mean_ms = 0; // onset to onset within a trace; NaN without any
    double interval_cv = 0;
};
CaEventStats summarise_events(const std::vector<std::vector<CaEvent>>& per_trace, double length_ms);

} // namespace gliasim::analysis
