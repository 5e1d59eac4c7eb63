// SPDX-License-Identifier: MIT
#pragma once

// The command's diagnostics on stderr, through one spdlog logger (also spdlog's default, so
// spdlog::warn() anywhere lands here). Its pattern is the message alone: every line reads exactly
// as composed below, which scripts and the tests grep for. The shapes, for every command:
//   error("gliasim collect", "cannot write x")   gliasim collect: error: cannot write x
//   error("", "no result files")                 error: no result files
//   warning("run.toml", "...")                   run.toml: warning: ...
//   note("...")                                  note: ...
//   progress("[gliasim] seed 1 a.toml done")     the text as is (how far a long command got)
//   error_line(e.what())                         the text as is: it carries its own
//                                                "FILE:LINE:COL: error: KEY: " (InputError)
// Errors always print; --quiet hides warnings, notes and progress; --verbose adds debug lines.

#include <fmt/format.h>
#include <string>
#include <string_view>
#include <utility>

namespace gliasim::app::log {

enum class Verbosity { quiet, normal, verbose };

void set_verbosity(Verbosity v);

void error(std::string_view where, std::string_view text);
void error_line(std::string_view text);
void warning(std::string_view where, std::string_view text);
void note(std::string_view text);
void progress(std::string_view text);
void debug(std::string_view text);

// fmt::print(stderr, ...) of a whole line, through the logger at error level (so never hidden):
// the switch for code that composes its lines itself, text unchanged. The line's own trailing
// newline is left to the logger.
template <typename... Args> void line(fmt::format_string<Args...> f, Args&&... args) {
    std::string text = fmt::format(f, std::forward<Args>(args)...);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    error_line(text);
}

} // namespace gliasim::app::log
