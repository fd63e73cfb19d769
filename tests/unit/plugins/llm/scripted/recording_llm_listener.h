// An LlmListener for the llm_scripted tests: keeps every callback, with the thread it came
// from, and lets a test wait for one.
//
// Threading: thread-safe; the paced player calls it from its worker thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "callagent/plugin_api/llm.h"

namespace callagent::testing {

class RecordingLlmListener final : public LlmListener {
 public:
  enum class Kind { delta, tool_call, complete, error };

  struct Callback {
    Kind kind;
    std::uint64_t request_id;
    std::string delta;   // Kind::delta
    ToolCall tool_call;  // Kind::tool_call
    FinishReason reason = FinishReason::stop;  // Kind::complete
    std::thread::id thread;
  };

  void on_text_delta(std::uint64_t request_id, std::string_view delta) noexcept override {
    record({Kind::delta, request_id, std::string(delta), {}, FinishReason::stop, std::this_thread::get_id()});
  }
  void on_tool_call(std::uint64_t request_id, const ToolCall& call) noexcept override {
    record({Kind::tool_call, request_id, {}, call, FinishReason::stop, std::this_thread::get_id()});
  }
  void on_complete(std::uint64_t request_id, FinishReason reason, const LlmUsage&) noexcept override {
    record({Kind::complete, request_id, {}, {}, reason, std::this_thread::get_id()});
  }
  void on_error(std::uint64_t request_id, const Status&) noexcept override {
    record({Kind::error, request_id, {}, {}, FinishReason::error, std::this_thread::get_id()});
  }

  std::vector<Callback> callbacks() const {
    std::lock_guard lock(mutex_);
    return callbacks_;
  }
  std::vector<Callback> callbacks_for(std::uint64_t request_id) const {
    std::vector<Callback> found;
    for (const Callback& callback : callbacks()) {
      if (callback.request_id == request_id) found.push_back(callback);
    }
    return found;
  }
  std::vector<std::string> deltas_of(std::uint64_t request_id) const {
    std::vector<std::string> deltas;
    for (const Callback& callback : callbacks_for(request_id)) {
      if (callback.kind == Kind::delta) deltas.push_back(callback.delta);
    }
    return deltas;
  }
  std::string text_of(std::uint64_t request_id) const {
    std::string text;
    for (const std::string& delta : deltas_of(request_id)) text += delta;
    return text;
  }
  std::vector<ToolCall> tool_calls_of(std::uint64_t request_id) const {
    std::vector<ToolCall> calls;
    for (const Callback& callback : callbacks_for(request_id)) {
      if (callback.kind == Kind::tool_call) calls.push_back(callback.tool_call);
    }
    return calls;
  }
  // How the request ended; empty while it has not.
  std::optional<FinishReason> finish_of(std::uint64_t request_id) const {
    for (const Callback& callback : callbacks_for(request_id)) {
      if (callback.kind == Kind::complete) return callback.reason;
      if (callback.kind == Kind::error) return FinishReason::error;
    }
    return std::nullopt;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return callbacks_.size();
  }

  // Waits until `done` holds for the callbacks so far, or `timeout` passes.
  bool wait_until(const std::function<bool(const std::vector<Callback>&)>& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(callbacks_); });
  }
  bool wait_for_finish(std::uint64_t request_id, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return wait_until(
        [request_id](const std::vector<Callback>& callbacks) {
          for (const Callback& callback : callbacks) {
            if (callback.request_id == request_id &&
                (callback.kind == Kind::complete || callback.kind == Kind::error)) {
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
            if (callback.request_id == request_id && callback.kind == Kind::delta) ++seen;
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
