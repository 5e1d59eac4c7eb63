// SPDX-License-Identifier: MIT
#pragma once

// The input of item_source: a sequence of items that a task's encoder builds and attaches to
// the task's input population (ModelInputs under kItemsInput). It lives here, with the model
// that reads it, so that the kernel knows nothing of tasks or items.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/model_info.hpp"
#include "core/model_inputs.hpp"

namespace gliasim {

// Items shown one after another: item n lasts item_ms, then gap_ms of silence; during it entity
// i fires as a Poisson process at rates[sequence[n] * width + i] Hz.
struct ItemStream {
    double item_ms = 20;
    double gap_ms = 0;
    // The first prefix_items items last prefix_item_ms each, without gaps (e.g. NALSM's
    // self-organisation on short samples before the task's items).
    std::size_t prefix_items = 0;
    double prefix_item_ms = 0;
    std::size_t width = 0; // entities per pattern
    std::vector<float> rates;
    std::vector<std::uint32_t> sequence;
};

inline constexpr InputKey<ItemStream> kItemsInput{"items"};

// A model whose input comes from a [task] (item_source).
inline bool takes_items(const ModelInfo& m) {
    return declared_input(m, kItemsInput.name) != nullptr;
}

} // namespace gliasim
