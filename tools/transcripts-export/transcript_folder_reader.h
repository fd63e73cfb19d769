// Reads the transcript store written by the events_jsonfile plugin:
// <directory>/<YYYY-MM-DD>/<conversation_id>.json, one record per file. Dot-files (the
// writer's temp files), other names and other folders (events/) are not records.
//
// Written separately from the plugin on purpose: the plugin is a hidden-visibility module,
// and the file layout above is the whole contract between the two.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace callagent::tools {

struct DateRange {
  std::optional<std::string> since;  // "YYYY-MM-DD", inclusive
  std::optional<std::string> until;  // "YYYY-MM-DD", inclusive
  bool contains(const std::string& date) const;
};

struct TranscriptFolderContents {
  std::vector<nlohmann::ordered_json> records;  // sorted by timestamp, then conversation_id
  std::vector<std::string> skipped;             // "<path>: <why>", one per unreadable file
};

// True for a valid calendar date written "YYYY-MM-DD".
bool is_iso_date(const std::string& text);

// Reads every record of the dated folders in `range`. Throws std::filesystem::filesystem_error
// when `directory` itself cannot be listed; a bad record file only lands in `skipped`.
TranscriptFolderContents read_transcript_folder(const std::filesystem::path& directory,
                                                const DateRange& range);

}  // namespace callagent::tools
