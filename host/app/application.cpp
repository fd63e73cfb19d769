#include "host/app/application.h"

#include <csignal>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/app/call_service.h"
#include "host/app/config_check.h"
#include "host/app/host_routes.h"
#include "host/app/provider_set.h"
#include "host/app/signal_waiter.h"
#include "host/config/host_config.h"
#include "host/http/http_server.h"
#include "host/logging/log_setup.h"
#include "host/logging/prefixed_logger.h"
#include "host/metrics/plugin_metrics.h"
#include "host/metrics/process_metrics.h"
#include "host/plugins/plugin_loader.h"
#include "host/version.h"

namespace callagent::host {
namespace {

std::filesystem::path effective_plugin_dir(const CommandLine& command_line,
                                           const config::HostConfig& config) {
  if (!command_line.plugin_dir.empty()) return command_line.plugin_dir;
  if (!config.server.plugin_dir.empty()) {
    // A relative plugin_dir is relative to the config file, so a config and its plugins
    // can be moved together.
    std::filesystem::path dir = config.server.plugin_dir;
    if (dir.is_relative() && !config.source_file.empty()) {
      dir = config.source_file.parent_path() / dir;
    }
    return dir.lexically_normal();
  }
  return default_plugin_dir();
}

// `vendor_metrics` null: providers get no metrics (listing plugins, --check-config).
PluginLoader make_loader(const std::filesystem::path& plugin_dir, metrics::VendorMetrics* vendor_metrics = nullptr) {
  ProviderMetricsFactory metrics_factory;
  if (vendor_metrics != nullptr) {
    metrics_factory = [vendor_metrics](const PluginMetadata& metadata) -> std::shared_ptr<ProviderMetrics> {
      return std::make_shared<metrics::PluginMetrics>(*vendor_metrics, metadata.name);
    };
  }
  return PluginLoader(
      plugin_dir,
      [](const PluginMetadata& metadata) -> std::shared_ptr<Logger> {
        return PrefixedLogger::for_plugin(metadata.kind, metadata.name);
      },
      std::move(metrics_factory));
}

int list_plugins(const std::filesystem::path& plugin_dir) {
  const PluginLoader loader = make_loader(plugin_dir);
  const auto listings = loader.list();
  std::cout << fmt::format("plugins in {}:\n", plugin_dir.string());
  if (listings.empty()) std::cout << "  (none)\n";
  for (const auto& listing : listings) {
    if (listing.metadata) {
      const auto& metadata = *listing.metadata;
      std::cout << fmt::format("  {:<20} {:<7} {:<8} {}\n", metadata.name, to_string(metadata.kind),
                               metadata.version, listing.file.string());
    } else {
      std::cout << fmt::format("  {:<20} {:<7} {:<8} {}\n      error: {}\n", "?", "broken", "-",
                               listing.file.string(), listing.error);
    }
  }
  return kExitOk;
}

std::optional<config::HostConfig> load_config_or_report(const std::string& file) {
  auto loaded = config::load_config_file(file, config::process_environment());
  if (!loaded.config) {
    std::cerr << fmt::format("{}: invalid config:\n{}", file, config::format_errors(loaded.errors));
    return std::nullopt;
  }
  return std::move(loaded.config);
}

int check_config(const CommandLine& command_line, const config::HostConfig& config,
                 const std::string& file) {
  const auto plugin_dir = effective_plugin_dir(command_line, config);
  const auto errors = check_plugins(config, make_loader(plugin_dir));
  if (!errors.empty()) {
    std::cerr << fmt::format("{}: invalid config:\n{}", file, config::format_errors(errors));
    return kExitConfigError;
  }
  std::cout << fmt::format("{}: ok (plugins from {})\n", file, plugin_dir.string());
  return kExitOk;
}

int serve(const CommandLine& command_line, config::HostConfig config) {
  if (command_line.port) config.server.port = *command_line.port;
  const auto plugin_dir = effective_plugin_dir(command_line, config);
  spdlog::info("callagent {} starting: config {}, plugins from {}", kCallagentVersion,
               config.source_file.string(), plugin_dir.string());

  // Declared first, destroyed last: providers and calls report into it until they are gone.
  metrics::Registry registry;
  metrics::register_process_metrics(registry);
  metrics::VendorMetrics vendor_metrics(registry);
  const PluginLoader loader = make_loader(plugin_dir, &vendor_metrics);
  auto providers = ProviderSet::create(config.providers, loader);
  if (!providers) {
    spdlog::error("{}", providers.status().message());
    return kExitConfigError;
  }
  const auto grace = std::chrono::seconds(config.server.shutdown_timeout_seconds);

  auto calls = CallService::create(config, providers.value(), config.server.port, &registry);
  if (!calls) {
    spdlog::error("{}", calls.status().message());
    providers.value().shutdown(grace);
    return kExitConfigError;
  }
  // Every route is in place before the first request can arrive.
  // Raw pointers: the server (the only caller) stops before the calls and providers go.
  SteadyTimeSource readiness_time;
  CallService* call_service = calls.value().get();
  StateStore* state_store = providers.value().state.get();
  ReadinessInputs readiness_inputs{call_service->pipeline_configured(), {},
                                   [call_service] { return call_service->capacity_state(); }};
  if (state_store != nullptr) readiness_inputs.ping_state_store = [state_store] { return state_store->ping(); };
  ReadinessCheck readiness(std::move(readiness_inputs), readiness_time);
  Router router;
  register_host_routes(router, HostRouteDependencies{&registry, config.server.api_token, &readiness});
  calls.value()->register_routes(router);
  HttpServerSettings http_settings;
  http_settings.bind_address = config.server.bind;
  http_settings.port = config.server.port;
  http_settings.threads = CallService::http_threads_needed(config);
  http_settings.max_queued_connections = config.server.max_queued_connections;
  http_settings.tls_certificate_file = config.server.tls.certificate_file;
  http_settings.tls_private_key_file = config.server.tls.private_key_file;
  HttpServer server(http_settings, router);
  if (const Status started = server.start(); !started) {
    spdlog::error("{}", started.message());
    calls.value()->stop();
    providers.value().shutdown(grace);
    return started.code() == ErrorCode::invalid_config ? kExitConfigError : kExitRuntimeError;
  }
  spdlog::info("listening on {}:{}{}", config.server.bind, server.port(),
               config.server.tls.certificate_file.empty() ? "" : " (https)");

  const int signal_number = wait_for_termination_signal();
  spdlog::info("{} received: shutting down", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  calls.value()->end_calls(grace);
  server.stop(std::chrono::seconds(2));
  calls.value()->stop();
  calls.value().reset();
  providers.value().shutdown(grace);
  spdlog::info("stopped");
  return kExitOk;
}

}  // namespace

int run_application(const CommandLine& command_line) {
  configure_logging(*parse_log_format(command_line.log_format),
                    *parse_log_level(command_line.log_level));
  const std::string file =
      command_line.config_file.empty() ? default_config_file() : command_line.config_file;

  if (command_line.list_plugins && command_line.config_file.empty() &&
      !command_line.plugin_dir.empty()) {
    return list_plugins(command_line.plugin_dir);
  }
  auto config = load_config_or_report(file);
  if (!config) return kExitConfigError;

  if (command_line.list_plugins) return list_plugins(effective_plugin_dir(command_line, *config));
  if (command_line.check_config) return check_config(command_line, *config, file);
  if (command_line.print_config) {
    std::cout << config::redacted_dump(*config).dump(2) << "\n";
    return kExitOk;
  }
  return serve(command_line, std::move(*config));
}

}  // namespace callagent::host
