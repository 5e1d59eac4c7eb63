// SPDX-License-Identifier: MIT
#pragma once

// Names that users choose in experiment files (populations, projections, stimuli, recorders)
// become HDF5 group paths (/spikes/<population>, /weights/<projection>) and parts of file names.
// Only a safe set is accepted, so that no name can be a path ("a/b"), a relative link (".",
// ".."), empty, or look like another name (control characters, unicode lookalikes):
//   letters, digits, '_' and '-'; not starting with a digit or '-'; at most 64 characters.

#include <optional>
#include <string>
#include <string_view>

namespace gliasim {

constexpr std::size_t kMaxNameLength = 64;

// Why `name` is not a safe name (nullopt when it is).
std::optional<std::string> unsafe_name_reason(std::string_view name);

// The name as it can be shown on one line: itself when it is a TOML bare key, else a quoted
// string with every control character and non-ASCII byte escaped.
std::string printable_name(std::string_view name);

} // namespace gliasim
