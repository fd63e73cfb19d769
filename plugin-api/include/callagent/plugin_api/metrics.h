// How a provider reports its vendor-side counts to the host (plugin API 1.1).
//
// The host hands each provider a ProviderMetrics through ProviderContext::metrics and
// labels everything reported through it with the plugin's name; the plugin only says what
// happened. The host exposes the counts on GET /metrics:
//   vendor_request(status) → callagent_vendor_requests_total{plugin, status}
//   retry()                → callagent_vendor_retries_total{plugin}
//   rate_limited()         → callagent_vendor_rate_limited_total{plugin}
//
// `status` is a short, low-cardinality word: the HTTP status of the request ("200",
// "429", "503"), or for failures without one "timeout" / "network_error", or for a
// WebSocket the vendor closed "ws_close_<code>". Never put ids, URLs or keys in it; the
// host truncates it and caps the distinct values per plugin.
//
// Threading: every method is thread-safe, noexcept, never blocks on I/O, and is cheap
// enough for each request (not meant for each audio frame). Lifetime: the object lives
// as long as the provider it was given to (like its Logger), so sessions may use it too.
//
// Compatibility: the pointer was appended at the END of ProviderContext in API 1.1, so a
// plugin built against 1.0 never reads it and loads as before. It is null when whoever
// built the context passed none (unit tests building a ProviderContext by hand): read it
// through metrics_of(context) (provider.h), which falls back to a no-op.
#pragma once

#include <string_view>

namespace callagent {

class ProviderMetrics {
 public:
  virtual ~ProviderMetrics() = default;
  // One request to the vendor (an HTTP request, a WebSocket connect attempt) with its outcome.
  virtual void vendor_request(std::string_view status) noexcept = 0;
  // The provider is trying again after a failure (a new attempt of the same work).
  virtual void retry() noexcept = 0;
  // The vendor refused for rate limiting (HTTP 429 or its equivalent).
  virtual void rate_limited() noexcept = 0;
};

// Reports nothing. For a null ProviderContext::metrics.
class NoProviderMetrics final : public ProviderMetrics {
 public:
  void vendor_request(std::string_view) noexcept override {}
  void retry() noexcept override {}
  void rate_limited() noexcept override {}
};

inline ProviderMetrics& no_provider_metrics() noexcept {
  static NoProviderMetrics none;
  return none;
}

}  // namespace callagent
