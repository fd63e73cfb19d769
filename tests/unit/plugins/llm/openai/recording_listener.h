// An LlmListener for the llm_openai tests: keeps every callback with its error status
// and usage, and lets a test wait for one.
//
// Threading: thread-safe; the session calls it from its worker thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/llm.h"

namespace callagent::testing {

class OpenAiRecordingListener final : public LlmListener {
 public:
  enum class Kind { delta, tool_call, complete, error };
  struct Callback {
    Kind kind = Kind::delta;
    std::uint64_t request_id = 0;
    std::string delta;
    ToolCall tool_call;
    FinishReason reason = FinishReason::stop;
    LlmUsage usage;
    Status error;
  };

  void on_text_delta(std::uint64_t request_id, std::string_view delta) noexcept override {
    Callback callback;
    callback.kind = Kind::delta;
    callback.request_id = request_id;
    callback.delta = std::string(delta);
    record(std::move(callback));
  }
  void on_tool_call(std::uint64_t request_id, const ToolCall& call) noexcept override {
    Callback callback;
    callback.kind = Kind::tool_call;
    callback.request_id = request_id;
    callback.tool_call = call;
    record(std::move(callback));
  }
  void on_complete(std::uint64_t request_id, FinishReason reason, const LlmUsage& usage) noexcept override {
    Callback callback;
    callback.kind = Kind::complete;
    callback.request_id = request_id;
    callback.reason = reason;
    callback.usage = usage;
    record(std::move(callback));
  }
  void on_error(std::uint64_t request_id, const Status& error) noexcept override {
    Callback callback;
    callback.kind = Kind::error;
    callback.request_id = request_id;
    callback.reason = FinishReason::error;
    callback.error = error;
    record(std::move(callback));
  }

  std::vector<Callback> callbacks() const {
    std::lock_guard lock(mutex_);
    return callbacks_;
  }
  std::vector<Callback> of_kind(Kind kind, std::uint64_t request_id) const {
    std::vector<Callback> found;
    for (const Callback& callback : callbacks()) {
      if (callback.kind == kind && callback.request_id == request_id) found.push_back(callback);
    }
    return found;
  }
  std::string text_of(std::uint64_t request_id) const {
    std::string text;
    for (const Callback& callback : of_kind(Kind::delta, request_id)) text += callback.delta;
    return text;
  }
  std::size_t count_for(std::uint64_t request_id) const {
    std::size_t found = 0;
    for (const Callback& callback : callbacks()) found += callback.request_id == request_id ? 1 : 0;
    return found;
  }

  bool wait_until(const std::function<bool(const std::vector<Callback>&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(callbacks_); });
  }
  // True once request_id got on_complete or on_error.
  bool wait_for_end(std::uint64_t request_id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return wait_until(
        [request_id](const std::vector<Callback>& callbacks) {
          for (const Callback& callback : callbacks) {
            if (callback.request_id == request_id && (callback.kind == Kind::complete || callback.kind == Kind::error)) {
              return true;
            }
          }
          return false;
        },
        timeout);
  }
  bool wait_for_deltas(std::uint64_t request_id, std::size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return wait_until(
        [request_id, count](const std::vector<Callback>& callbacks) {
          std::size_t seen = 0;
          for (const Callback& callback : callbacks) {
            seen += callback.request_id == request_id && callback.kind == Kind::delta ? 1 : 0;
          }
          return seen >= count;
        },
        timeout);
  }

 private:
  void record(Callback callback) noexcept {
    {
      std::lock_guard lock(mutex_);
      callbacks_.push_back(std::move(callback));
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<Callback> callbacks_;  // guarded by mutex_
};

}  // namespace callagent::testing
