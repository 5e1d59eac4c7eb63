// SPDX-License-Identifier: MIT
// libFuzzer harness: result files and checkpoints (HDF5) through their readers.
#include "fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    gliasim::fuzz::result_file_input(data, size);
    return 0;
}
