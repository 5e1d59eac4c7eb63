// SPDX-License-Identifier: MIT
#include "plasticity.hpp"

namespace gliasim {

IncomingIndex build_incoming(const Projection::PartView& v, index_t n_source, IndexRange targets) {
    IncomingIndex in;
    in.first = targets.begin;
    const std::size_t n = targets.end - targets.begin;
    in.offsets.assign(n + 1, 0);
    for (std::size_t e = 0; e < v.size; ++e) ++in.offsets[v.cols[e] - targets.begin + 1];
    for (std::size_t j = 0; j < n; ++j) in.offsets[j + 1] += in.offsets[j];
    in.edge.resize(v.size);
    in.source.resize(v.size);
    std::vector<std::uint32_t> fill(in.offsets.begin(), in.offsets.end() - 1);
    // Sources ascending, so each target's synapses come in source order (deterministic).
    for (index_t s = 0; s < n_source; ++s)
        for (std::uint32_t e = v.rows[s]; e < v.rows[s + 1]; ++e) {
            const std::uint32_t k = fill[v.cols[e] - targets.begin]++;
            in.edge[k] = e;
            in.source[k] = s;
        }
    return in;
}

} // namespace gliasim
