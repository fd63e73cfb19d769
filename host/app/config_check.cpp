#include "host/app/config_check.h"

#include <fmt/format.h>

namespace callagent::host {
namespace {

// Plugins report paths relative to their subtree ("model: expected a string"); join
// that to the subtree's own path ("providers.stt.config.model").
config::ConfigError join_plugin_error(const std::string& subtree_path, const std::string& message) {
  const std::size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return {subtree_path, message};
  const std::string relative = message.substr(0, colon);
  if (relative.find(' ') != std::string::npos) return {subtree_path, message};
  const std::string separator = relative.front() == '[' ? "" : ".";
  return {subtree_path + separator + relative, message.substr(colon + 2)};
}

void check_entry(const config::ProviderConfig& entry, PluginKind kind, const PluginLoader& loader,
                 std::vector<config::ConfigError>& errors) {
  auto library = loader.load(entry.plugin, kind, entry.json_path);
  if (!library) {
    // The loader's message starts with the JSON path; keep the path as the error's own.
    std::string message = library.status().message();
    const std::string prefix = entry.json_path + ": ";
    if (message.starts_with(prefix)) message.erase(0, prefix.size());
    errors.push_back({entry.json_path + ".plugin", std::move(message)});
    return;
  }
  const Status valid = loader.validate_config(library.value(), entry.config.dump());
  if (!valid) {
    errors.push_back(join_plugin_error(entry.json_path + ".config", valid.message()));
  }
}

}  // namespace

std::vector<config::ConfigError> check_plugins(const config::HostConfig& config,
                                               const PluginLoader& loader) {
  std::vector<config::ConfigError> errors;
  const auto& providers = config.providers;
  if (providers.stt) check_entry(*providers.stt, PluginKind::stt, loader, errors);
  if (providers.llm) check_entry(*providers.llm, PluginKind::llm, loader, errors);
  if (providers.tts) check_entry(*providers.tts, PluginKind::tts, loader, errors);
  check_entry(providers.state, PluginKind::state_store, loader, errors);
  for (const auto& entry : providers.events) {
    check_entry(entry, PluginKind::event_sink, loader, errors);
  }
  return errors;
}

}  // namespace callagent::host
