// Appends JSON lines to per-conversation event logs (<directory>/events/<id>.jsonl),
// keeping recently used files open and fsyncing them in batches.
//
// Each line goes out in one write() on an O_APPEND descriptor, so lines from several
// processes sharing the folder do not interleave. A crash can still cut the last line
// short (unlike the transcript files, these are logs, not records): readers skip a final
// line that does not parse.
//
// Threading: not thread-safe. Owned and used by the sink's writer thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

class EventLogAppender {
 public:
  EventLogAppender(bool fsync_enabled, std::size_t max_open_files);
  ~EventLogAppender();  // closes every file without syncing (call sync() first)
  EventLogAppender(const EventLogAppender&) = delete;
  EventLogAppender& operator=(const EventLogAppender&) = delete;

  // Appends `line` (which should end in '\n') to `file`, creating it if missing. Not yet
  // durable: call sync(). Errors (ErrorCode::unavailable) name the path and the reason.
  Status append(const std::filesystem::path& file, std::string_view line);
  // With fsync enabled, fsyncs every file appended to since the last sync, and the folder of
  // every file created since then. Reports the first error; keeps going past it.
  Status sync();
  // Syncs and closes `file` if it is open (its conversation is over).
  Status release(const std::filesystem::path& file);

 private:
  struct OpenFile {
    int descriptor = -1;
    bool dirty = false;
  };
  Status sync_file(const std::string& path, OpenFile& file);
  Status close_all();

  bool fsync_enabled_;
  std::size_t max_open_files_;
  std::unordered_map<std::string, OpenFile> open_files_;  // by path
  std::set<std::filesystem::path> folders_with_new_files_;
};

}  // namespace callagent::plugins
