// SPDX-License-Identifier: MIT
// libFuzzer harness: checkpoint files and crafted checkpoint arrays against a live kernel.
#include "checkpoint_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    gliasim::fuzz::checkpoint_input(data, size);
    return 0;
}
