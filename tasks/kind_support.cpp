// SPDX-License-Identifier: MIT
#include "kind_support.hpp"

#include <fmt/format.h>

#include "core/rng.hpp"
#include "task_keys.hpp"

namespace gliasim::tasks {

const std::vector<std::string> kSymbolKeys = {"symbols", "rate", "delays"};

// Symbols on groups of the input, recalled `delays` items later.
void read_symbol_keys(const TaskKeys& k, TaskSpec& ts) {
    SymbolOptions o;
    const auto& input = k.populations()[ts.input];
    k.rate("rate", o.rate);
    k.count("symbols", o.symbols, 2, 100000);
    if (input.size < o.symbols)
        k["symbols"].fail_or_at_table(
            fmt::format("{} symbols need at least one input entity each; '{}' has {}", o.symbols,
                        input.name, input.size));
    k.delays("delays", o.delays, 100000);
    for (auto d : o.delays)
        if (d > ts.washout)
            k["delays"].fail_or_at_table(
                fmt::format("delay {} exceeds washout ({})", d, ts.washout));
    ts.options = std::move(o);
}

void one_hot_symbol_patterns(std::uint32_t symbols, double rate, ItemStream& it) {
    const std::uint32_t A = symbols;
    const std::size_t width = it.width;
    it.rates.assign(static_cast<std::size_t>(A) * width, 0.0f);
    for (std::uint32_t a = 0; a < A; ++a)
        for (std::size_t i = width * a / A; i < width * (a + 1) / A; ++i)
            it.rates[a * width + i] = static_cast<float>(rate);
}

void random_symbol_stream(const TaskSpec& task, const StreamWidths&, TaskStream& s) {
    const auto& o = options_of<SymbolOptions>(task);
    one_hot_symbol_patterns(o.symbols, o.rate, *s.items);
    const std::uint64_t n = s.items->sequence.size();
    s.symbol.resize(n);
    for (std::uint64_t k = 0; k < n; ++k) {
        RandomStream rs(task.seed, Stream::task, 1, k);
        s.symbol[k] = static_cast<std::uint32_t>(rs.below(o.symbols));
        s.items->sequence[k] = s.symbol[k];
    }
}

double mean_of(const std::vector<double>& values) {
    double sum = 0;
    for (double v : values) sum += v;
    return sum / static_cast<double>(values.size());
}

} // namespace gliasim::tasks
