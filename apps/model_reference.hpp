// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "core/registry.hpp"

namespace gliasim::app {

// The experiment-file parameter reference of every registered model, as Markdown: what
// `gliasim models --markdown` prints and docs/model-reference.md holds (a test keeps the two
// equal, so the documentation follows the registry).
std::string model_reference_markdown(const ModelRegistry& registry);

} // namespace gliasim::app
