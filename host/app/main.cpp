// callagent: entry point. Everything else lives in host/app/application.cpp.
#include <iostream>

#include "host/app/application.h"
#include "host/app/command_line.h"
#include "host/app/signal_waiter.h"
#include "host/version.h"

int main(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask (see signal_waiter.h).
  callagent::host::block_termination_signals();
  const auto parsed = callagent::host::parse_command_line(argc, argv);
  if (!parsed.command_line) {
    std::cerr << "callagent: " << parsed.error << "\n";
    return callagent::host::kExitConfigError;
  }
  const auto& command_line = *parsed.command_line;
  if (command_line.show_help) {
    std::cout << command_line.help_text;
    return 0;
  }
  if (command_line.show_version) {
    std::cout << "callagent " << callagent::host::kCallagentVersion << " (plugin API "
              << CALLAGENT_PLUGIN_API_MAJOR << "." << CALLAGENT_PLUGIN_API_MINOR << ")\n";
    return 0;
  }
  try {
    return callagent::host::run_application(command_line);
  } catch (const std::exception& error) {
    std::cerr << "callagent: fatal: " << error.what() << "\n";
    return callagent::host::kExitRuntimeError;
  }
}
