// SPDX-License-Identifier: MIT
#include "fuzz_entry.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#include "analysis/file_analysis.hpp"
#include "core/resource_estimate.hpp"
#include "io/checkpoint_file.hpp"
#include "io/sonata_reader.hpp"
#include "models/builtin.hpp"
#include "tasks/experiment_file.hpp"

namespace gliasim::fuzz {

void experiment_input(const std::uint8_t* data, std::size_t size) {
    static const ModelRegistry registry = models::builtin_registry();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const Experiment ex = parse_experiment(text, "fuzz.toml", {}, registry);
        (void)estimate_resources(ex.network);
    } catch (const InputError&) {
        // The expected answer to bad input.
    }
}

namespace {

// The input as a file of this process (HDF5 reads files; libFuzzer hands over bytes).
const std::string& write_input(const std::uint8_t* data, std::size_t size) {
    static const std::string path = (std::filesystem::temp_directory_path() /
                                     ("gliasim_fuzz_" + std::to_string(getpid()) + ".h5"))
                                        .string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path;
}

} // namespace

void analysis_input(const std::uint8_t* data, std::size_t size) {
    const std::string& path = write_input(data, size);
    analysis::AnalysisOptions whole;
    whole.block_bytes = 4096; // many blocks even for a small file
    analysis::AnalysisOptions window = whole;
    window.t_from = 1;
    window.t_to = 4;
    window.spikes.pairs = 20;
    for (const auto& o : {whole, window}) {
        try {
            (void)analysis::analyze_file(path, o);
        } catch (const std::runtime_error&) {
            // The documented refusals: "FILE: PATH: expected ...", "not a gliasim result", ...
        }
    }
    std::remove(path.c_str());
}

void result_file_input(const std::uint8_t* data, std::size_t size) {
    const std::string& path = write_input(data, size);
    try {
        const SonataFile f(path);
        for (const auto& p : f.spike_populations()) (void)f.spikes(p);
        for (const auto& [p, v] : f.reports()) (void)f.report(p, v);
        for (const auto& [p, k] : f.weight_reports()) (void)f.weights(p, k);
        (void)f.experiment();
        (void)f.metadata();
    } catch (const std::runtime_error&) {
        // "not an HDF5 file", "missing dataset", ...: the reader's documented errors.
    }
    // The same bytes as a checkpoint (gliasim run --resume reads it before anything else).
    try {
        (void)read_checkpoint(path);
    } catch (const std::runtime_error&) {
        // "not a gliasim checkpoint", "format version", ...
    }
    std::remove(path.c_str());
}

} // namespace gliasim::fuzz
