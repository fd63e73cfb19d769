#include "sphinx_log.h"

#include <algorithm>
#include <cstdarg>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

#include "sphinx_headers.h"

namespace callagent::plugins::pocketsphinx {

// The process-wide half: the open routes, newest last. Guarded by its mutex, which the
// log callback also takes, so a route never closes its FILE under a writer.
struct SphinxLogState {
  std::mutex mutex;
  std::vector<const SphinxLogRoute*> routes;

  static SphinxLogState& instance() {
    static SphinxLogState state;
    return state;
  }
  std::FILE* destination() const { return routes.empty() ? nullptr : routes.back()->file_; }
};

namespace {

// err_msg() formats into a 1 KiB buffer before calling back; one more line's worth here.
constexpr std::size_t kMaxLineBytes = 1024;

thread_local SphinxErrorCapture* current_capture = nullptr;

// 'ERROR: "fsg_search.c", line 141: The word ...' → 'The word ...'.
std::string error_message_of(std::string_view line) {
  constexpr std::string_view kLineMarker = "\", line ";
  if (const auto marker = line.find(kLineMarker); marker != std::string_view::npos) {
    if (const auto colon = line.find(": ", marker); colon != std::string_view::npos) {
      line.remove_prefix(colon + 2);
    }
  }
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ')) {
    line.remove_suffix(1);
  }
  return std::string(line);
}

// Runs on whichever thread logs, inside the C library: nothing may escape it.
extern "C" void write_sphinx_log(void* /*user_data*/, err_lvl_t level, const char* format, ...) {
  char line[kMaxLineBytes];
  va_list arguments;
  va_start(arguments, format);
  const int length = std::vsnprintf(line, sizeof line, format, arguments);
  va_end(arguments);
  if (length < 0) return;

  try {
    if (current_capture != nullptr && (level == ERR_ERROR || level == ERR_FATAL)) {
      current_capture->record(error_message_of(line));
    }
    SphinxLogState& state = SphinxLogState::instance();
    std::lock_guard lock(state.mutex);
    if (std::FILE* file = state.destination()) {
      std::fputs(line, file);
      // FATAL is followed by the library's exit(): leave the reason on disk.
      if (level == ERR_FATAL || level == ERR_ERROR) std::fflush(file);
    }
  } catch (...) {
    // Out of memory or a failed lock: losing one log line is the right trade.
  }
}

}  // namespace

Result<std::unique_ptr<SphinxLogRoute>> SphinxLogRoute::open(const std::string& path) {
  std::FILE* file = nullptr;
  if (path != "/dev/null") {
    file = std::fopen(path.c_str(), "ae");  // append, close-on-exec
    if (file == nullptr) {
      return Status(ErrorCode::invalid_config, "log_file: cannot open " + path + " for appending");
    }
  }
  std::unique_ptr<SphinxLogRoute> route(new SphinxLogRoute(file));
  SphinxLogState& state = SphinxLogState::instance();
  std::lock_guard lock(state.mutex);
  if (state.routes.empty()) {
    err_set_callback(&write_sphinx_log, nullptr);
    // The library also writes a few things (ps_init's dump of every option) straight to
    // this FILE, around the callback and its mutex: silence that path.
    err_set_logfp(nullptr);
  }
  state.routes.push_back(route.get());
  return route;
}

SphinxLogRoute::~SphinxLogRoute() {
  SphinxLogState& state = SphinxLogState::instance();
  {
    std::lock_guard lock(state.mutex);
    std::erase(state.routes, this);
    // No decoder is left (routes outlive their decoders): hand the library back a
    // silenced default, so nothing points into this plugin once it may be unloaded.
    if (state.routes.empty()) {
      err_set_callback(&err_logfp_cb, nullptr);
      err_set_logfp(nullptr);
    }
  }
  if (file_ != nullptr) std::fclose(file_);
}

SphinxErrorCapture::SphinxErrorCapture() noexcept : previous_(current_capture) {
  current_capture = this;
}

SphinxErrorCapture::~SphinxErrorCapture() { current_capture = previous_; }

void SphinxErrorCapture::record(std::string message) noexcept { last_error_ = std::move(message); }

}  // namespace callagent::plugins::pocketsphinx
