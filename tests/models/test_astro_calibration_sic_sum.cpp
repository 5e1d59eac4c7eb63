// SPDX-License-Identifier: MIT
// The SIC a neuron receives is a running sum: astrocytes send the changes of their SIC and the
// neuron adds them up (models/astrocyte_lr.cpp, i_sic += in_sic). Rounding in such a sum could
// drift over long runs. Here four oscillating astrocytes send millions of changes to one neuron;
// after their input stops and every SIC is back to exactly 0, the neuron's sum must be 0 to
// rounding, and along the run it must equal the sum recomputed from the astrocytes' SIC.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "test_support.hpp"

using namespace gliasim;

TEST_CASE("the running sum of SIC changes does not drift over millions of updates", "[sic]") {
    // Updates every step (0.1 ms) for 130 s: 1.3e6 updates per astrocyte, SIC changing in most
    // of the first 100 s (NEST's astrocyte_single drive: delta_IP3 0.2 uM, 1 Hz, here 2 Hz).
    const std::string text = R"(
[simulation]
duration = "130 s"
dt = "0.1 ms"
seed = 5
[populations.astro]
model = "astrocyte_lr"
size = 4
delta_IP3 = "0.2 uM"
[populations.neuron]
model = "lif_curr_exp"
size = 1
V_th = "1000 mV"
[stimuli.glutamate]
model = "poisson_generator"
target = "astro"
rate = "2 Hz"
weight = 1.0
stop = "100 s"
[projections.sic]
source = "astro"
target = "neuron"
rule = "all_to_all"
synapse = "sic"
weight = 5.0
delay = "1 ms"
[recorders.astro]
kind = "state"
population = "astro"
variables = ["SIC"]
interval = "1 ms"
[recorders.neuron]
kind = "state"
population = "neuron"
variables = ["I_SIC"]
interval = "1 ms"
)";
    const Experiment ex = parse_experiment(text, "sic_sum.toml", {}, test::registry());
    Simulation sim(ex.network);
    MemoryBackend mb;
    sim.run(mb);
    const auto& sic = mb.reports[0]; // rows of 4 astrocytes, every 1 ms
    const auto& i_sic = mb.reports[1];
    REQUIRE(i_sic.size() == 130000);

    // (1) Along the run the sum equals the recomputed 5 x sum_a SIC_a one delay (1 ms = 1 row)
    // earlier, to the float precision of the recording; and the SIC changed in most rows of
    // the driven 100 s, i.e. millions of non-zero changes were summed.
    std::size_t on = 0;
    double worst = 0; // relative to max(1 pA, the level)
    for (std::size_t k = 0; k + 1 < i_sic.size(); ++k) {
        double recomputed = 0;
        for (std::size_t a = 0; a < 4; ++a) {
            recomputed += 5.0 * sic[4 * k + a];
            on += k < 100000 && sic[4 * k + a] > 0;
        }
        worst = std::max(worst,
                         std::abs(i_sic[k + 1] - recomputed) / std::max(1.0, std::abs(recomputed)));
    }
    CHECK(worst < 1e-6); // float32 recording: about 6e-8
    INFO("astrocyte-rows with SIC > 0 in the first 100 s: " << on);
    CHECK(on > 200000); // > 2e6 updates with a changing SIC, at 10 updates per row

    // (2) After the drive stops every astrocyte's SIC returns to exactly 0, so the neuron's sum
    // of all the changes it received must be 0 up to double rounding: a drifting sum would
    // leave a residue.
    auto& astro = *sim.network().populations()[0];
    auto& neuron = *sim.network().populations()[1];
    for (double s : astro.state(*models::astrocyte_lr_info().state_index("SIC"))) REQUIRE(s == 0.0);
    const double residue = neuron.state(*models::lif_curr_exp_info().state_index("I_SIC"))[0];
    INFO("residue of the running sum after 1.3e6 updates: " << residue << " pA");
    CHECK(std::abs(residue) < 1e-9);
    // Along the way it followed the astrocytes: large while they were above threshold.
    float largest = 0;
    for (float v : i_sic) largest = std::max(largest, v);
    CHECK(largest > 10.0f);
}
