// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

#include "rng.hpp"
#include "types.hpp"

namespace gliasim {

struct ConnectionRule {
    enum class Kind { bernoulli, fixed_indegree, one_to_one, all_to_all, distance };
    Kind kind = Kind::all_to_all;
    double p = 0;      // bernoulli; distance: the peak probability C
    double lambda = 1; // distance: p(d) = C exp(-(d / lambda)^2)
    // distance: x, y, z of every source and target entity (set when the network is built)
    const float* source_xyz = nullptr;
    const float* target_xyz = nullptr;
    std::uint32_t k = 0;         // fixed_indegree
    bool allow_autapses = true;  // only meaningful when source and target are one population
    bool allow_multapses = true; // fixed_indegree: sources drawn with replacement
};

std::string_view rule_name(ConnectionRule::Kind k);

// Calls f(source_index) for every connection onto target `j`, in ascending source order for the
// deterministic rules and in draw order for fixed_indegree. Connectivity is drawn per target
// from a stream keyed by the target, so any partition of targets over threads or ranks draws
// exactly the same graph (docs/design.md, "Determinism").
template <typename F>
void for_each_source(const ConnectionRule& rule, index_t j, index_t n_source, bool same_population,
                     RandomStream& rs, F&& f) {
    const bool skip_self = same_population && !rule.allow_autapses;
    switch (rule.kind) {
    case ConnectionRule::Kind::all_to_all:
        for (index_t i = 0; i < n_source; ++i)
            if (!(skip_self && i == j)) f(i);
        break;
    case ConnectionRule::Kind::one_to_one:
        if (j < n_source && !skip_self) f(j);
        break;
    case ConnectionRule::Kind::bernoulli: {
        if (rule.p <= 0) break;
        if (rule.p >= 1) {
            for (index_t i = 0; i < n_source; ++i)
                if (!(skip_self && i == j)) f(i);
            break;
        }
        // Geometric skipping: the gap to the next success is Geometric(p); equivalent in
        // distribution to one Bernoulli trial per source, at O(p * n) cost.
        const double log_q = std::log1p(-rule.p);
        double i = -1;
        while (true) {
            i += std::floor(std::log(rs.uniform()) / log_q) + 1.0;
            if (i >= static_cast<double>(n_source)) break;
            const auto s = static_cast<index_t>(i);
            if (!(skip_self && s == j)) f(s);
        }
        break;
    }
    case ConnectionRule::Kind::distance: {
        // One Bernoulli trial per source with p = C exp(-(d/lambda)^2) (Maass et al. 2002).
        const float* tj = rule.target_xyz + 3 * static_cast<std::size_t>(j);
        const double inv_l2 = 1.0 / (rule.lambda * rule.lambda);
        for (index_t i = 0; i < n_source; ++i) {
            const double u = rs.uniform();
            if (skip_self && i == j) continue;
            const float* si = rule.source_xyz + 3 * static_cast<std::size_t>(i);
            const double dx = si[0] - tj[0], dy = si[1] - tj[1], dz = si[2] - tj[2];
            if (u < rule.p * std::exp(-(dx * dx + dy * dy + dz * dz) * inv_l2)) f(i);
        }
        break;
    }
    case ConnectionRule::Kind::fixed_indegree: {
        const index_t pool = n_source - (skip_self && j < n_source ? 1 : 0);
        if (pool == 0) break;
        if (rule.allow_multapses) {
            for (std::uint32_t c = 0; c < rule.k; ++c) {
                auto s = static_cast<index_t>(rs.below(pool));
                if (skip_self && s >= j) ++s; // skip the target itself
                f(s);
            }
        } else {
            // Selection sampling (Knuth's algorithm S): k distinct sources in ascending order.
            std::uint32_t needed = rule.k;
            index_t remaining = pool;
            for (index_t i = 0; i < n_source && needed > 0; ++i) {
                if (skip_self && i == j) continue;
                if (rs.uniform() * remaining < needed) {
                    f(i);
                    --needed;
                }
                --remaining;
            }
        }
        break;
    }
    }
}

} // namespace gliasim
