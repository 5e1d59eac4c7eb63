// SPDX-License-Identifier: MIT
#pragma once

// The input of spike_source_array: spike times [ms] per entity (one list per entity, or one
// list shared by all), read from the population's `spike_times` key.

#include <vector>

#include "core/model_inputs.hpp"

namespace gliasim {

using SpikeTimes = std::vector<std::vector<double>>;

inline constexpr InputKey<SpikeTimes> kSpikeTimesInput{"spike_times"};

} // namespace gliasim
