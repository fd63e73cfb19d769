// A plugin-api Logger for tests: keeps every line so a test can assert what was logged
// (and, as important, what was not: secrets).
//
// Threading: thread-safe; plugins log from their own threads.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/logger.h"

namespace callagent::testing {

class RecordingLogger final : public Logger {
 public:
  struct Line {
    LogLevel level;
    std::string message;
  };

  bool enabled(LogLevel) const noexcept override { return true; }
  void log(LogLevel level, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines_.push_back({level, std::string(message)});
  }

  std::vector<Line> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  // How many lines at `level` contain `fragment`.
  std::size_t count(LogLevel level, std::string_view fragment) const {
    std::lock_guard lock(mutex_);
    std::size_t found = 0;
    for (const auto& line : lines_) {
      if (line.level == level && line.message.find(fragment) != std::string::npos) ++found;
    }
    return found;
  }
  // Every line joined, for "this secret never appears" checks.
  std::string all_text() const {
    std::lock_guard lock(mutex_);
    std::string text;
    for (const auto& line : lines_) text += line.message + "\n";
    return text;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Line> lines_;
};

}  // namespace callagent::testing
