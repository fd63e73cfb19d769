#include "transcript_file_naming.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace callagent::plugins {
namespace {

constexpr std::size_t kMaxSafeStemLength = 128;
constexpr std::size_t kMaxSanitizedPrefixLength = 64;

bool is_safe_character(char character) noexcept {
  return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z') ||
         (character >= '0' && character <= '9') || character == '-' || character == '_';
}

// FNV-1a: stable across processes and builds, unlike std::hash, so the same unsafe id
// always maps to the same file.
std::uint64_t stable_hash(std::string_view text) noexcept {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char character : text) {
    hash ^= static_cast<unsigned char>(character);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string format_date(const std::chrono::year_month_day& date) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text.data();
}

// Reads exactly `count` digits at `position`, advancing it.
bool read_digits(std::string_view text, std::size_t& position, std::size_t count, int& value) {
  if (position + count > text.size()) return false;
  value = 0;
  for (std::size_t index = 0; index < count; ++index) {
    const char character = text[position + index];
    if (character < '0' || character > '9') return false;
    value = value * 10 + (character - '0');
  }
  position += count;
  return true;
}

bool read_char(std::string_view text, std::size_t& position, char expected) {
  if (position >= text.size() || text[position] != expected) return false;
  ++position;
  return true;
}

}  // namespace

bool is_safe_file_stem(std::string_view conversation_id) noexcept {
  return !conversation_id.empty() && conversation_id.size() <= kMaxSafeStemLength &&
         std::all_of(conversation_id.begin(), conversation_id.end(), is_safe_character);
}

FileStem file_stem_for(std::string_view conversation_id) {
  if (is_safe_file_stem(conversation_id)) return {std::string(conversation_id), true};
  std::string name = "unsafe-";
  const auto prefix = conversation_id.substr(0, kMaxSanitizedPrefixLength);
  for (const char character : prefix) name += is_safe_character(character) ? character : '_';
  if (!prefix.empty()) name += '-';
  std::array<char, 17> hash_text{};
  std::snprintf(hash_text.data(), hash_text.size(), "%016llx",
                static_cast<unsigned long long>(stable_hash(conversation_id)));
  name += hash_text.data();
  return {std::move(name), false};
}

std::optional<std::string> utc_date_of_iso8601(std::string_view timestamp) {
  using namespace std::chrono;
  std::size_t position = 0;
  int year_value = 0;
  int month_value = 0;
  int day_value = 0;
  if (!read_digits(timestamp, position, 4, year_value) || !read_char(timestamp, position, '-') ||
      !read_digits(timestamp, position, 2, month_value) || !read_char(timestamp, position, '-') ||
      !read_digits(timestamp, position, 2, day_value)) {
    return std::nullopt;
  }
  const year_month_day date{year{year_value}, month{static_cast<unsigned>(month_value)},
                            day{static_cast<unsigned>(day_value)}};
  if (!date.ok()) return std::nullopt;
  if (position == timestamp.size()) return format_date(date);

  const char separator = timestamp[position++];
  if (separator != 'T' && separator != 't' && separator != ' ') return std::nullopt;
  int hour_value = 0;
  int minute_value = 0;
  int second_value = 0;
  if (!read_digits(timestamp, position, 2, hour_value) || !read_char(timestamp, position, ':') ||
      !read_digits(timestamp, position, 2, minute_value)) {
    return std::nullopt;
  }
  if (read_char(timestamp, position, ':')) {
    if (!read_digits(timestamp, position, 2, second_value)) return std::nullopt;
    if (read_char(timestamp, position, '.') || read_char(timestamp, position, ',')) {
      const std::size_t fraction_start = position;
      while (position < timestamp.size() && timestamp[position] >= '0' && timestamp[position] <= '9') {
        ++position;
      }
      if (position == fraction_start) return std::nullopt;
    }
  }
  if (hour_value > 23 || minute_value > 59 || second_value > 60) return std::nullopt;

  int offset_minutes = 0;
  if (position < timestamp.size()) {
    const char zone = timestamp[position++];
    if (zone == 'Z' || zone == 'z') {
      // UTC
    } else if (zone == '+' || zone == '-') {
      int offset_hour = 0;
      int offset_minute = 0;
      if (!read_digits(timestamp, position, 2, offset_hour)) return std::nullopt;
      if (position < timestamp.size()) {
        read_char(timestamp, position, ':');
        if (!read_digits(timestamp, position, 2, offset_minute)) return std::nullopt;
      }
      if (offset_hour > 23 || offset_minute > 59) return std::nullopt;
      offset_minutes = (zone == '+' ? 1 : -1) * (offset_hour * 60 + offset_minute);
    } else {
      return std::nullopt;
    }
  }
  if (position != timestamp.size()) return std::nullopt;

  const sys_seconds local_instant = sys_days(date) + hours(hour_value) + minutes(minute_value) +
                                    seconds(second_value);
  const sys_seconds utc_instant = local_instant - minutes(offset_minutes);
  const year_month_day utc_date{floor<days>(utc_instant)};
  if (utc_date.year() < year(0) || utc_date.year() > year(9999)) return std::nullopt;
  return format_date(utc_date);
}

std::string utc_date_of_unix_ms(std::int64_t unix_ms) {
  using namespace std::chrono;
  constexpr std::int64_t kLastMillisecondOfYear9999 = 253402300799999;
  const std::int64_t clamped = std::clamp<std::int64_t>(unix_ms, 0, kLastMillisecondOfYear9999);
  return format_date(year_month_day{floor<days>(sys_time<milliseconds>(milliseconds(clamped)))});
}

}  // namespace callagent::plugins
