// SPDX-License-Identifier: MIT
#include "population_resets.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "state_archive.hpp"

namespace gliasim {

PopulationResets::PopulationResets(Network& net, step_t n_steps, EventQueue& exact) : net_(net) {
    const NetworkSpec& spec = net.spec();
    initial_state_.resize(spec.populations.size());
    last_reset_.assign(spec.populations.size(), 0);
    for (std::size_t p = 0; p < spec.populations.size(); ++p) {
        const PopulationSpec& ps = spec.populations[p];
        if (ps.resets.empty()) continue;
        for (std::size_t v = 0; v < ps.model->state.size(); ++v) {
            const auto col = net.populations()[p]->state(v);
            initial_state_[p].emplace_back(col.begin(), col.end());
        }
        std::vector<step_t> at;
        for (const ResetSchedule& r : ps.resets) {
            const auto every = std::max<step_t>(1, std::llround(r.every / spec.dt));
            const step_t from = std::llround(r.from / spec.dt);
            const step_t until =
                r.until < 0 ? n_steps : std::min<step_t>(n_steps, std::llround(r.until / spec.dt));
            for (step_t s = from; s < until; s += every)
                if (s > 0) at.push_back(s);
        }
        std::sort(at.begin(), at.end());
        at.erase(std::unique(at.begin(), at.end()), at.end());
        for (step_t s : at)
            exact.push({s, EventKind::population_reset, static_cast<std::uint32_t>(p)});
    }
}

void PopulationResets::reset(std::size_t p, step_t step) {
    Population& pop = *net_.populations()[p];
    last_reset_[p] = step;
    for (std::size_t v = 0; v < initial_state_[p].size(); ++v)
        std::copy(initial_state_[p][v].begin(), initial_state_[p][v].end(), pop.state(v).begin());
    pop.ring().clear();
    pop.on_reset();
    for (std::size_t i = 0; i < net_.projections().size(); ++i) {
        const auto& pj = net_.projection_specs()[i];
        if (auto& tr = net_.transmissions()[i]; tr && (pj.source == p || pj.target == p))
            tr->reset_activity();
    }
}

void PopulationResets::archive(StateArchive& a) {
    a.io("last_reset", last_reset_);
}

void PopulationResets::check_restored(std::size_t p, step_t S) const {
    if (last_reset_[p] < 0 || last_reset_[p] > S)
        throw CheckpointMismatch(
            fmt::format("'kernel/last_reset' of population '{}' is {}, outside [0, step {}]",
                        net_.spec().populations[p].name, last_reset_[p], S));
}

} // namespace gliasim
