// JSON paths as the config's error messages print them: "server.port",
// "providers.events[1].plugin".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace callagent::config {

inline std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

inline std::string index_path(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

}  // namespace callagent::config
