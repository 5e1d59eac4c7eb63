// SPDX-License-Identifier: MIT
#include "builtin.hpp"

namespace gliasim::models {

void register_builtin_models(ModelRegistry& r) {
    r.add(lif_curr_exp_info());
    r.add(lif_cond_exp_info());
    r.add(iaf_psc_alpha_info());
    r.add(aeif_cond_alpha_astro_info());
    r.add(amsu_info());
    r.add(poisson_source_info());
    r.add(spike_source_array_info());
    r.add(dc_source_info());
    r.add(poisson_generator_info());
    r.add(static_synapse_info());
    r.add(astrocyte_lr_info());
    r.add(astrocyte_gchi_info());
    r.add(sic_synapse_info());
    r.add(tsodyks_markram_info());
    r.add(fast_weight_info());
    r.add(stdp_info());
    r.add(nalsm_lif_info());
    r.add(nalsm_astrocyte_info());
    r.add(item_source_info());
}

ModelRegistry builtin_registry() {
    ModelRegistry r;
    register_builtin_models(r);
    return r;
}

} // namespace gliasim::models
