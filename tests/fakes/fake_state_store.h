// A StateStore in a std::map, with a manual clock and a switch that makes it unreachable,
// for tests of what the engine does when the store works, expires keys, or is down.
//
// TTLs count against a fake clock that only advance_time() moves, so expiry is exact and
// no test sleeps; until a test advances it, nothing expires.
// Threading: thread-safe (one mutex); no threads of its own, no blocking.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::testing {

class FakeStateStore final : public StateStore {
 public:
  struct CallCounts {
    int get = 0;
    int put = 0;
    int put_if_absent = 0;
    int erase = 0;
    int ping = 0;
  };

  Result<std::optional<std::string>> get(std::string_view key) noexcept override {
    std::lock_guard lock(mutex_);
    ++counts_.get;
    if (unavailable_) return unavailable_error();
    const auto found = live_entry(key);
    if (found == entries_.end()) return std::optional<std::string>();
    return std::optional<std::string>(found->second.value);
  }
  Status put(std::string_view key, std::string_view value, std::chrono::seconds ttl) noexcept override {
    std::lock_guard lock(mutex_);
    ++counts_.put;
    if (unavailable_) return unavailable_error();
    if (ttl <= std::chrono::seconds::zero()) return Status(ErrorCode::invalid_argument, "ttl must be > 0");
    entries_.insert_or_assign(std::string(key), Entry{std::string(value), now_ + ttl, ttl});
    return Status::ok();
  }
  Result<bool> put_if_absent(std::string_view key, std::string_view value,
                             std::chrono::seconds ttl) noexcept override {
    std::lock_guard lock(mutex_);
    ++counts_.put_if_absent;
    if (unavailable_) return unavailable_error();
    if (ttl <= std::chrono::seconds::zero()) return Status(ErrorCode::invalid_argument, "ttl must be > 0");
    if (live_entry(key) != entries_.end()) return false;
    entries_.insert_or_assign(std::string(key), Entry{std::string(value), now_ + ttl, ttl});
    return true;
  }
  Status erase(std::string_view key) noexcept override {
    std::lock_guard lock(mutex_);
    ++counts_.erase;
    if (unavailable_) return unavailable_error();
    if (const auto found = entries_.find(key); found != entries_.end()) entries_.erase(found);
    return Status::ok();
  }
  Status ping() noexcept override {
    std::lock_guard lock(mutex_);
    ++counts_.ping;
    return unavailable_ ? unavailable_error() : Status::ok();
  }

  // While true, every call fails with ErrorCode::unavailable (and still counts).
  void set_unavailable(bool unavailable) {
    std::lock_guard lock(mutex_);
    unavailable_ = unavailable;
  }
  // Moves the fake clock; keys whose TTL has run out become absent.
  void advance_time(std::chrono::seconds step) {
    std::lock_guard lock(mutex_);
    now_ += step;
  }

  CallCounts counts() const {
    std::lock_guard lock(mutex_);
    return counts_;
  }
  // Peeks without counting a call and regardless of set_unavailable(); empty when absent
  // or expired.
  std::optional<std::string> value_of(std::string_view key) const {
    std::lock_guard lock(mutex_);
    const auto found = live_entry(key);
    if (found == entries_.end()) return std::nullopt;
    return found->second.value;
  }
  // The TTL the key was last stored with; empty when absent or expired.
  std::optional<std::chrono::seconds> ttl_of(std::string_view key) const {
    std::lock_guard lock(mutex_);
    const auto found = live_entry(key);
    if (found == entries_.end()) return std::nullopt;
    return found->second.ttl;
  }
  // Live keys.
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    std::size_t live = 0;
    for (const auto& entry : entries_) live += entry.second.expires_at > now_ ? 1 : 0;
    return live;
  }

 private:
  struct Entry {
    std::string value;
    std::chrono::seconds expires_at;  // on the fake clock
    std::chrono::seconds ttl;
  };
  using Entries = std::map<std::string, Entry, std::less<>>;

  static Status unavailable_error() {
    return Status(ErrorCode::unavailable, "fake state store set unavailable by the test");
  }
  // Expects mutex_ held. Expired entries stay in the map and are simply invisible.
  Entries::const_iterator live_entry(std::string_view key) const {
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.expires_at <= now_) return entries_.end();
    return found;
  }

  mutable std::mutex mutex_;  // guards everything below
  Entries entries_;
  std::chrono::seconds now_{0};
  bool unavailable_ = false;
  CallCounts counts_;
};

}  // namespace callagent::testing
