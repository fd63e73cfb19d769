// A state store that is always down, as a plugin, so the real host can be tested with its
// state store unreachable: every call answers ErrorCode::unavailable at once.
//
// Threading: stateless; safe from any thread.
#pragma once

#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::fake_plugins {

class StateStoreDown final : public StateStore {
 public:
  static Status validate_config(std::string_view config_json);
  static Result<std::unique_ptr<StateStoreDown>> create(const ProviderContext& context);

  Result<std::optional<std::string>> get(std::string_view key) noexcept override;
  Status put(std::string_view key, std::string_view value, std::chrono::seconds ttl) noexcept override;
  Result<bool> put_if_absent(std::string_view key, std::string_view value,
                             std::chrono::seconds ttl) noexcept override;
  Status erase(std::string_view key) noexcept override;
  Status ping() noexcept override;
};

}  // namespace callagent::fake_plugins
