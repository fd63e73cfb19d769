// state_memory: a StateStore kept in this host's own memory, with a TTL per key.
//
// For a single host: the state is lost when the host stops and is not shared with other
// hosts, so put_if_absent is atomic only within this process. Use a shared store (Redis)
// when several hosts serve the same calls.
//
// Expired keys are invisible at once and reclaimed by the next write: every key has one
// node in a deadline-ordered index, and each write first drops the keys whose deadline has
// passed. Each key is dropped once, so the cost is amortised over the writes that made it;
// no background thread, and overwriting a key reuses its node instead of piling up.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "callagent/plugin_api.h"

namespace callagent::plugins {

// Thread-safe: every method may be called from any thread at once; one mutex serialises
// them (each holds it for a hash lookup and a few tree operations, never for I/O).
class MemoryStateStore final : public StateStore {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Reads the current time. Called only with the store's mutex held, so it need not be
  // thread-safe itself; it must not call back into the store.
  using NowFunction = std::function<TimePoint()>;

  static constexpr std::size_t kDefaultMaxEntries = 1'000'000;

  // Config: {"max_entries": integer >= 1}, every key optional, unknown keys refused.
  // An empty text means no config. Errors are invalid_config and name the key.
  static Status validate_config(std::string_view config_json);
  // Uses the steady clock. Logs one line through `context.logger` and keeps no reference
  // to the context.
  static Result<std::unique_ptr<MemoryStateStore>> create(const ProviderContext& context);

  // Holds at most `max_entries` live keys (>= 1). `now` is the clock; tests inject one to
  // move time by hand. An empty `now` means the steady clock.
  MemoryStateStore(std::size_t max_entries, NowFunction now);

  Result<std::optional<std::string>> get(std::string_view key) noexcept override;
  // Refuses a new key with ErrorCode::capacity when max_entries live keys are stored;
  // overwriting a stored key always succeeds.
  Status put(std::string_view key, std::string_view value, std::chrono::seconds ttl) noexcept override;
  // An expired key counts as absent. Same capacity rule as put for the key it adds.
  Result<bool> put_if_absent(std::string_view key, std::string_view value,
                             std::chrono::seconds ttl) noexcept override;
  Status erase(std::string_view key) noexcept override;
  Status ping() noexcept override;

  // Keys held in memory, including expired ones not reclaimed yet.
  std::size_t size_for_testing() const;
  // Nodes in the deadline index: equals size_for_testing() unless an update leaked one.
  std::size_t expiry_index_size_for_testing() const;

 private:
  // Deadline -> the key, owned by `entries_`. unordered_map never moves its elements
  // (rehashing keeps references valid), so the pointer lives as long as the entry.
  using ExpiryIndex = std::multimap<TimePoint, const std::string*>;

  struct Entry {
    std::string value;
    ExpiryIndex::iterator expiry;  // this key's node in expiry_index_
  };

  // Lets find() take a string_view without building a std::string.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Entries = std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>>;

  // All of these expect mutex_ to be held.
  void drop_expired(TimePoint now) noexcept;
  Status check_room_for_new_key() const;
  void insert_new(std::string_view key, std::string_view value, TimePoint deadline);
  void overwrite(Entries::iterator position, std::string_view value, TimePoint deadline);

  const std::size_t max_entries_;
  const NowFunction now_;

  mutable std::mutex mutex_;
  Entries entries_;            // guarded by mutex_
  ExpiryIndex expiry_index_;   // guarded by mutex_; one node per entry
};

}  // namespace callagent::plugins
