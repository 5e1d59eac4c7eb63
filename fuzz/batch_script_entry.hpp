// SPDX-License-Identifier: MIT
#pragma once

// The batch-script generator under fuzzing: values (and whole sweep files) in, and for every
// script the generator accepts, a check of its lines and shell words against what was asked.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gliasim::fuzz {

// First byte even: the rest is NUL-separated fields (sweep name, folder, binary, time, mem,
// partition, cpus, number of tasks) given to the generator directly. Odd: the rest is a sweep
// file, parsed, and its [sweep.slurm] values given to the generator. Aborts when an accepted
// script is not exactly the expected lines and words.
void batch_script_input(const std::uint8_t* data, std::size_t size);

// The words of `line` as a POSIX shell splits them, for lines made of unquoted safe characters
// ([A-Za-z0-9_./:=@%+,-]), spaces and single-quoted strings only; nullopt for anything else (a
// character the shell would treat specially, an unterminated quote).
std::optional<std::vector<std::string>> strict_shell_words(const std::string& line);

} // namespace gliasim::fuzz
