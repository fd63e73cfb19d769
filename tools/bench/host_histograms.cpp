#include "tools/bench/host_histograms.h"

#include <iostream>
#include <limits>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace callagent::bench {
namespace {

std::string fmt_bound(double bound) {
  std::ostringstream text;
  text << bound;
  return text.str();
}

}  // namespace

std::optional<double> HostHistogram::percentile_at_most(double fraction) const {
  if (count == 0) return std::nullopt;
  const double wanted = fraction * static_cast<double>(count);
  for (const auto& [bound, at_most] : cumulative) {
    if (static_cast<double>(at_most) >= wanted) return bound;
  }
  return std::numeric_limits<double>::infinity();
}

double HostHistogram::share_at_most(double bound) const {
  if (count == 0) return 0;
  const auto found = cumulative.find(bound);
  return found == cumulative.end() ? 0 : static_cast<double>(found->second) / static_cast<double>(count);
}

nlohmann::json HostHistogram::to_json() const {
  auto bound_json = [](std::optional<double> value) {
    if (!value) return nlohmann::json(nullptr);
    if (*value == std::numeric_limits<double>::infinity()) return nlohmann::json("+Inf");
    return nlohmann::json(*value);
  };
  nlohmann::json buckets = nlohmann::json::object();
  for (const auto& [bound, at_most] : cumulative) {
    buckets[bound == std::numeric_limits<double>::infinity() ? "+Inf" : fmt_bound(bound)] = at_most;
  }
  return {{"count", count},
          {"mean_ms", count > 0 ? sum / static_cast<double>(count) : 0.0},
          {"p50_at_most_ms", bound_json(percentile_at_most(0.50))},
          {"p99_at_most_ms", bound_json(percentile_at_most(0.99))},
          {"share_at_most_5ms", share_at_most(5)},
          {"buckets", buckets}};
}

HostHistogram parse_histogram(const std::string& metrics_text, const std::string& family) {
  HostHistogram histogram;
  std::istringstream lines(metrics_text);
  std::string line;
  const std::string bucket_prefix = family + "_bucket{le=\"";
  while (std::getline(lines, line)) {
    if (line.rfind(bucket_prefix, 0) == 0) {
      const auto bound_end = line.find('"', bucket_prefix.size());
      if (bound_end == std::string::npos) continue;
      const std::string bound_text = line.substr(bucket_prefix.size(), bound_end - bucket_prefix.size());
      const double bound =
          bound_text == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(bound_text);
      histogram.cumulative[bound] = std::stoull(line.substr(line.rfind(' ') + 1));
    } else if (line.rfind(family + "_count ", 0) == 0) {
      histogram.count = std::stoull(line.substr(line.rfind(' ') + 1));
    } else if (line.rfind(family + "_sum ", 0) == 0) {
      histogram.sum = std::stod(line.substr(line.rfind(' ') + 1));
    }
  }
  return histogram;
}

std::string fetch_metrics(std::uint16_t port, const std::string& bearer_token) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/metrics", Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + bearer_token);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    std::ostringstream text;
    Poco::StreamCopier::copyStream(body, text);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
      std::cerr << "bench: GET /metrics answered " << static_cast<int>(response.getStatus()) << "\n";
      return {};
    }
    return text.str();
  } catch (const Poco::Exception& error) {
    std::cerr << "bench: GET /metrics failed: " << error.displayText() << "\n";
    return {};
  }
}

}  // namespace callagent::bench
