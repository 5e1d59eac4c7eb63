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

} // namespace gliasim::models
