// SPDX-License-Identifier: MIT
#pragma once

// The memory of a task run's own data, which the network estimate (core/resource_estimate.hpp,
// from the network alone: core/ knows no tasks) leaves out. Added to it before the preflight.

#include "core/network_spec.hpp"
#include "tasks/task_spec.hpp"

namespace gliasim::session {

// Bytes of a task's item states and input stream, 0 when there is no task (null):
// - the item-state matrix: one double per item of the stream and readout entity (and, with the
//   trace reader, a trace and a last-spike step per readout entity);
// - the stream: a 32-bit pattern index per item (the self-organisation prefix included) and at
//   most one float pattern per item over the input and teacher populations (an upper bound:
//   symbol tasks share a few patterns, analog and image tasks have one per item).
// The trainers' working copies are not included.
double estimate_task_memory(const NetworkSpec& network, const TaskSpec* task_or_null);

} // namespace gliasim::session
