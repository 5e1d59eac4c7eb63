// SPDX-License-Identifier: MIT
// Sparse event queue (core/event_queue.hpp).
#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "core/event_queue.hpp"
#include "core/rng.hpp"

using namespace gliasim;

TEST_CASE("EventQueue pops in (step, kind, source) order", "[events]") {
    EventQueue q;
    CHECK(q.empty());
    CHECK(q.next_step(77) == 77);

    q.push({5, EventKind::progress, 0});
    q.push({5, EventKind::stimulus_on, 3});
    q.push({2, EventKind::recorder_flush, 1});
    q.push({5, EventKind::stimulus_off, 9});
    q.push({5, EventKind::stimulus_on, 1});
    q.push({0, EventKind::progress, 4});
    q.push({5, EventKind::recorder_flush, 2});
    CHECK(q.size() == 7);
    CHECK(q.next_step(77) == 0);
    CHECK(q.top() == Event{0, EventKind::progress, 4});

    const std::vector<Event> expected = {
        {0, EventKind::progress, 4},     {2, EventKind::recorder_flush, 1},
        {5, EventKind::stimulus_off, 9}, {5, EventKind::stimulus_on, 1},
        {5, EventKind::stimulus_on, 3},  {5, EventKind::recorder_flush, 2},
        {5, EventKind::progress, 0},
    };
    for (const Event& e : expected) {
        REQUIRE_FALSE(q.empty());
        CHECK(q.next_step(-1) == e.step);
        CHECK(q.pop() == e);
    }
    CHECK(q.empty());
    CHECK(q.size() == 0);
    CHECK(q.next_step(123) == 123);
}

TEST_CASE("EventQueue: stimulus changes come before flushes and progress at equal steps",
          "[events]") {
    CHECK(Event{3, EventKind::stimulus_off, 100} < Event{3, EventKind::stimulus_on, 0});
    CHECK(Event{3, EventKind::stimulus_on, 100} < Event{3, EventKind::recorder_flush, 0});
    CHECK(Event{3, EventKind::recorder_flush, 100} < Event{3, EventKind::progress, 0});
    CHECK(Event{2, EventKind::progress, 100} < Event{3, EventKind::stimulus_off, 0});
    CHECK_FALSE(Event{3, EventKind::stimulus_on, 1} < Event{3, EventKind::stimulus_on, 1});
}

TEST_CASE("EventQueue keeps exact duplicates and orders a shuffled load like std::sort",
          "[events]") {
    RandomStream rs(8, Stream::test, 0, 0);
    std::vector<Event> events;
    const EventKind kinds[] = {EventKind::stimulus_off, EventKind::stimulus_on,
                               EventKind::recorder_flush, EventKind::progress};
    for (int i = 0; i < 500; ++i)
        events.push_back({static_cast<step_t>(rs.below(20)), kinds[rs.below(4)],
                          static_cast<std::uint32_t>(rs.below(5))});
    events.push_back(events.front()); // an exact duplicate

    EventQueue q;
    for (const auto& e : events) q.push(e);
    std::sort(events.begin(), events.end());
    std::vector<Event> popped;
    while (!q.empty()) popped.push_back(q.pop());
    CHECK(popped == events);
}

TEST_CASE("EventQueue handles negative and large steps", "[events]") {
    EventQueue q;
    q.push({1LL << 40, EventKind::progress, 0});
    q.push({-3, EventKind::stimulus_on, 0});
    CHECK(q.next_step(0) == -3);
    q.pop();
    CHECK(q.next_step(0) == (1LL << 40));
}
