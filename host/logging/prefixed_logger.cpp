#include "host/logging/prefixed_logger.h"

#include <spdlog/spdlog.h>

namespace callagent::host {

spdlog::level::level_enum to_spdlog_level(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace: return spdlog::level::trace;
    case LogLevel::debug: return spdlog::level::debug;
    case LogLevel::info: return spdlog::level::info;
    case LogLevel::warn: return spdlog::level::warn;
    case LogLevel::error: return spdlog::level::err;
  }
  return spdlog::level::err;
}

PrefixedLogger::PrefixedLogger(std::shared_ptr<spdlog::logger> sink, std::string prefix)
    : sink_(std::move(sink)), prefix_(std::move(prefix)) {}

std::shared_ptr<PrefixedLogger> PrefixedLogger::for_plugin(PluginKind kind,
                                                           std::string_view plugin_name) {
  // "stt_deepgram" → "stt:deepgram"; a name without its kind's prefix is kept whole.
  const std::string kind_name(to_string(kind));
  std::string shown(plugin_name);
  if (shown.starts_with(kind_name + "_")) {
    shown = kind_name + ":" + shown.substr(kind_name.size() + 1);
  } else {
    shown = kind_name + ":" + shown;
  }
  return std::make_shared<PrefixedLogger>(spdlog::default_logger(), std::move(shown));
}

std::shared_ptr<PrefixedLogger> PrefixedLogger::for_call(std::string_view conversation_id) const {
  return std::make_shared<PrefixedLogger>(sink_, prefix_ + " call=" + std::string(conversation_id));
}

bool PrefixedLogger::enabled(LogLevel level) const noexcept {
  return sink_->should_log(to_spdlog_level(level));
}

void PrefixedLogger::log(LogLevel level, std::string_view message) noexcept {
  try {
    sink_->log(to_spdlog_level(level), "[{}] {}", prefix_, message);
  } catch (...) {
    // Logging must never take a call down; spdlog already reports its own errors.
  }
}

}  // namespace callagent::host
