// SPDX-License-Identifier: MIT
#include "log.hpp"

#include <fmt/format.h>
#include <memory>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <string>

namespace gliasim::app::log {

namespace {

spdlog::logger& logger() {
    // Plain stderr (no colours): the lines are the interface. The sink flushes every line, so
    // they interleave correctly with anything else the command writes to stderr.
    static const std::shared_ptr<spdlog::logger> instance = [] {
        auto l = std::make_shared<spdlog::logger>(
            "gliasim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%v");
        l->set_level(spdlog::level::info);
        spdlog::set_default_logger(l);
        return l;
    }();
    return *instance;
}

// "WHERE: LEVEL: TEXT", or "LEVEL: TEXT" without a place.
std::string shaped(std::string_view where, std::string_view level, std::string_view text) {
    if (where.empty()) return fmt::format("{}: {}", level, text);
    return fmt::format("{}: {}: {}", where, level, text);
}

} // namespace

void set_verbosity(Verbosity v) {
    logger().set_level(v == Verbosity::quiet     ? spdlog::level::err
                       : v == Verbosity::verbose ? spdlog::level::debug
                                                 : spdlog::level::info);
}

void error(std::string_view where, std::string_view text) {
    logger().error(shaped(where, "error", text));
}

void error_line(std::string_view text) {
    logger().error(text);
}

void warning(std::string_view where, std::string_view text) {
    logger().warn(shaped(where, "warning", text));
}

void note(std::string_view text) {
    logger().info(shaped("", "note", text));
}

void progress(std::string_view text) {
    logger().info(text);
}

void debug(std::string_view text) {
    logger().debug(text);
}

} // namespace gliasim::app::log
