// Notes the session methods the engine calls from inside one of that session's own
// listener callbacks, on the callback's thread. A real plugin may hold a lock there that
// the method takes (llm_openai emits under its session mutex, tts_elevenlabs under its
// own), so such a call would deadlock; the engine must defer it (Call::with_session).
// The fakes use recursive mutexes and would not hang, so they record it instead.
//
// Threading: thread-safe. Each fake session owns one.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace callagent::testing {

class CallbackReentryRecorder {
 public:
  // Marks the calling thread as inside a callback for the scope's lifetime (nests).
  class Scope {
   public:
    explicit Scope(CallbackReentryRecorder& recorder) : recorder_(recorder) { recorder_.change_depth(+1); }
    ~Scope() { recorder_.change_depth(-1); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CallbackReentryRecorder& recorder_;
  };

  // Call at the top of every session method the engine may call.
  void note(const char* method) {
    std::lock_guard lock(mutex_);
    const auto found = depth_.find(std::this_thread::get_id());
    if (found != depth_.end() && found->second > 0) calls_.emplace_back(method);
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  void change_depth(int by) {
    std::lock_guard lock(mutex_);
    depth_[std::this_thread::get_id()] += by;
  }

  mutable std::mutex mutex_;
  std::map<std::thread::id, int> depth_;
  std::vector<std::string> calls_;
};

}  // namespace callagent::testing
