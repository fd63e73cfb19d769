// Crash-safe file replacement: write a uniquely named temp file beside the target, fsync
// it, rename it over the target, fsync the folder. A crash (or SIGKILL) at any instant
// leaves either the target's previous state or all of the new content, never a torn file,
// and any number of threads and processes may write into the same folder at once.
//
// Threading: every function is thread-safe and blocks on disk I/O; call it from a writer
// thread, never from a thread that must not block.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/status.h"

namespace callagent::plugins {

// ".<final_name>.tmp-<pid>-<counter>-<random hex>": a dot-file, so readers skip it, and
// unique across threads (counter), live processes (pid) and hosts sharing the folder over a
// network file system (64 random bits).
std::string make_temp_file_name(std::string_view final_name);

// True for names make_temp_file_name produces (a dot-file containing ".tmp").
bool is_temp_file_name(std::string_view file_name) noexcept;

// Replaces `folder/final_name` with `content` atomically. With `fsync_enabled` the file
// and the folder entry are durable when it returns ok. Errors (ErrorCode::unavailable)
// name the path and the system's reason; the temp file is removed on failure.
Status write_file_atomically(const std::filesystem::path& folder, std::string_view final_name,
                             std::string_view content, bool fsync_enabled);

// fsyncs a folder so the entries created or renamed in it survive a power loss.
Status fsync_folder(const std::filesystem::path& folder);

struct StaleTempFileCleanup {
  std::size_t removed = 0;
  std::vector<std::string> errors;  // one line per entry that could not be read or removed
};

// Removes temp files (is_temp_file_name) older than `min_age` directly inside `folder`:
// leftovers of a process that crashed mid-write. Young ones may belong to a live writer in
// another process, so they stay.
StaleTempFileCleanup remove_stale_temp_files(const std::filesystem::path& folder,
                                             std::chrono::seconds min_age);

}  // namespace callagent::plugins
