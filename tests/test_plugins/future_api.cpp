// A plugin built for a future plugin API major (2): it exports callagent_plugin_v2 only.
#include "fixture_providers.h"

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v2() {
  static const callagent::PluginInfo info{sizeof(callagent::PluginInfo), 2, 0, CALLAGENT_ABI_TAG,
                                          callagent::PluginKind::tts, "fixture_future_api", "2.0.0",
                                          "built for plugin API 2", nullptr, nullptr};
  return &info;
}
