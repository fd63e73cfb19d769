// What plugins report through ProviderMetrics, labelled with their name and bounded.
#include <gtest/gtest.h>

#include <string>

#include "callagent/plugin_api/provider.h"
#include "host/metrics/plugin_metrics.h"

namespace callagent::metrics {
namespace {

TEST(PluginMetricsTest, CountsAreLabelledWithThePluginName) {
  Registry registry;
  VendorMetrics families(registry);
  PluginMetrics deepgram(families, "stt_deepgram");
  ProviderMetrics& reported = deepgram;  // as a plugin sees it
  reported.vendor_request("101");
  reported.vendor_request("101");
  reported.vendor_request("429");
  reported.rate_limited();
  reported.retry();
  const std::string text = registry.render();
  EXPECT_NE(text.find("callagent_vendor_requests_total{plugin=\"stt_deepgram\",status=\"101\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("callagent_vendor_requests_total{plugin=\"stt_deepgram\",status=\"429\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("callagent_vendor_retries_total{plugin=\"stt_deepgram\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("callagent_vendor_rate_limited_total{plugin=\"stt_deepgram\"} 1\n"), std::string::npos);
}

TEST(PluginMetricsTest, APluginThatReportsNothingHasNoSeries) {
  Registry registry;
  VendorMetrics families(registry);
  PluginMetrics quiet(families, "state_memory");
  EXPECT_EQ(registry.render().find("state_memory"), std::string::npos);
}

TEST(PluginMetricsTest, StatusValuesAreBoundedInLengthAndNumber) {
  Registry registry;
  VendorMetrics families(registry);
  PluginMetrics plugin(families, "llm_noisy");
  plugin.vendor_request(std::string(100, 'x'));
  plugin.vendor_request("");
  for (int index = 0; index < 100; ++index) plugin.vendor_request("status_" + std::to_string(index));
  EXPECT_LE(families.requests.size(), PluginMetrics::kMaxStatusesPerPlugin + 1);
  const std::string text = registry.render();
  EXPECT_NE(text.find("status=\"" + std::string(PluginMetrics::kMaxStatusLength, 'x') + "\"} 1"), std::string::npos);
  EXPECT_NE(text.find("status=\"unknown\"} 1"), std::string::npos);
  EXPECT_NE(text.find("status=\"other\"}"), std::string::npos);
}

class SilentLogger final : public Logger {
 public:
  bool enabled(LogLevel) const noexcept override { return false; }
  void log(LogLevel, std::string_view) noexcept override {}
};

TEST(PluginMetricsTest, AContextWithoutMetricsGetsANoOp) {
  SilentLogger logger;
  const ProviderContext context{"{}", logger, ""};  // as a 1.0-style caller builds it
  EXPECT_EQ(context.metrics, nullptr);
  ProviderMetrics& metrics = metrics_of(context);
  EXPECT_EQ(&metrics, &no_provider_metrics());
  metrics.vendor_request("200");
  metrics.retry();
  metrics.rate_limited();
}

}  // namespace
}  // namespace callagent::metrics
