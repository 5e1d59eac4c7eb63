// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model_info.hpp"

namespace gliasim {

// Models by name. Filled by explicit registration calls (models/register_models.cpp), so the
// model list is greppable and tests can build a registry of their own.
class ModelRegistry {
public:
    void add(ModelInfo info);
    const ModelInfo* find(std::string_view name) const;
    const std::vector<ModelInfo>& all() const { return models_; }
    std::vector<std::string> names() const;

private:
    std::vector<ModelInfo> models_;
};

// Edit distance, for "did you mean" suggestions.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The closest candidate within a small distance, or empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

} // namespace gliasim
