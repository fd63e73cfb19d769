#include "atomic_file_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <random>
#include <system_error>

namespace callagent::plugins {
namespace {

std::string system_reason(int error_number) {
  return std::generic_category().message(error_number);
}

Status io_error(std::string_view action, const std::filesystem::path& path, int error_number) {
  return Status(ErrorCode::unavailable,
                std::string(action) + " " + path.string() + ": " + system_reason(error_number));
}

// Writes all of `content`, retrying short writes and EINTR. Returns 0 or an errno value.
int write_all(int file_descriptor, std::string_view content) {
  while (!content.empty()) {
    const ssize_t written = ::write(file_descriptor, content.data(), content.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    content.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

std::string to_hex(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (std::size_t index = 16; index-- > 0; value >>= 4) text[index] = kDigits[value & 0xF];
  return text;
}

}  // namespace

std::string make_temp_file_name(std::string_view final_name) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 random_bits{std::random_device{}()};
  return "." + std::string(final_name) + ".tmp-" + std::to_string(::getpid()) + "-" +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed)) + "-" + to_hex(random_bits());
}

bool is_temp_file_name(std::string_view file_name) noexcept {
  return file_name.size() > 1 && file_name.front() == '.' &&
         file_name.find(".tmp") != std::string_view::npos;
}

Status fsync_folder(const std::filesystem::path& folder) {
  const int folder_descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (folder_descriptor < 0) return io_error("cannot open folder", folder, errno);
  const int sync_result = ::fsync(folder_descriptor);
  const int sync_error = errno;
  ::close(folder_descriptor);
  if (sync_result != 0) return io_error("cannot fsync folder", folder, sync_error);
  return Status::ok();
}

Status write_file_atomically(const std::filesystem::path& folder, std::string_view final_name,
                             std::string_view content, bool fsync_enabled) {
  const auto final_path = folder / final_name;
  const auto temp_path = folder / make_temp_file_name(final_name);
  const int file_descriptor =
      ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (file_descriptor < 0) return io_error("cannot create temp file", temp_path, errno);

  const auto fail = [&](std::string_view action, int error_number) {
    ::unlink(temp_path.c_str());
    return io_error(action, temp_path, error_number);
  };
  if (const int error_number = write_all(file_descriptor, content); error_number != 0) {
    ::close(file_descriptor);
    return fail("cannot write", error_number);
  }
  if (fsync_enabled && ::fsync(file_descriptor) != 0) {
    const int error_number = errno;
    ::close(file_descriptor);
    return fail("cannot fsync", error_number);
  }
  // close() can report a deferred write error (NFS, quota): only a clean close counts.
  if (::close(file_descriptor) != 0) return fail("cannot close", errno);
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(temp_path.c_str());
    return io_error("cannot rename temp file to", final_path, error_number);
  }
  if (fsync_enabled) return fsync_folder(folder);
  return Status::ok();
}

StaleTempFileCleanup remove_stale_temp_files(const std::filesystem::path& folder,
                                             std::chrono::seconds min_age) {
  namespace fs = std::filesystem;
  StaleTempFileCleanup cleanup;
  std::error_code error;
  fs::directory_iterator entries(folder, error);
  if (error) {
    cleanup.errors.push_back("cannot list " + folder.string() + ": " + error.message());
    return cleanup;
  }
  const auto now = fs::file_time_type::clock::now();
  for (const fs::directory_iterator end; entries != end; entries.increment(error)) {
    if (error) {
      cleanup.errors.push_back("cannot list " + folder.string() + ": " + error.message());
      break;
    }
    const auto& path = entries->path();
    if (!is_temp_file_name(path.filename().native())) continue;
    std::error_code entry_error;
    if (!entries->is_regular_file(entry_error)) continue;
    const auto modified = fs::last_write_time(path, entry_error);
    // Gone already: another process cleaned it up or its writer renamed it.
    if (entry_error) continue;
    if (now - modified < min_age) continue;
    if (fs::remove(path, entry_error)) {
      ++cleanup.removed;
    } else if (entry_error) {
      cleanup.errors.push_back("cannot remove " + path.string() + ": " + entry_error.message());
    }
  }
  return cleanup;
}

}  // namespace callagent::plugins
