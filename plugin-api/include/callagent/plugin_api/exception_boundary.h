// Keeps exceptions inside a plugin: the provider and session interfaces are noexcept, so
// every method body that may throw (std::bad_alloc, a library's exception) runs through
// without_exceptions(), which turns anything thrown into an ErrorCode::internal Status
// naming the plugin. Header-only; no ABI of its own.
#pragma once

#include <exception>
#include <string>

#include "callagent/plugin_api/status.h"

namespace callagent {

// "<plugin>: <what>" as an internal error. The fallback text fits in std::string's inline
// buffer, so building it needs no memory even when memory ran out.
inline Status internal_error_in(const char* plugin, const char* what) noexcept {
  try {
    return Status(ErrorCode::internal, std::string(plugin) + ": " + what);
  } catch (...) {
    return Status(ErrorCode::internal, "out of memory");
  }
}

// Runs `operation` (returning a Status or a Result<T>); an exception becomes internal_error_in().
template <typename Operation>
auto without_exceptions(const char* plugin, Operation&& operation) noexcept -> decltype(operation()) {
  try {
    return operation();
  } catch (const std::exception& error) {
    return internal_error_in(plugin, error.what());
  } catch (...) {
    return internal_error_in(plugin, "unknown exception");
  }
}

}  // namespace callagent
