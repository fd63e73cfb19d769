// Everything that carries calls on this host, built from the config and the providers:
// the worker pool and timers the calls run on, the call records, the Twilio endpoints
// and the call factory. application.cpp creates one, registers its routes, and drains it
// at shutdown.
//
// Ownership: owns the runtime (threads) and the endpoints; shares the providers.
// Threading: built and drained on the main thread; its endpoints run on HTTP threads.
#pragma once

#include <chrono>
#include <memory>

#include "callagent/plugin_api/status.h"
#include "host/app/provider_set.h"
#include "host/app/readiness.h"
#include "host/config/host_config.h"
#include "host/http/router.h"
#include "host/metrics/registry.h"

namespace callagent::host {

class CallService {
 public:
  // Fails with a message naming the config key when the config cannot carry calls as
  // written (e.g. signatures on but no public URL to check them against).
  // `metrics`, when given, gets the call, latency and telephony metrics; it must outlive
  // this object (scrapes read counters this object owns: stop the HTTP server first).
  static Result<std::unique_ptr<CallService>> create(const config::HostConfig& config,
                                                     const ProviderSet& providers,
                                                     std::uint16_t listening_port,
                                                     metrics::Registry* metrics = nullptr);
  ~CallService();

  void register_routes(Router& router);
  // HTTP threads needed: the configured ones plus one per possible live stream.
  static int http_threads_needed(const config::HostConfig& config);

  // Graceful drain, step 1: refuse new calls, ask live calls to say goodbye and hang up,
  // and wait up to `grace` for them to end.
  void end_calls(std::chrono::milliseconds grace);
  // Step 2, after the HTTP server has stopped (which closes any stream still open): let
  // the calls finish — every transcript event published, every record written — then
  // stop the threads. The event sinks are flushed by the caller afterwards.
  void stop();

  std::size_t live_calls() const;
  // For /readyz: calls against max_calls, and whether the drain has begun. Thread-safe.
  CapacityState capacity_state() const;
  // The STT, LLM and TTS providers are all configured.
  bool pipeline_configured() const;

 private:
  struct Parts;
  explicit CallService(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace callagent::host
