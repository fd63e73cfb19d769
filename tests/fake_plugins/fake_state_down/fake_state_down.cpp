#include "tests/fake_plugins/fake_state_down/fake_state_down.h"

namespace callagent::fake_plugins {
namespace {

Status down() { return Status(ErrorCode::unavailable, "connection refused (fake_state_down)"); }

}  // namespace

Status StateStoreDown::validate_config(std::string_view config_json) {
  if (config_json.find_first_not_of(" \t\r\n{}") != std::string_view::npos) {
    return Status(ErrorCode::invalid_config, "fake_state_down takes no settings");
  }
  return Status::ok();
}

Result<std::unique_ptr<StateStoreDown>> StateStoreDown::create(const ProviderContext& context) {
  if (Status valid = validate_config(context.config_json); !valid) return valid;
  return std::make_unique<StateStoreDown>();
}

Result<std::optional<std::string>> StateStoreDown::get(std::string_view) noexcept { return down(); }
Status StateStoreDown::put(std::string_view, std::string_view, std::chrono::seconds) noexcept { return down(); }
Result<bool> StateStoreDown::put_if_absent(std::string_view, std::string_view, std::chrono::seconds) noexcept {
  return down();
}
Status StateStoreDown::erase(std::string_view) noexcept { return down(); }
Status StateStoreDown::ping() noexcept { return down(); }

}  // namespace callagent::fake_plugins
