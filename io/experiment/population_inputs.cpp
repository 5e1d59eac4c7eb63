// SPDX-License-Identifier: MIT
// The model-declared inputs of [populations.X] (ModelInfo's DeclaredInput): one entry per key a
// file can give, which reads it into the population's input table. A model that takes one of
// these declares its key and nothing here changes; a new kind of input adds one entry.
#include "sections.hpp"

#include <array>
#include <fmt/format.h>
#include <string_view>

#include "models/spike_times.hpp"

namespace gliasim::experiment_io {

namespace {

struct FileInput {
    std::string_view key;
    std::string_view refusal;  // for a model that does not declare the key
    std::string_view expected; // for a model that requires it and a file that lacks it
    void (*read)(const BuildContext& ctx, const Key& k, PopulationSpec& ps);
};

void read_spike_times_input(const BuildContext& ctx, const Key& k, PopulationSpec& ps) {
    SpikeTimes times = read_spike_times(ctx, k, ps.size);
    double bytes = 0; // kept for the whole run: a vector per list, a double per time
    for (const auto& l : times) bytes += 16.0 * static_cast<double>(l.size()) + 24;
    ps.inputs.set(kSpikeTimesInput, std::move(times), bytes);
}

void read_coupling_input(const BuildContext& ctx, const Key& k, PopulationSpec& ps) {
    ps.inputs.set(kCouplingInput, read_coupling(ctx, k, ps.size));
}

// In the order the section declares its keys (the order of its "allowed" list).
constexpr std::array<FileInput, 2> kFileInputs{{
    {.key = kSpikeTimesInput.name,
     .refusal = "takes no spike_times",
     .expected = "spike times, e.g. [\"10 ms\", \"20 ms\"]",
     .read = read_spike_times_input},
    {.key = kCouplingInput.name,
     .refusal = "takes no coupling among its entities",
     .expected = "a coupling rule",
     .read = read_coupling_input},
}};

} // namespace

std::vector<Key> declare_population_inputs(SectionReader& s) {
    std::vector<Key> keys;
    for (const auto& in : kFileInputs) keys.push_back(s.get(in.key));
    return keys;
}

void read_population_inputs(const BuildContext& ctx, const std::vector<Key>& keys,
                            const ModelInfo& m, PopulationSpec& ps) {
    // Last entry first: a file with two wrong keys is told about coupling before spike_times,
    // as it was when these keys were read one by one.
    for (std::size_t i = kFileInputs.size(); i-- > 0;) {
        const FileInput& in = kFileInputs[i];
        const Key& k = keys[i];
        const DeclaredInput* declared = declared_input(m, in.key);
        if (k) {
            if (!declared) k.fail(fmt::format("model {} {}", m.name, in.refusal));
            in.read(ctx, k, ps);
        } else if (declared && declared->required) {
            k.required(std::string(in.expected));
        }
    }
}

} // namespace gliasim::experiment_io
