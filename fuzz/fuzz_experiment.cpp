// SPDX-License-Identifier: MIT
// libFuzzer harness: experiment files through the parser and validator.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    gliasim::fuzz::experiment_input(data, size);
    return 0;
}
