// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>

namespace gliasim::session {

// Peak resident set size of this process (VmHWM), in bytes; 0 if unknown.
std::uint64_t peak_memory_bytes();

// CPU time used so far by all threads of this process, in seconds. A loaded machine stretches
// wall time but hardly CPU time, so benchmarks report both.
double process_cpu_seconds();

} // namespace gliasim::session
