// SPDX-License-Identifier: MIT
#pragma once

// The section readers, one file each, in the order parse.cpp calls them. Each reads its
// section of ctx.doc into ctx.ex and writes the defaults it chose back into ctx.doc.

#include <string>
#include <vector>

#include "build_context.hpp"

namespace gliasim::experiment_io {

void read_simulation(BuildContext& ctx);            // simulation.cpp: [simulation]
void read_output(BuildContext& ctx);                // simulation.cpp: [output]
void read_populations(BuildContext& ctx);           // populations.cpp
void place_populations(BuildContext& ctx);          // placement.cpp: sites of each space
void read_population_modulators(BuildContext& ctx); // populations.cpp, once all are known
void read_projections(BuildContext& ctx);           // projections.cpp
void read_analysis(BuildContext& ctx);              // analysis.cpp
void read_stimuli(BuildContext& ctx);               // stimuli.cpp
void read_recorders(BuildContext& ctx);             // recorders.cpp
// resolved.cpp: the resolved experiment as TOML, in the network's order.
std::string resolved_text(const toml::table& doc, const NetworkSpec& net);

// Parts of [populations.X] (population_parts.cpp, placement.cpp).
void read_placement(BuildContext& ctx, const Key& positions, std::size_t pop, index_t size);
CouplingSpec read_coupling(const BuildContext& ctx, const Key& coupling, index_t size);
std::vector<ResetSchedule> read_resets(const BuildContext& ctx, const Key& reset);
std::vector<std::vector<double>> read_spike_times(const BuildContext& ctx, const Key& spike_times,
                                                  index_t size);
// The inputs models declare (population_inputs.cpp): their keys, declared in the section's
// order, then read into ps.inputs (or refused) for model m.
std::vector<Key> declare_population_inputs(SectionReader& s);
void read_population_inputs(const BuildContext& ctx, const std::vector<Key>& keys,
                            const ModelInfo& m, PopulationSpec& ps);

// Parts of [projections.X] (third_factor.cpp, plasticity.cpp).
ThirdFactorSpec read_third_factor(const BuildContext& ctx, const Key& third_factor, toml::table& w,
                                  const ProjectionSpec& pj);
// What a plastic synapse needs of its target and bounds.
void check_plastic(const BuildContext& ctx, const toml::table& t, const std::string& path,
                   const ProjectionSpec& pj, const ModelInfo& syn, const ModelInfo& tm);
// The initial weights of a plastic projection lie within its bounds.
void check_plastic_weight_bounds(const BuildContext& ctx, const Key& weight,
                                 const ProjectionSpec& pj, const ModelInfo& syn, Dim wd);
// `modulator = "population.variable"` of a synapse rule or (with `blocks`) a neuron model.
ModulatorRef read_modulator(const BuildContext& ctx, const Key& modulator, const ModelInfo& reader,
                            const PopulationSpec& target, bool blocks = false);

} // namespace gliasim::experiment_io
