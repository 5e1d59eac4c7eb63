// SPDX-License-Identifier: MIT
// libFuzzer harness: experiment files through the parser and validator, then what
// an accepted file promises (issue 16): every user-chosen name is in the safe set, the memory
// estimate is a finite non-negative number, and the resolved experiment parses again to the
// same network.
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "core/resource_estimate.hpp"
#include "io/experiment_names.hpp"
#include "models/builtin.hpp"
#include "tasks/experiment_file.hpp"

namespace {

void check_accepted(const gliasim::Experiment& ex, const gliasim::ModelRegistry& registry) {
    const auto& net = ex.network;
    for (const auto& p : net.populations)
        if (gliasim::unsafe_name_reason(p.name)) std::abort();
    for (const auto& p : net.projections)
        if (gliasim::unsafe_name_reason(p.name)) std::abort();
    const double bytes = gliasim::estimate_resources(net).memory_bytes;
    if (!(bytes >= 0) || std::isnan(bytes)) std::abort();
    // The resolved text is what a result file stores and --resume re-reads.
    const gliasim::Experiment again =
        gliasim::parse_experiment(ex.resolved_toml, "resolved.toml", {}, registry);
    if (again.network.populations.size() != net.populations.size() ||
        again.network.projections.size() != net.projections.size())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const gliasim::ModelRegistry registry = gliasim::models::builtin_registry();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gliasim::Experiment ex;
    try {
        ex = gliasim::parse_experiment(text, "fuzz.toml", {}, registry);
    } catch (const gliasim::InputError&) {
        return 0; // the expected answer to bad input
    }
    check_accepted(ex, registry); // an InputError here escapes: libFuzzer reports it
    return 0;
}
