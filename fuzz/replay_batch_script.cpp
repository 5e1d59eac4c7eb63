// SPDX-License-Identifier: MIT
// Replays files through the batch-script fuzzing entry (its crash regressions and seeds) in the
// normal build:  fuzz_replay_batch_script FILE_OR_DIR...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "batch_script_entry.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        if (fs::is_directory(argv[i])) {
            for (const auto& e : fs::directory_iterator(argv[i]))
                if (e.is_regular_file() && e.path().filename() != "README.md")
                    files.push_back(e.path());
        } else if (fs::exists(argv[i])) {
            files.emplace_back(argv[i]);
        }
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
        gliasim::fuzz::batch_script_input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                          bytes.size());
    }
    std::printf("%zu inputs replayed through the batch-script generator\n", files.size());
    return files.empty() ? 1 : 0;
}
