// Minimal providers for the loader fixtures. They do nothing useful: each fixture exists
// to be loaded (or refused) by the loader, never to serve a call.
#pragma once

#include <memory>
#include <string_view>

#include "callagent/plugin_api.h"

namespace callagent::test_plugins {

class FixtureTtsProvider final : public TtsProvider {
 public:
  static Result<std::unique_ptr<FixtureTtsProvider>> create(const ProviderContext&) {
    return std::make_unique<FixtureTtsProvider>();
  }
  static Status validate_config(std::string_view) { return Status::ok(); }

  AudioFormat output_format() const noexcept override { return {}; }
  std::string voice_key() const override { return "fixture"; }
  Result<std::unique_ptr<TtsSession>> open_session(const SessionContext&,
                                                   TtsListener&) noexcept override {
    return Status(ErrorCode::internal, "fixture provider has no sessions");
  }
};

}  // namespace callagent::test_plugins
