// SPDX-License-Identifier: MIT
#pragma once

// The TOML document of an experiment file, before validation: UTF-8 checked, parsed, and its
// `extends` files merged in (docs/experiment-files.md, "Extending another file"). Every reader
// of experiment files (gliasim run, sweeps) starts here, so they see the same document.

#include <string>
#include <string_view>
#include <toml++/toml.h>

namespace gliasim {

// Throws InputError naming file:line:column for invalid UTF-8, TOML syntax and bad `extends`.
toml::table read_experiment_document(std::string_view text, const std::string& source_name);

} // namespace gliasim
