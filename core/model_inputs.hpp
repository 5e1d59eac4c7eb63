// SPDX-License-Identifier: MIT
#pragma once

// Inputs that only some models take (a spike source's times, the coupling among astrocytes, an
// upper layer's stimulus stream) travel in one typed table keyed by name: a model declares the keys
// it takes (ModelInfo), a section reader or an upper layer fills them, and the model reads them
// when it is built. A new model-specific input thus adds a key, not a field to PopulationSpec and
// PopulationSetup. Values are shared and immutable, so copying a spec (sweeps, tests) copies
// pointers, not spike lists.

#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "types.hpp"

namespace gliasim {

// The name of an input and the type of its value: both ends name the same constant, so the
// compiler checks the type where a string alone could not.
template <typename T> struct InputKey { std::string_view name; };

class ModelInputs {
public:
    // `bytes`: what the value keeps for the whole run, for the memory estimate.
    template <typename T> void set(InputKey<T> key, T value, double bytes = 0) {
        set_shared(key, std::make_shared<const T>(std::move(value)), bytes);
    }
    template <typename T>
    void set_shared(InputKey<T> key, std::shared_ptr<const T> value, double bytes = 0) {
        entries_[std::string(key.name)] = Entry{std::move(value), bytes};
    }
    // The value under `key`, or null if the table has none.
    template <typename T> std::shared_ptr<const T> find(InputKey<T> key) const {
        const auto it = entries_.find(key.name);
        if (it == entries_.end()) return nullptr;
        const auto* v = std::any_cast<std::shared_ptr<const T>>(&it->second.value);
        // The same name with another type is a programming error, never a user's.
        if (!v) throw std::logic_error("model input '" + it->first + "' read with another type");
        return *v;
    }
    bool has(std::string_view name) const { return entries_.find(name) != entries_.end(); }
    void erase(std::string_view name) {
        if (const auto it = entries_.find(name); it != entries_.end()) entries_.erase(it);
    }
    double bytes() const {
        double b = 0;
        for (const auto& [name, e] : entries_) b += e.bytes;
        return b;
    }

private:
    struct Entry {
        std::any value;
        double bytes = 0;
    };
    std::map<std::string, Entry, std::less<>> entries_;
};

// Coupling among the entities of one population (e.g. astrocytic gap junctions), undirected.
// The file gives the rule (`coupling`); the kernel draws the pairs from the run's seed and hands
// the model its partners (`neighbours`).
struct CouplingSpec {
    enum class Rule { none, ring, bernoulli };
    Rule rule = Rule::none;
    std::uint32_t neighbours = 1; // ring: neighbours on each side
    double p = 0;                 // bernoulli: probability of each pair
};
using Neighbours = std::vector<std::vector<index_t>>; // sorted partners of each entity

inline constexpr InputKey<CouplingSpec> kCouplingInput{"coupling"};
inline constexpr InputKey<Neighbours> kNeighboursInput{"neighbours"};

} // namespace gliasim
