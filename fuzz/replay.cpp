// SPDX-License-Identifier: MIT
// Replays files through a fuzzing entry point (crash regressions, seed corpora) in the normal
// build:  fuzz_replay experiment|result_file|analysis FILE_OR_DIR...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "checkpoint_entry.hpp"
#include "fuzz_entry.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: fuzz_replay experiment|result_file|analysis FILE_OR_DIR...\n");
        return 2;
    }
    const std::string kind = argv[1];
    if (kind == "checkpoint_seeds") { // writes the checkpoint harness's seed corpus
        gliasim::fuzz::write_checkpoint_seeds(argv[2]);
        return 0;
    }
    auto entry = kind == "experiment"    ? gliasim::fuzz::experiment_input
                 : kind == "result_file" ? gliasim::fuzz::result_file_input
                 : kind == "analysis"    ? gliasim::fuzz::analysis_input
                 : kind == "checkpoint"  ? gliasim::fuzz::checkpoint_input
                                         : nullptr;
    if (!entry) {
        std::fprintf(stderr, "fuzz_replay: unknown kind '%s'\n", kind.c_str());
        return 2;
    }
    std::vector<fs::path> files;
    for (int i = 2; i < argc; ++i) {
        if (!fs::exists(argv[i])) continue; // e.g. a regressions folder with nothing in it yet
        if (fs::is_directory(argv[i])) {
            for (const auto& e : fs::recursive_directory_iterator(argv[i])) // bad_input/<section>/
                if (e.is_regular_file()) files.push_back(e.path());
        } else {
            files.emplace_back(argv[i]);
        }
    }
    for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
        entry(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("%zu inputs replayed through %s without a crash\n", files.size(), kind.c_str());
    return files.empty() ? 1 : 0;
}
