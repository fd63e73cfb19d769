#include "event_log_appender.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "atomic_file_writer.h"

namespace callagent::plugins {
namespace {

Status io_error(std::string_view action, std::string_view path, int error_number) {
  return Status(ErrorCode::unavailable, std::string(action) + " " + std::string(path) + ": " +
                                            std::generic_category().message(error_number));
}

}  // namespace

EventLogAppender::EventLogAppender(bool fsync_enabled, std::size_t max_open_files)
    : fsync_enabled_(fsync_enabled), max_open_files_(max_open_files == 0 ? 1 : max_open_files) {}

EventLogAppender::~EventLogAppender() {
  for (auto& [path, file] : open_files_) ::close(file.descriptor);
}

Status EventLogAppender::append(const std::filesystem::path& file, std::string_view line) {
  const std::string path = file.string();
  Status sync_problem = Status::ok();  // from making room; reported after the line is written
  auto found = open_files_.find(path);
  if (found == open_files_.end()) {
    // Few calls are live at once; when more are, sync and close everything rather than
    // track recency: it costs one batch of fsyncs, rarely.
    if (open_files_.size() >= max_open_files_) sync_problem = close_all();
    std::error_code ignored;
    const bool existed = std::filesystem::exists(file, ignored);
    const int descriptor = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (descriptor < 0) return io_error("cannot open", path, errno);
    if (!existed) folders_with_new_files_.insert(file.parent_path());
    found = open_files_.emplace(path, OpenFile{descriptor, false}).first;
  }
  OpenFile& open_file = found->second;
  std::string_view remaining = line;
  while (!remaining.empty()) {
    const ssize_t written = ::write(open_file.descriptor, remaining.data(), remaining.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      const int error_number = errno;
      ::close(open_file.descriptor);
      open_files_.erase(found);
      return io_error("cannot append to", path, error_number);
    }
    remaining.remove_prefix(static_cast<std::size_t>(written));
  }
  open_file.dirty = true;
  return sync_problem;
}

Status EventLogAppender::sync_file(const std::string& path, OpenFile& file) {
  if (!file.dirty) return Status::ok();
  file.dirty = false;
  if (fsync_enabled_ && ::fsync(file.descriptor) != 0) return io_error("cannot fsync", path, errno);
  return Status::ok();
}

Status EventLogAppender::sync() {
  Status first_error = Status::ok();
  for (auto& [path, file] : open_files_) {
    const Status synced = sync_file(path, file);
    if (!synced && first_error) first_error = synced;
  }
  if (fsync_enabled_) {
    for (const auto& folder : folders_with_new_files_) {
      const Status synced = fsync_folder(folder);
      if (!synced && first_error) first_error = synced;
    }
  }
  folders_with_new_files_.clear();
  return first_error;
}

Status EventLogAppender::release(const std::filesystem::path& file) {
  const auto found = open_files_.find(file.string());
  if (found == open_files_.end()) return Status::ok();
  const Status synced = sync_file(found->first, found->second);
  ::close(found->second.descriptor);
  open_files_.erase(found);
  return synced;
}

Status EventLogAppender::close_all() {
  const Status synced = sync();
  for (auto& [path, file] : open_files_) ::close(file.descriptor);
  open_files_.clear();
  return synced;
}

}  // namespace callagent::plugins
