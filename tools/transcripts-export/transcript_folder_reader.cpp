#include "transcript_folder_reader.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string_view>

namespace callagent::tools {
namespace {

namespace fs = std::filesystem;

struct SortableRecord {
  std::int64_t timestamp_unix_us;  // int64 max when the record has no readable timestamp
  std::string conversation_id;
  nlohmann::ordered_json record;
};

bool read_number(std::string_view text, std::size_t& position, std::size_t digit_count, int& value) {
  if (position + digit_count > text.size()) return false;
  value = 0;
  for (std::size_t index = 0; index < digit_count; ++index) {
    const char character = text[position + index];
    if (character < '0' || character > '9') return false;
    value = value * 10 + (character - '0');
  }
  position += digit_count;
  return true;
}

bool skip(std::string_view text, std::size_t& position, char expected) {
  if (position >= text.size() || text[position] != expected) return false;
  ++position;
  return true;
}

std::optional<std::chrono::year_month_day> parse_date(std::string_view text, std::size_t& position) {
  int year_value = 0;
  int month_value = 0;
  int day_value = 0;
  if (!read_number(text, position, 4, year_value) || !skip(text, position, '-') ||
      !read_number(text, position, 2, month_value) || !skip(text, position, '-') ||
      !read_number(text, position, 2, day_value)) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year_value},
                                         std::chrono::month{static_cast<unsigned>(month_value)},
                                         std::chrono::day{static_cast<unsigned>(day_value)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// Microseconds since the Unix epoch of an ISO 8601 timestamp ("2026-11-24T10:00:00.123Z",
// "…+02:00"; no offset means UTC). Ordering by the instant rather than the text keeps
// "10:00:00.5Z" before "10:00:01Z" and mixed offsets in time order.
std::optional<std::int64_t> parse_timestamp_unix_us(std::string_view text) {
  using namespace std::chrono;
  std::size_t position = 0;
  const auto date = parse_date(text, position);
  if (!date) return std::nullopt;
  microseconds since_midnight{0};
  minutes offset{0};
  if (position < text.size()) {
    if (text[position] != 'T' && text[position] != 't' && text[position] != ' ') return std::nullopt;
    ++position;
    int hour_value = 0;
    int minute_value = 0;
    int second_value = 0;
    if (!read_number(text, position, 2, hour_value) || !skip(text, position, ':') ||
        !read_number(text, position, 2, minute_value)) {
      return std::nullopt;
    }
    std::int64_t fraction_us = 0;
    if (skip(text, position, ':')) {
      if (!read_number(text, position, 2, second_value)) return std::nullopt;
      if (skip(text, position, '.') || skip(text, position, ',')) {
        std::int64_t scale = 100000;
        const std::size_t fraction_start = position;
        for (; position < text.size() && text[position] >= '0' && text[position] <= '9'; ++position) {
          fraction_us += (text[position] - '0') * scale;
          scale /= 10;
        }
        if (position == fraction_start) return std::nullopt;
      }
    }
    if (hour_value > 23 || minute_value > 59 || second_value > 60) return std::nullopt;
    since_midnight = hours(hour_value) + minutes(minute_value) + seconds(second_value) +
                     microseconds(fraction_us);
    if (position < text.size() && (text[position] == 'Z' || text[position] == 'z')) {
      ++position;
    } else if (position < text.size() && (text[position] == '+' || text[position] == '-')) {
      const int sign = text[position++] == '+' ? 1 : -1;
      int offset_hours = 0;
      int offset_minutes = 0;
      if (!read_number(text, position, 2, offset_hours)) return std::nullopt;
      if (position < text.size()) {
        skip(text, position, ':');
        if (!read_number(text, position, 2, offset_minutes)) return std::nullopt;
      }
      if (offset_hours > 23 || offset_minutes > 59) return std::nullopt;
      offset = minutes(sign * (offset_hours * 60 + offset_minutes));
    }
  }
  if (position != text.size()) return std::nullopt;
  const auto instant = sys_days(*date) + since_midnight - offset;
  return duration_cast<microseconds>(instant.time_since_epoch()).count();
}

std::optional<std::string> read_whole_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream content;
  content << file.rdbuf();
  if (file.bad()) return std::nullopt;
  return std::move(content).str();
}

bool is_record_file(const fs::directory_entry& entry) {
  const std::string name = entry.path().filename().string();
  std::error_code ignored;
  return !name.empty() && name.front() != '.' && entry.path().extension() == ".json" &&
         entry.is_regular_file(ignored);
}

}  // namespace

bool DateRange::contains(const std::string& date) const {
  // "YYYY-MM-DD" orders the same as text and as dates.
  return (!since || date >= *since) && (!until || date <= *until);
}

bool is_iso_date(const std::string& text) {
  std::size_t position = 0;
  return parse_date(text, position).has_value() && position == text.size();
}

TranscriptFolderContents read_transcript_folder(const fs::path& directory, const DateRange& range) {
  std::vector<fs::path> date_folders;
  for (const auto& entry : fs::directory_iterator(directory)) {
    std::error_code ignored;
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ignored) && is_iso_date(name) && range.contains(name)) {
      date_folders.push_back(entry.path());
    }
  }

  TranscriptFolderContents contents;
  std::vector<SortableRecord> sortable;
  for (const auto& folder : date_folders) {
    std::error_code error;
    for (fs::directory_iterator entry(folder, error), end; !error && entry != end; entry.increment(error)) {
      if (!is_record_file(*entry)) continue;
      const auto& path = entry->path();
      const auto text = read_whole_file(path);
      if (!text) {
        contents.skipped.push_back(path.string() + ": cannot be read");
        continue;
      }
      auto record = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
      if (record.is_discarded() || !record.is_object()) {
        contents.skipped.push_back(path.string() + ": " +
                                   (record.is_discarded() ? "not valid JSON" : "not a JSON object"));
        continue;
      }
      std::optional<std::int64_t> timestamp_unix_us;
      if (const auto found = record.find("timestamp"); found != record.end() && found->is_string()) {
        timestamp_unix_us = parse_timestamp_unix_us(found->get_ref<const std::string&>());
      }
      std::string conversation_id = path.stem().string();
      if (const auto found = record.find("conversation_id"); found != record.end() && found->is_string()) {
        conversation_id = found->get<std::string>();
      }
      sortable.push_back({timestamp_unix_us.value_or(std::numeric_limits<std::int64_t>::max()),
                          std::move(conversation_id), std::move(record)});
    }
    if (error) contents.skipped.push_back(folder.string() + ": cannot be listed: " + error.message());
  }

  std::sort(sortable.begin(), sortable.end(), [](const SortableRecord& left, const SortableRecord& right) {
    if (left.timestamp_unix_us != right.timestamp_unix_us) {
      return left.timestamp_unix_us < right.timestamp_unix_us;
    }
    return left.conversation_id < right.conversation_id;
  });
  contents.records.reserve(sortable.size());
  for (auto& entry : sortable) contents.records.push_back(std::move(entry.record));
  std::sort(contents.skipped.begin(), contents.skipped.end());
  return contents;
}

}  // namespace callagent::tools
