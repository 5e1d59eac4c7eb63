// SPDX-License-Identifier: MIT
#include "tripartite.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace gliasim {

BlockPool block_pool(index_t j, index_t n_target, index_t n_astro, std::uint32_t pool_size) {
    // pool_size 1: consecutive runs of n_target / n_astro targets share one astrocyte;
    // pool_size k > 1: target j owns astrocytes [j k, (j+1) k) (n_target k == n_astro).
    if (pool_size == 1) return {j / (n_target / n_astro), 1};
    return {static_cast<index_t>(static_cast<std::uint64_t>(j) * pool_size), pool_size};
}

namespace {

// pool_size distinct astrocytes out of n (Floyd's algorithm), in draw order.
void draw_random_pool(RandomStream& rs, index_t n, std::uint32_t k, std::vector<index_t>& pool) {
    pool.clear();
    for (index_t i = n - k; i < n; ++i) {
        const auto t = static_cast<index_t>(rs.below(static_cast<std::uint64_t>(i) + 1));
        if (std::find(pool.begin(), pool.end(), t) == pool.end())
            pool.push_back(t);
        else
            pool.push_back(i);
    }
}

ExplicitSources to_csr(const std::vector<std::vector<index_t>>& lists) {
    ExplicitSources e;
    e.offsets.assign(lists.size() + 1, 0);
    for (std::size_t a = 0; a < lists.size(); ++a)
        e.offsets[a + 1] = e.offsets[a] + lists[a].size();
    e.sources.reserve(e.offsets.back());
    for (const auto& l : lists) e.sources.insert(e.sources.end(), l.begin(), l.end());
    return e;
}

} // namespace

TripartiteLinks draw_tripartite(const ProjectionSpec& pj, std::uint32_t id, index_t n_source,
                                index_t n_target, index_t n_astro, std::uint64_t seed) {
    const ThirdFactorSpec& tf = pj.third_factor;
    std::vector<std::vector<index_t>> astro_in(n_astro);
    TripartiteLinks links;
    links.astro_out.offsets.assign(static_cast<std::size_t>(n_target) + 1, 0);
    links.primary_tags.offsets.assign(static_cast<std::size_t>(n_target) + 1, 0);
    std::vector<index_t> pool;
    pool.reserve(tf.pool_size);
    for (index_t j = 0; j < n_target; ++j) {
        RandomStream conn(seed, Stream::connectivity, id, j); // the primary projection's stream
        RandomStream pair(seed, Stream::tripartite, id, j);
        bool have_pool = false;
        for_each_source(pj.rule, j, n_source, pj.source == pj.target, conn, [&](index_t s) {
            if (tf.p < 1.0 && !(pair.uniform() < tf.p)) {
                links.primary_tags.sources.push_back(kNoTag);
                return;
            }
            if (!have_pool) {
                // Drawn when the target first gets a paired connection, as NEST does.
                if (tf.pool == ThirdFactorSpec::Pool::block) {
                    const BlockPool b = block_pool(j, n_target, n_astro, tf.pool_size);
                    pool.clear();
                    for (index_t a = 0; a < b.size; ++a) pool.push_back(b.first + a);
                } else {
                    draw_random_pool(pair, n_astro, tf.pool_size, pool);
                }
                have_pool = true;
            }
            const index_t a = pool.size() == 1 ? pool[0] : pool[pair.below(pool.size())];
            astro_in[a].push_back(s);
            // Without an astrocyte output nothing reads the a -> t links: not kept.
            if (tf.has_output) links.astro_out.sources.push_back(a);
            links.primary_tags.sources.push_back(a);
        });
        links.astro_out.offsets[j + 1] = links.astro_out.sources.size();
        links.primary_tags.offsets[j + 1] = links.primary_tags.sources.size();
    }
    links.astro_in = to_csr(astro_in);
    // An s -> a link's tag is its target a: no list needed (see ExplicitSources).
    links.astro_in_tags.offsets = links.astro_in.offsets;
    links.astro_in_tags.entries_are_index = true;
    return links;
}

} // namespace gliasim
