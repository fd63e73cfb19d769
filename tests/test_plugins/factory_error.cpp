// A factory that refuses its config, as a vendor plugin does without an API key.
#include "fixture_providers.h"

namespace {
class RefusingProvider {
 public:
  static callagent::Result<std::unique_ptr<callagent::test_plugins::FixtureTtsProvider>> create(
      const callagent::ProviderContext&) {
    return callagent::Status(callagent::ErrorCode::invalid_config, "api_key: required");
  }
  static callagent::Status validate_config(std::string_view) {
    return callagent::Status(callagent::ErrorCode::invalid_config, "api_key: required");
  }
};
}  // namespace

CALLAGENT_PLUGIN(tts, "fixture_factory_error", "1.0.0", "a factory that returns an error",
                 RefusingProvider)
