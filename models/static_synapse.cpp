// SPDX-License-Identifier: MIT
// The static synapse: a fixed weight and delay per connection. Its storage and delivery are
// the kernel's projection arrays; this entry makes it selectable and documented by name.
#include "builtin.hpp"

namespace gliasim::models {

ModelInfo static_synapse_info() {
    return ModelInfo{.name = "static",
                     .doc = "fixed weight and delay per connection (NEST static_synapse)",
                     .role = SynapseModel{}};
}

// Astrocyte -> neuron coupling (NEST sic_connection): every step, weight x the astrocyte's
// SIC reaches the neuron's SIC input after the delay. Continuous-valued, not spike-driven.
ModelInfo sic_synapse_info() {
    return ModelInfo{.name = "sic",
                     .doc = "astrocyte -> neuron slow inward current, weight x SIC every step "
                            "(NEST sic_connection)",
                     .role = SynapseModel{.carries = {.name = "SIC"}}};
}

} // namespace gliasim::models
