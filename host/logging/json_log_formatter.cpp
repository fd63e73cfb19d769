#include "host/logging/json_log_formatter.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>
#include <spdlog/details/log_msg.h>

namespace callagent::host {
namespace {

std::string_view level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

// Length of the valid UTF-8 sequence starting at text[index], or 0 if it is not valid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  const auto lead = static_cast<unsigned char>(text[index]);
  std::size_t length = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0 && lead >= 0xC2) length = 2;
  else if ((lead & 0xF0) == 0xE0) length = 3;
  else if ((lead & 0xF8) == 0xF0 && lead <= 0xF4) length = 4;
  else return 0;
  if (index + length > text.size()) return 0;
  for (std::size_t offset = 1; offset < length; ++offset) {
    if ((static_cast<unsigned char>(text[index + offset]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

void append_json_escaped(std::string_view text, spdlog::memory_buf_t& destination) {
  for (std::size_t index = 0; index < text.size();) {
    const char c = text[index];
    switch (c) {
      case '"': destination.append(std::string_view("\\\"")); ++index; continue;
      case '\\': destination.append(std::string_view("\\\\")); ++index; continue;
      case '\n': destination.append(std::string_view("\\n")); ++index; continue;
      case '\r': destination.append(std::string_view("\\r")); ++index; continue;
      case '\t': destination.append(std::string_view("\\t")); ++index; continue;
      default: break;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) {
      fmt::format_to(std::back_inserter(destination), "\\u{:04x}", static_cast<unsigned>(byte));
      ++index;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, index);
    if (length == 0) {
      destination.append(std::string_view("\\ufffd"));
      ++index;
      continue;
    }
    destination.append(text.substr(index, length));
    index += length;
  }
}

void JsonLogFormatter::format(const spdlog::details::log_msg& message,
                              spdlog::memory_buf_t& destination) {
  const auto since_epoch = message.time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t time = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&time, &utc);
  fmt::format_to(std::back_inserter(destination),
                 "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"level\":\"{}\","
                 "\"message\":\"",
                 utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                 utc.tm_sec, millis, level_name(message.level));
  append_json_escaped(std::string_view(message.payload.data(), message.payload.size()), destination);
  destination.append(std::string_view("\"}\n"));
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

}  // namespace callagent::host
