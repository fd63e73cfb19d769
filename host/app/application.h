// The host process: config → logging → providers → HTTP server → wait → shutdown.
//
// Shutdown order (the reverse of start-up, and why): stop accepting connections; let
// requests and calls in flight finish up to server.shutdown_timeout_seconds; flush event
// sinks so every transcript is written; destroy providers; their libraries unload last.
#pragma once

#include "host/app/command_line.h"

namespace callagent::host {

// Exit codes of the callagent binary.
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;
inline constexpr int kExitConfigError = 2;

int run_application(const CommandLine& command_line);

}  // namespace callagent::host
