// SPDX-License-Identifier: MIT
// libFuzzer harness: result files through the analysis spike path of `gliasim analyze`.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    gliasim::fuzz::analysis_input(data, size);
    return 0;
}
