// Per-call state shared by every host (call records, pending conversations).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

// A key-value store with expiry. Thread-safe. Calls may block for at most the store's
// own configured timeout; the host never calls it while holding a call's state, and
// never once per audio frame. Keys are namespaced by the host ("callagent:call:<id>").
// Values are opaque text (the host stores JSON); never put secrets in them.
class StateStore : public Provider {
 public:
  // The value, std::nullopt when absent or expired, or an error (unavailable, timeout).
  virtual Result<std::optional<std::string>> get(std::string_view key) noexcept = 0;
  // Sets the value and its time to live (ttl > 0).
  virtual Status put(std::string_view key, std::string_view value,
                     std::chrono::seconds ttl) noexcept = 0;
  // Sets only if absent, atomically across every host sharing the store: true if this
  // call set it. Used to claim a conversation so only one stream can attach to it.
  virtual Result<bool> put_if_absent(std::string_view key, std::string_view value,
                                     std::chrono::seconds ttl) noexcept = 0;
  // Removes the key; erasing an absent key is ok.
  virtual Status erase(std::string_view key) noexcept = 0;
  // A cheap liveness check for readiness probes.
  virtual Status ping() noexcept = 0;
};

}  // namespace callagent
