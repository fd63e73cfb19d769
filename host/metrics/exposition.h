// The pieces of the Prometheus text exposition format 0.0.4: escaping and numbers.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace callagent::metrics {

inline constexpr std::string_view kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values: backslash, double quote and line feed are escaped.
void append_escaped_label_value(std::string& out, std::string_view value);
// HELP text: backslash and line feed are escaped.
void append_escaped_help(std::string& out, std::string_view help);
// Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
void append_number(std::string& out, double value);
void append_number(std::string& out, std::uint64_t value);
// {name="value",...}; `extra_name`/`extra_value` (e.g. "le") are appended when non-empty.
// Nothing at all when there are no labels.
void append_labels(std::string& out, std::span<const std::string> names,
                   std::span<const std::string> values, std::string_view extra_name = {},
                   std::string_view extra_value = {});

}  // namespace callagent::metrics
