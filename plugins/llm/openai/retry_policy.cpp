#include "retry_policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace callagent::plugins::openai {
namespace {

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0) {
    return std::nullopt;  // an HTTP date is allowed by RFC 9110 but not sent by these servers
  }
  return value;
}

}  // namespace

std::optional<std::chrono::milliseconds> server_retry_delay(std::string_view retry_after_ms,
                                                            std::string_view retry_after_seconds) {
  if (const auto ms = parse_number(retry_after_ms)) {
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(*ms)));
  }
  if (const auto seconds = parse_number(retry_after_seconds)) {
    return std::chrono::milliseconds(static_cast<long long>(std::ceil(*seconds * 1000.0)));
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int retry, double jitter) {
  const int exponent = std::clamp(retry - 1, 0, 10);
  const double base_ms = std::min(500.0 * std::pow(2.0, exponent), 8000.0);
  const double scaled_ms = base_ms * (1.0 - 0.25 * std::clamp(jitter, 0.0, 1.0));
  return std::chrono::milliseconds(static_cast<long long>(scaled_ms));
}

std::string describe_seconds(std::chrono::milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(delay.count()) / 1000.0);
  return text;
}

}  // namespace callagent::plugins::openai
