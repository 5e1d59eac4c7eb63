// SPDX-License-Identifier: MIT
// The static synapse: a fixed weight and delay per connection. Its storage and delivery are
// the kernel's projection arrays; this entry makes it selectable and documented by name.
#include "builtin.hpp"

namespace gliasim::models {

ModelInfo static_synapse_info() {
    ModelInfo m;
    m.name = "static";
    m.kind = ModelKind::synapse;
    m.doc = "fixed weight and delay per connection (NEST static_synapse)";
    return m;
}

// Astrocyte -> neuron coupling (NEST sic_connection): every step, weight x the astrocyte's
// SIC reaches the neuron's SIC input after the delay. Continuous-valued, not spike-driven.
ModelInfo sic_synapse_info() {
    ModelInfo m;
    m.name = "sic";
    m.kind = ModelKind::synapse;
    m.doc =
        "astrocyte -> neuron slow inward current, weight x SIC every step (NEST sic_connection)";
    m.continuous_output = "SIC";
    return m;
}

} // namespace gliasim::models
