// Reports an ABI tag of another compiler and string ABI.
#include "fixture_providers.h"

extern "C" __attribute__((visibility("default"))) const callagent::PluginInfo* callagent_plugin_v1() {
  static const callagent::PluginInfo info{
      sizeof(callagent::PluginInfo), CALLAGENT_PLUGIN_API_MAJOR, CALLAGENT_PLUGIN_API_MINOR,
      "Clang-99;c++17;cxx11abi=0", callagent::PluginKind::tts, "fixture_abi_mismatch", "1.0.0",
      "built with another compiler",
      &callagent::create_provider_guarded<callagent::test_plugins::FixtureTtsProvider>, nullptr};
  return &info;
}
