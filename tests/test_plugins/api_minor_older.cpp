// Built for API 1.0, before ProviderContext::metrics existed: it still loads and works.
#include "fixture_providers.h"

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v1() {
  static const callagent::PluginInfo info{
      sizeof(callagent::PluginInfo), CALLAGENT_PLUGIN_API_MAJOR, 0, CALLAGENT_ABI_TAG,
      callagent::PluginKind::tts, "fixture_api_minor_older", "1.0.0", "built for API 1.0",
      &callagent::create_provider_guarded<callagent::test_plugins::FixtureTtsProvider>, nullptr};
  return &info;
}
