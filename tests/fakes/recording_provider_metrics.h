// A ProviderMetrics that remembers what a plugin reported, for tests of the vendor counts
// a plugin feeds to GET /metrics (requests by status, retries, rate limits).
//
// Threading: thread-safe (one mutex); plugins report from their own threads.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::testing {

class RecordingProviderMetrics final : public ProviderMetrics {
 public:
  void vendor_request(std::string_view status) noexcept override {
    std::lock_guard lock(mutex_);
    statuses_.emplace_back(status);
  }
  void retry() noexcept override {
    std::lock_guard lock(mutex_);
    ++retries_;
  }
  void rate_limited() noexcept override {
    std::lock_guard lock(mutex_);
    ++rate_limited_;
  }

  // The status of every vendor request, in the order reported.
  std::vector<std::string> request_statuses() const {
    std::lock_guard lock(mutex_);
    return statuses_;
  }
  int retries() const {
    std::lock_guard lock(mutex_);
    return retries_;
  }
  int rate_limited_count() const {
    std::lock_guard lock(mutex_);
    return rate_limited_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> statuses_;
  int retries_ = 0;
  int rate_limited_ = 0;
};

}  // namespace callagent::testing
