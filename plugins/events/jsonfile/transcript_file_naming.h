// Where a record goes: the dated folder from its timestamp, and a file name from its
// conversation id that can never escape the store's directory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callagent::plugins {

// A conversation id is used as a file name as it is only when it is 1..128 characters of
// ASCII letters, digits, '-' and '_'.
bool is_safe_file_stem(std::string_view conversation_id) noexcept;

struct FileStem {
  std::string name;      // safe to use as "<name>.json" inside one folder
  bool as_given = true;  // false: the id was unsafe and `name` is a sanitized stand-in
};

// The id itself when safe; otherwise "unsafe-<up to 64 sanitized characters>-<16 hex digits
// of a hash of the whole id>", so two different unsafe ids do not overwrite each other.
FileStem file_stem_for(std::string_view conversation_id);

// "YYYY-MM-DD", the UTC date of an ISO 8601 timestamp such as "2026-11-24T10:00:00.123Z" or
// "2026-11-24T23:30:00-02:00" (a time without an offset is taken as UTC; a bare date is
// accepted). nullopt when the text is not such a timestamp.
std::optional<std::string> utc_date_of_iso8601(std::string_view timestamp);

// "YYYY-MM-DD", the UTC date of a Unix time in milliseconds (clamped to years 1970..9999).
std::string utc_date_of_unix_ms(std::int64_t unix_ms);

}  // namespace callagent::plugins
