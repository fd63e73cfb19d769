// The host's logger, handed to plugins. Plugins never log through their own spdlog or
// stderr: a static logging library inside a hidden-visibility .so would have its own
// registry and bypass the host's sinks, levels and JSON format.
#pragma once

#include <cstdint>
#include <string_view>

namespace callagent {

enum class LogLevel : std::uint8_t { trace, debug, info, warn, error };

// Implemented by the host. Thread-safe: any thread may call it at any time.
// Lifetime: a Logger handed to a provider lives as long as the provider; one handed to
// a session lives as long as the session. The host prefixes every line with the
// plugin's name (and the call, for session loggers), e.g. "[stt:deepgram call=CA12…]".
//
// Level policy (the host's): debug may carry full transcripts; info is the call
// lifecycle; warn is vendor rate limits and retries; error is provider failures.
// Never log secrets (API keys, auth tokens, Authorization headers).
class Logger {
 public:
  virtual ~Logger() = default;
  virtual bool enabled(LogLevel level) const noexcept = 0;
  virtual void log(LogLevel level, std::string_view message) noexcept = 0;

  void trace(std::string_view message) noexcept { log(LogLevel::trace, message); }
  void debug(std::string_view message) noexcept { log(LogLevel::debug, message); }
  void info(std::string_view message) noexcept { log(LogLevel::info, message); }
  void warn(std::string_view message) noexcept { log(LogLevel::warn, message); }
  void error(std::string_view message) noexcept { log(LogLevel::error, message); }
};

}  // namespace callagent
