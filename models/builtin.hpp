// SPDX-License-Identifier: MIT
#pragma once

#include "core/model.hpp"
#include "core/registry.hpp"

namespace gliasim::models {

ModelInfo lif_curr_exp_info();
ModelInfo lif_cond_exp_info();
ModelInfo iaf_psc_alpha_info();
ModelInfo poisson_source_info();
ModelInfo spike_source_array_info();
ModelInfo dc_source_info();
ModelInfo poisson_generator_info();
ModelInfo static_synapse_info();
ModelInfo astrocyte_lr_info();
ModelInfo astrocyte_gchi_info();
ModelInfo aeif_cond_alpha_astro_info();
ModelInfo sic_synapse_info();
ModelInfo tsodyks_markram_info();
ModelInfo fast_weight_info();
ModelInfo stdp_info();
ModelInfo nalsm_lif_info();
ModelInfo nalsm_astrocyte_info();
ModelInfo item_source_info();
ModelInfo amsu_info();

// Registers every built-in model, one line each (register_models.cpp).
void register_builtin_models(ModelRegistry& registry);
ModelRegistry builtin_registry();

} // namespace gliasim::models
