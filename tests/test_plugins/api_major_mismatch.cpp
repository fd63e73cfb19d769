// Exports the v1 entry but reports API major 2 in its info: the loader must check the
// field, not trust the symbol name alone.
#include "fixture_providers.h"

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v1() {
  static const callagent::PluginInfo info{
      sizeof(callagent::PluginInfo), CALLAGENT_PLUGIN_API_MAJOR + 1, 3, CALLAGENT_ABI_TAG,
      callagent::PluginKind::tts, "fixture_api_major_mismatch", "1.0.0", "wrong API major",
      &callagent::create_provider_guarded<callagent::test_plugins::FixtureTtsProvider>, nullptr};
  return &info;
}
