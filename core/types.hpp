// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

namespace gliasim {

// Time is an integer count of resolution steps (docs/design.md, "Time and the duty cycle").
using step_t = std::int64_t;

// Index of an entity inside its population; populations are contiguous gid ranges.
using index_t = std::uint32_t;

// Half-open range [begin, end) of population-local indices.
struct IndexRange {
    index_t begin = 0;
    index_t end = 0;
    index_t size() const { return end - begin; }
    bool contains(index_t i) const { return i >= begin && i < end; }
};

// A spike as the kernel exchanges it: the step in which the threshold was crossed and the
// population-local index of the sender.
struct Spike {
    step_t step;
    index_t index;
};

} // namespace gliasim
