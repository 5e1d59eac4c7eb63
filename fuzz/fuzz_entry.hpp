// SPDX-License-Identifier: MIT
#pragma once

// What the fuzzers exercise, callable from the normal build (the regression replay) and from
// the libFuzzer harnesses (GLIASIM_FUZZ). Expected rejections (InputError for experiments,
// std::runtime_error for result files) are swallowed; anything else escapes and is a bug.

#include <cstddef>
#include <cstdint>

namespace gliasim::fuzz {

// Parses and validates `data` as an experiment file, and estimates its resources.
void experiment_input(const std::uint8_t* data, std::size_t size);

// Writes `data` to a temporary file and reads everything a result file may hold from it.
void result_file_input(const std::uint8_t* data, std::size_t size);

// Writes `data` to a temporary file and analyses it as `gliasim analyze` does (spike trains,
// rates, spectra, CV of ISIs, reports), over the whole run and over a window.
void analysis_input(const std::uint8_t* data, std::size_t size);

} // namespace gliasim::fuzz
