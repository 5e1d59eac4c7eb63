// SPDX-License-Identifier: MIT
#include "kind_support.hpp"

#include "core/rng.hpp"

namespace gliasim::tasks {

void one_hot_symbol_patterns(const TaskSpec& task, ItemStream& it) {
    const std::uint32_t A = task.symbols;
    const std::size_t width = it.width;
    it.rates.assign(static_cast<std::size_t>(A) * width, 0.0f);
    for (std::uint32_t a = 0; a < A; ++a)
        for (std::size_t i = width * a / A; i < width * (a + 1) / A; ++i)
            it.rates[a * width + i] = static_cast<float>(task.rate);
}

void random_symbol_stream(const TaskSpec& task, const StreamWidths&, TaskStream& s) {
    one_hot_symbol_patterns(task, *s.items);
    const std::uint64_t n = s.items->sequence.size();
    s.symbol.resize(n);
    for (std::uint64_t k = 0; k < n; ++k) {
        RandomStream rs(task.seed, Stream::task, 1, k);
        s.symbol[k] = static_cast<std::uint32_t>(rs.below(task.symbols));
        s.items->sequence[k] = s.symbol[k];
    }
}

double mean_of(const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

} // namespace gliasim::tasks
