// SPDX-License-Identifier: MIT
// The model contract: roles as types (core/model_info.hpp) and model-declared inputs
// (core/model_inputs.hpp), checked on the built-in models.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "models/builtin.hpp"
#include "models/item_stream.hpp"
#include "models/spike_times.hpp"

using namespace gliasim;

TEST_CASE("model inputs: typed values by key, shared, counted for the estimate", "[contract]") {
    ModelInputs in;
    CHECK_FALSE(in.has("spike_times"));
    CHECK(in.find(kSpikeTimesInput) == nullptr);
    in.set(kSpikeTimesInput, SpikeTimes{{1.0, 2.0}, {3.0}}, 88.0);
    REQUIRE(in.find(kSpikeTimesInput));
    CHECK(*in.find(kSpikeTimesInput) == SpikeTimes{{1.0, 2.0}, {3.0}});
    const ModelInputs copy = in; // a copy shares the value
    CHECK(copy.find(kSpikeTimesInput).get() == in.find(kSpikeTimesInput).get());
    in.set(kCouplingInput, CouplingSpec{.rule = CouplingSpec::Rule::ring, .neighbours = 2});
    CHECK(in.bytes() == 88.0);
    // The same name read as another type is a programming error.
    const InputKey<double> wrong{"spike_times"};
    CHECK_THROWS_AS(in.find(wrong), std::logic_error);
    in.erase("spike_times");
    CHECK_FALSE(in.has("spike_times"));
}

TEST_CASE("model roles: each built-in model has the role and inputs it declares", "[contract]") {
    const ModelRegistry r = models::builtin_registry();
    const ModelInfo& lif = *r.find("lif_curr_exp");
    CHECK(is_neuron(lif));
    CHECK(model_kind_name(lif) == "neuron");
    CHECK(synaptic_input(lif).sign_picks_receptor);
    CHECK(declared_inputs(lif).empty());
    CHECK(population_factory(lif) != nullptr);

    const ModelInfo& array = *r.find("spike_source_array");
    CHECK(is_source(array));
    REQUIRE(declared_input(array, "spike_times"));
    CHECK(declared_input(array, "spike_times")->required);
    CHECK(synaptic_input(array).receptors.empty()); // a source takes no synaptic input

    const ModelInfo& gchi = *r.find("astrocyte_gchi");
    CHECK(is_astrocyte(gchi));
    CHECK(declared_input(gchi, "coupling"));
    CHECK_FALSE(declared_input(*r.find("astrocyte_lr"), "coupling"));
    CHECK(continuous_output(*r.find("astrocyte_lr")).name == "SIC");
    CHECK(takes_items(*r.find("item_source")));
    CHECK_FALSE(takes_items(array));

    const ModelInfo& dc = *r.find("dc_source");
    CHECK(is_stimulus(dc));
    CHECK(population_factory(dc) == nullptr);
    CHECK_THROWS_AS(make_population(dc, PopulationSetup{}), std::logic_error);

    const ModelInfo& stdp = *r.find("stdp");
    CHECK(is_synapse(stdp));
    CHECK(plastic(stdp));
    CHECK(reads_modulator(stdp));
    CHECK(reads_modulator(*r.find("amsu")));
    CHECK_FALSE(plastic(*r.find("tsodyks_markram")));
    CHECK(transmission_factory(*r.find("static")) == nullptr);
    CHECK(continuous_output(*r.find("sic")).name == "SIC");
}
