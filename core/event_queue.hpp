// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstdint>
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
    void push(const Event& e) {
        heap_.push_back(e);
        std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const Event& top() const { return heap_.front(); }
    Event pop() {
        std::pop_heap(heap_.begin(), heap_.end(), Later{});
        const Event e = heap_.back();
        heap_.pop_back();
        return e;
    }
    // The step of the next event, or `fallback` when none is queued.
    step_t next_step(step_t fallback) const {
        return heap_.empty() ? fallback : heap_.front().step;
    }

    // For checkpoints: the pending events, and a queue rebuilt from them.
    std::vector<Event> pending() const {
        std::vector<Event> v = heap_;
        std::sort(v.begin(), v.end());
        return v;
    }
    void assign(std::vector<Event> events) {
        heap_ = std::move(events);
        std::make_heap(heap_.begin(), heap_.end(), Later{});
    }

private:
    struct Later {
        bool operator()(const Event& a, const Event& b) const { return b < a; }
    };
    std::vector<Event> heap_; // a binary heap, earliest event in front
};

} // namespace gliasim
