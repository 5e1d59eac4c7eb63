// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace gliasim::app {

// Peak resident set size of this process (VmHWM), in bytes; 0 if unknown.
std::uint64_t peak_memory_bytes();

} // namespace gliasim::app
