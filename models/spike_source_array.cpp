// SPDX-License-Identifier: MIT
// Sources that emit spikes at given times (NEST spike_generator, PyNN SpikeSourceArray).
// A spike at time t is emitted in the step that ends at t, so it is recorded at exactly t.
#include <algorithm>
#include <cmath>

#include "builtin.hpp"
#include "schema.hpp"
#include "spike_times.hpp"

namespace gliasim::models {

namespace {

#define SPIKE_SOURCE_ARRAY_STATE(X)                                                                \
    X(n_spikes, .dim = Dim::dimensionless, .doc = "number of listed spike times")
GLIASIM_STATE(SPIKE_SOURCE_ARRAY_STATE);

class SpikeSourceArray final : public Population {
public:
    explicit SpikeSourceArray(const PopulationSetup& s) : Population(s, 0), count_(s.size, 0) {
        const auto given = s.inputs.find(kSpikeTimesInput);
        const SpikeTimes none;
        const SpikeTimes& lists = given ? *given : none;
        offsets_.push_back(0);
        for (index_t i = 0; i < s.size; ++i) {
            const auto& times = lists.size() == 1  ? lists[0]
                                : i < lists.size() ? lists[i]
                                                   : std::vector<double>{};
            std::vector<step_t> st;
            for (double t : times) st.push_back(std::llround(t / s.dt) - 1);
            std::sort(st.begin(), st.end());
            steps_.insert(steps_.end(), st.begin(), st.end());
            offsets_.push_back(steps_.size());
            count_[i] = static_cast<double>(st.size());
        }
        cursor_.assign(offsets_.begin(), offsets_.end() - 1);
    }

    void update(step_t step, IndexRange r, std::vector<Spike>& spikes) override {
        for (index_t i = r.begin; i < r.end; ++i) {
            std::size_t& c = cursor_[i];
            while (c < offsets_[i + 1] && steps_[c] < step) ++c; // times before the start
            while (c < offsets_[i + 1] && steps_[c] == step) {
                spikes.push_back({step, i});
                ++c;
            }
        }
    }

    void archive_extra(StateArchive& a) override {
        a.io("cursor", cursor_);
        if (a.loading()) // each cursor within its own entity's list of times
            for (std::size_t i = 0; i < cursor_.size(); ++i)
                a.require_within<std::size_t>("cursor", std::span(&cursor_[i], 1), offsets_[i],
                                              offsets_[i + 1]);
    }

    std::span<double> state(std::size_t var) override {
        if (var != Var::n_spikes) throw_unknown_state("spike_source_array", var);
        return count_;
    }

private:
    std::vector<step_t> steps_;
    std::vector<std::size_t> offsets_;
    std::vector<std::size_t> cursor_;
    std::vector<double> count_;
};

} // namespace

ModelInfo spike_source_array_info() {
    return ModelInfo{.name = "spike_source_array",
                     .doc = "emits spikes at listed times (NEST spike_generator); key spike_times",
                     .state = state_specs(kState),
                     .role =
                         SourceModel{.make_population =
                                         [](const PopulationSetup& s) {
                                             return std::make_unique<SpikeSourceArray>(s);
                                         },
                                     .inputs = {{.key = kSpikeTimesInput.name, .required = true}}}};
}

} // namespace gliasim::models
