// Process-wide logging set-up, done once on the main thread before anything logs.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>

namespace callagent::host {

enum class LogFormat { pretty, json };

std::optional<LogFormat> parse_log_format(std::string_view text);
std::optional<spdlog::level::level_enum> parse_log_level(std::string_view text);

// Installs the default logger (name "callagent", to stderr) with the given format and
// level. Safe to call again (tests do); the last call wins.
void configure_logging(LogFormat format, spdlog::level::level_enum level);

}  // namespace callagent::host
