// SPDX-License-Identifier: MIT
// A constant current injected into each target between start and stop (NEST dc_generator).
#include <limits>

#include "builtin.hpp"
#include "schema.hpp"

namespace gliasim::models {

namespace {

#define DC_SOURCE_PARAMS(X)                                                                        \
    X(amplitude, .dim = Dim::current, .value = 0.0, .doc = "injected current")
GLIASIM_PARAMS(DC_SOURCE_PARAMS);

class DcSource final : public Stimulus {
public:
    explicit DcSource(const StimulusSetup& s) : amplitude_(s.params[0]) {}
    void add_current(std::span<const index_t> targets, std::span<double> current) const override {
        for (index_t i : targets) current[i] += amplitude_;
    }

private:
    double amplitude_; // [pA]
};

} // namespace

ModelInfo dc_source_info() {
    return ModelInfo{
        .name = "dc_source",
        .doc = "constant current into each target between start and stop (NEST dc_generator)",
        .params = param_specs(kParams),
        .role = StimulusModel{
            .make_stimulus = [](const StimulusSetup& s) { return std::make_unique<DcSource>(s); }}};
}

} // namespace gliasim::models
