// SPDX-License-Identifier: MIT
// libFuzzer harness: values and sweep files through the Slurm batch-script generator.
#include "batch_script_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    gliasim::fuzz::batch_script_input(data, size);
    return 0;
}
