// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "types.hpp"

namespace gliasim {

// Kinds of sparse events. The numeric order breaks ties at equal steps: stimulus changes take
// effect before the step is simulated; flushes and progress reports come last.
enum class EventKind : std::uint8_t {
    stimulus_off = 0,
    stimulus_on = 1,
    population_reset = 2,
    weight_sample = 9,
    recorder_flush = 10,
    progress = 20,
};

struct Event {
    step_t step;
    EventKind kind;
    std::uint32_t source; // id of the stimulus / recorder that owns the event

    friend bool operator<(const Event& a, const Event& b) {
        if (a.step != b.step) return a.step < b.step;
        if (a.kind != b.kind) return a.kind < b.kind;
        return a.source < b.source;
    }
    friend bool operator==(const Event& a, const Event& b) = default;
};

// Priority queue of sparse events ordered by (step, kind, source), so that ties are broken the
// same way on every run and every thread count.
class EventQueue {
public:
    void push(const Event& e) { heap_.push(e); }
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const Event& top() const { return heap_.top(); }
    Event pop() {
        Event e = heap_.top();
        heap_.pop();
        return e;
    }
    // The step of the next event, or `fallback` when none is queued.
    step_t next_step(step_t fallback) const { return heap_.empty() ? fallback : heap_.top().step; }

private:
    struct Later {
        bool operator()(const Event& a, const Event& b) const { return b < a; }
    };
    std::priority_queue<Event, std::vector<Event>, Later> heap_;
};

} // namespace gliasim
