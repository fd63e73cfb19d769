#include "host/metrics/exposition.h"

#include <cmath>

#include <fmt/format.h>

namespace callagent::metrics {

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (const char character : value) {
    switch (character) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += character;
    }
  }
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (const char character : help) {
    switch (character) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default: out += character;
    }
  }
}

void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else {
    fmt::format_to(std::back_inserter(out), "{}", value);
  }
}

void append_number(std::string& out, std::uint64_t value) {
  fmt::format_to(std::back_inserter(out), "{}", value);
}

void append_labels(std::string& out, std::span<const std::string> names,
                   std::span<const std::string> values, std::string_view extra_name,
                   std::string_view extra_value) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (std::size_t index = 0; index < names.size() && index < values.size(); ++index) {
    if (!first) out += ',';
    first = false;
    out += names[index];
    out += "=\"";
    append_escaped_label_value(out, values[index]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    append_escaped_label_value(out, extra_value);
    out += '"';
  }
  out += '}';
}

}  // namespace callagent::metrics
