// `callagent --check-config`: the host schema, then each plugin: that its file exists,
// loads, is of the right kind, and accepts its config subtree.
#pragma once

#include <filesystem>
#include <vector>

#include "host/config/host_config.h"
#include "host/plugins/plugin_loader.h"

namespace callagent::host {

// Every error found in a config that parsed: plugin problems with the JSON path of the
// provider entry ("providers.stt.plugin: ...", "providers.stt.config.model: ...").
std::vector<config::ConfigError> check_plugins(const config::HostConfig& config,
                                               const PluginLoader& loader);

}  // namespace callagent::host
