// The host's side of the plugin API's ProviderMetrics: what a provider reports, labelled
// with its plugin name, into callagent_vendor_requests_total{plugin,status},
// callagent_vendor_retries_total{plugin} and callagent_vendor_rate_limited_total{plugin}.
//
// A plugin chooses the status words, so they are bounded here: at most 40 characters,
// and at most kMaxStatusesPerPlugin distinct values per plugin (later ones count as
// "other"), so a misbehaving plugin cannot grow the scrape without bound.
//
// Ownership: VendorMetrics owns nothing (the families live in the registry); one
// PluginMetrics per provider, kept alive with the provider by the loader's deleter.
// Series appear once the plugin first reports (plugins that talk to no vendor show none).
// Threading: thread-safe. retry() and rate_limited() are an atomic load and add after the
// first; vendor_request() takes the family's shared lock for the lookup (once per
// request, never per frame).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "callagent/plugin_api/metrics.h"
#include "host/metrics/registry.h"

namespace callagent::metrics {

struct VendorMetrics {
  explicit VendorMetrics(Registry& registry);

  Family<Counter>& requests;      // {plugin, status}
  Family<Counter>& retries;       // {plugin}
  Family<Counter>& rate_limited;  // {plugin}
};

class PluginMetrics final : public ProviderMetrics {
 public:
  static constexpr std::size_t kMaxStatusesPerPlugin = 32;
  static constexpr std::size_t kMaxStatusLength = 40;

  PluginMetrics(VendorMetrics& families, std::string plugin_name);

  void vendor_request(std::string_view status) noexcept override;
  void retry() noexcept override { increment(retries_, families_.retries); }
  void rate_limited() noexcept override { increment(rate_limited_, families_.rate_limited); }

 private:
  // Increments the plugin's child of `family`, found on first use and cached in `cached`.
  void increment(std::atomic<Counter*>& cached, Family<Counter>& family) noexcept;

  VendorMetrics& families_;
  const std::string plugin_name_;
  std::atomic<Counter*> retries_{nullptr};
  std::atomic<Counter*> rate_limited_{nullptr};
  std::atomic<std::size_t> distinct_statuses_{0};
};

}  // namespace callagent::metrics
