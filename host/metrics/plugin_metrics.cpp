#include "host/metrics/plugin_metrics.h"

#include <array>

namespace callagent::metrics {

VendorMetrics::VendorMetrics(Registry& registry)
    : requests(registry.counter_family("callagent_vendor_requests_total",
                                       "Requests to vendors (HTTP requests, WebSocket connects) by plugin and "
                                       "outcome, as the plugins report them.",
                                       {"plugin", "status"})),
      retries(registry.counter_family("callagent_vendor_retries_total",
                                      "Retries and reconnects to vendors, as the plugins report them.", {"plugin"})),
      rate_limited(registry.counter_family("callagent_vendor_rate_limited_total",
                                           "Vendor answers refusing for rate limiting (HTTP 429), by plugin.",
                                           {"plugin"})) {}

PluginMetrics::PluginMetrics(VendorMetrics& families, std::string plugin_name)
    : families_(families), plugin_name_(std::move(plugin_name)) {}

void PluginMetrics::increment(std::atomic<Counter*>& cached, Family<Counter>& family) noexcept {
  Counter* counter = cached.load(std::memory_order_acquire);
  if (counter == nullptr) {
    try {
      counter = &family.labels({plugin_name_});  // the same child whichever thread gets here first
    } catch (...) {
      return;  // out of memory creating the label: the count is lost
    }
    cached.store(counter, std::memory_order_release);
  }
  counter->increment();
}

void PluginMetrics::vendor_request(std::string_view status) noexcept {
  try {
    if (status.empty()) status = "unknown";
    status = status.substr(0, kMaxStatusLength);
    const std::array<std::string_view, 2> labels{plugin_name_, status};
    if (Counter* existing = families_.requests.find(labels)) {
      existing->increment();
      return;
    }
    if (distinct_statuses_.fetch_add(1, std::memory_order_relaxed) >= kMaxStatusesPerPlugin) {
      families_.requests.labels({plugin_name_, "other"}).increment();
      return;
    }
    families_.requests.labels(labels).increment();
  } catch (...) {
    // Out of memory creating a label: the count is lost, the plugin is unaffected.
  }
}

}  // namespace callagent::metrics
