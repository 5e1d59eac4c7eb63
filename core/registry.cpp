// SPDX-License-Identifier: MIT
#include "registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace gliasim {

void ModelRegistry::add(ModelInfo info) {
    if (find(info.name)) throw std::logic_error("model registered twice: " + info.name);
    models_.push_back(std::move(info));
}

const ModelInfo* ModelRegistry::find(std::string_view name) const {
    for (const auto& m : models_)
        if (m.name == name) return &m;
    return nullptr;
}

std::vector<std::string> ModelRegistry::names() const {
    std::vector<std::string> n;
    for (const auto& m : models_) n.push_back(m.name);
    return n;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_d = std::max<std::size_t>(2, word.size() / 3) + 1;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

} // namespace gliasim
