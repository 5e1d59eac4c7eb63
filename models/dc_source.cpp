// SPDX-License-Identifier: MIT
// A constant current injected into each target between start and stop (NEST dc_generator).
#include <limits>

#include "builtin.hpp"

namespace gliasim::models {

namespace {

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
    constexpr double kInf = std::numeric_limits<double>::infinity();
    ModelInfo m;
    m.name = "dc_source";
    m.kind = ModelKind::stimulus;
    m.doc = "constant current into each target between start and stop (NEST dc_generator)";
    m.params = {{"amplitude", Dim::current, 0.0, -kInf, kInf, "injected current"}};
    m.make_stimulus = [](const StimulusSetup& s) { return std::make_unique<DcSource>(s); };
    return m;
}

} // namespace gliasim::models
