// The host's implementation of the plugin-api Logger: writes through the process's
// spdlog default logger with a prefix naming the plugin and, for sessions, the call:
//   [stt:deepgram] connected
//   [stt:deepgram call=3f9c…] reconnecting (attempt 2)
//
// Threading: thread-safe (spdlog's logger is). Lifetime: holds its own reference to
// the spdlog logger, so it stays valid even if the default logger is replaced.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

#include "callagent/plugin_api/logger.h"
#include "callagent/plugin_api/provider.h"

namespace callagent::host {

class PrefixedLogger final : public Logger {
 public:
  PrefixedLogger(std::shared_ptr<spdlog::logger> sink, std::string prefix);

  // "[stt:deepgram]" for plugin "stt_deepgram" of kind stt.
  static std::shared_ptr<PrefixedLogger> for_plugin(PluginKind kind, std::string_view plugin_name);
  // The same logger with " call=<id>" added inside the brackets.
  std::shared_ptr<PrefixedLogger> for_call(std::string_view conversation_id) const;

  bool enabled(LogLevel level) const noexcept override;
  void log(LogLevel level, std::string_view message) noexcept override;

  const std::string& prefix() const noexcept { return prefix_; }

 private:
  std::shared_ptr<spdlog::logger> sink_;
  std::string prefix_;  // without brackets
};

spdlog::level::level_enum to_spdlog_level(LogLevel level) noexcept;

}  // namespace callagent::host
