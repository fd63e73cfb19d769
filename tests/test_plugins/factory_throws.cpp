// A factory that breaks the rule and throws across the boundary (no guard around it).
#include <stdexcept>

#include "fixture_providers.h"

namespace {
callagent::ProviderResult throwing_factory(const callagent::ProviderContext&) {
  throw std::runtime_error("boom from the factory");
}
}  // namespace

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v1() {
  static const callagent::PluginInfo info{
      sizeof(callagent::PluginInfo), CALLAGENT_PLUGIN_API_MAJOR, CALLAGENT_PLUGIN_API_MINOR,
      CALLAGENT_ABI_TAG, callagent::PluginKind::tts, "fixture_factory_throws", "1.0.0",
      "a factory that throws", &throwing_factory, nullptr};
  return &info;
}
