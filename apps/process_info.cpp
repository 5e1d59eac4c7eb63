// SPDX-License-Identifier: MIT
#include "process_info.hpp"

#include <fstream>
#include <string>

namespace gliasim::app {

std::uint64_t peak_memory_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            std::uint64_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        status.ignore(1 << 16, '\n');
    }
    return 0;
}

} // namespace gliasim::app
