// The one door through which a session's thread reaches the host: the listener, the
// logger and the provider's metrics. After shut() returns nothing passes any more, which is how close() keeps the
// plugin-api promise "no callbacks after close()" even for a thread it had to leave
// behind in a blocking connect.
//
// Threading: thread-safe. Each call holds the mutex while it forwards, so shut() waits
// for a callback in flight; the host's callbacks only queue, so that wait is short.
// Lifetime: the listener, logger and metrics must outlive every call made before shut().
#pragma once

#include <cstdint>
#include <mutex>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::plugins::deepgram {

class ListenerGate {
 public:
  ListenerGate(SttListener& listener, Logger& logger, ProviderMetrics& metrics)
      : listener_(listener), logger_(logger), metrics_(metrics) {}

  void result(const SttResult& result) {
    std::lock_guard lock(mutex_);
    if (open_) listener_.on_result(result);
  }
  void speech_started(std::int64_t offset_ms) {
    std::lock_guard lock(mutex_);
    if (open_) listener_.on_speech_started(offset_ms);
  }
  void utterance_end(std::int64_t last_word_end_ms) {
    std::lock_guard lock(mutex_);
    if (open_) listener_.on_utterance_end(last_word_end_ms);
  }
  void error(const Status& status, bool recoverable) {
    std::lock_guard lock(mutex_);
    if (open_) listener_.on_error(status, recoverable);
  }
  void log(LogLevel level, std::string_view message) {
    std::lock_guard lock(mutex_);
    if (open_) logger_.log(level, message);
  }
  // Vendor-side counts for the host's /metrics (plugin API 1.1).
  void vendor_request(std::string_view status) {
    std::lock_guard lock(mutex_);
    if (open_) metrics_.vendor_request(status);
  }
  void retry() {
    std::lock_guard lock(mutex_);
    if (open_) metrics_.retry();
  }
  void rate_limited() {
    std::lock_guard lock(mutex_);
    if (open_) metrics_.rate_limited();
  }
  bool log_enabled(LogLevel level) {
    std::lock_guard lock(mutex_);
    return open_ && logger_.enabled(level);
  }
  void shut() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }

 private:
  std::mutex mutex_;
  bool open_ = true;
  SttListener& listener_;
  Logger& logger_;
  ProviderMetrics& metrics_;
};

}  // namespace callagent::plugins::deepgram
