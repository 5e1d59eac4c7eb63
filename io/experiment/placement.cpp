// SPDX-License-Identifier: MIT
// `positions = { grid = [nx, ny, nz], space = "liquid" }`: populations naming the same space
// take disjoint sites of its grid, in a seeded random order, in declaration order.
#include "sections.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "core/rng.hpp"

namespace gliasim::experiment_io {

void read_placement(BuildContext& ctx, const Key& positions, std::size_t pop, index_t size) {
    const std::string& key = positions.path();
    SectionReader s(ctx.r, positions.table(), key);
    const Key grid_key = s.get("grid"), space = s.get("space");
    s.finish("positions");
    const toml::node& gn = grid_key.required("[nx, ny, nz] sites").value();
    if (!gn.is_array() || gn.as_array()->empty() || gn.as_array()->size() > 3)
        grid_key.fail("expected [nx], [nx, ny] or [nx, ny, nz]");
    std::array<std::int64_t, 3> grid{1, 1, 1};
    for (std::size_t i = 0; i < gn.as_array()->size(); ++i)
        grid[i] = ctx.r.integer((*gn.as_array())[i], fmt::format("{}.grid[{}]", key, i), 1,
                                1'000'000, "a positive number of sites");
    if (static_cast<double>(grid[0]) * static_cast<double>(grid[1]) * static_cast<double>(grid[2]) >
        1e8)
        grid_key.fail(fmt::format("a grid of {} x {} x {} sites is too large (at most 1e8 sites)",
                                  grid[0], grid[1], grid[2]));
    const std::string name = space ? space.string() : key;
    auto& spaces = ctx.spaces;
    auto it = std::find_if(spaces.begin(), spaces.end(),
                           [&](const Space& sp) { return sp.name == name; });
    if (it == spaces.end()) {
        spaces.push_back({name, grid, {}, positions.node(), key});
        it = spaces.end() - 1;
    } else if (it->grid != grid) {
        grid_key.fail(fmt::format("space '{}' already has grid [{}, {}, {}] (from {})", name,
                                  it->grid[0], it->grid[1], it->grid[2], it->key));
    }
    it->members.emplace_back(pop, size);
    ctx.space_of[pop] = static_cast<std::size_t>(it - spaces.begin());
    std::uint64_t used = 0, sites = 1;
    for (const auto& [p, sz] : it->members) used += sz;
    for (auto g : grid) sites *= static_cast<std::uint64_t>(g);
    if (used > sites)
        positions.fail(
            fmt::format("space '{}' has {} sites but its populations need {}", name, sites, used));
}

void place_populations(BuildContext& ctx) {
    for (std::size_t si = 0; si < ctx.spaces.size(); ++si) {
        const Space& sp = ctx.spaces[si];
        const std::uint64_t sites =
            static_cast<std::uint64_t>(sp.grid[0] * sp.grid[1] * sp.grid[2]);
        std::vector<std::uint64_t> order(sites);
        for (std::uint64_t k = 0; k < sites; ++k) order[k] = k;
        RandomStream rs(ctx.ex.network.seed, Stream::placement, static_cast<std::uint32_t>(si), 0);
        for (std::uint64_t k = sites; k > 1; --k) std::swap(order[k - 1], order[rs.below(k)]);
        std::uint64_t next = 0;
        for (const auto& [p, size] : sp.members) {
            auto& pos = ctx.ex.network.populations[p].positions;
            pos.resize(3 * static_cast<std::size_t>(size));
            for (index_t i = 0; i < size; ++i) {
                const std::uint64_t site = order[next++];
                const auto nx = static_cast<std::uint64_t>(sp.grid[0]),
                           ny = static_cast<std::uint64_t>(sp.grid[1]);
                pos[3 * i] = static_cast<float>(site % nx);
                pos[3 * i + 1] = static_cast<float>(site / nx % ny);
                pos[3 * i + 2] = static_cast<float>(site / (nx * ny));
            }
        }
    }
}

} // namespace gliasim::experiment_io
