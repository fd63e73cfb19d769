// Built for a newer minor of this API major: it may read context fields this host does
// not fill in, so the loader must refuse it.
#include "fixture_providers.h"

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v1() {
  static const callagent::PluginInfo info{
      sizeof(callagent::PluginInfo), CALLAGENT_PLUGIN_API_MAJOR, CALLAGENT_PLUGIN_API_MINOR + 1, CALLAGENT_ABI_TAG,
      callagent::PluginKind::tts, "fixture_api_minor_newer", "1.0.0", "built for a newer API minor",
      &callagent::create_provider_guarded<callagent::test_plugins::FixtureTtsProvider>, nullptr};
  return &info;
}
