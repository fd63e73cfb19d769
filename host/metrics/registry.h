// A registry of metric families, rendered in the Prometheus text exposition format 0.0.4.
//
//   Registry registry;
//   auto& requests = registry.counter_family("app_requests_total", "Requests.", {"route"});
//   Counter& home = requests.labels({"/"});   // look up once, keep the reference
//   home.increment();                          // hot path: one relaxed atomic add
//
// Families are registered at start-up (a duplicate or malformed name throws
// std::invalid_argument: a programming error). Children are created on first use of their
// label values, under the family's lock; keep the returned reference on hot paths so an
// observation never takes a lock. Callback families compute their samples at scrape time
// (for values owned elsewhere: atomics in TelephonyCounters, /proc/self).
//
// Ownership: the registry owns every family and child; references stay valid until it
// is destroyed. Threading: everything is thread-safe; render() may run concurrently with
// observations and child creation.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/metrics/histogram.h"
#include "host/metrics/instruments.h"

namespace callagent::metrics {

enum class MetricType { counter, gauge, histogram };

// Compares label-value lists, stored (strings) or looked up (string_views).
struct LabelValuesLess {
  using is_transparent = void;
  bool operator()(std::span<const std::string> left, std::span<const std::string> right) const;
  bool operator()(std::span<const std::string> left, std::span<const std::string_view> right) const;
  bool operator()(std::span<const std::string_view> left, std::span<const std::string> right) const;
};

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names);
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const noexcept { return name_; }
  // # HELP, # TYPE, then every sample.
  void render(std::string& out) const;

 protected:
  virtual void render_samples(std::string& out) const = 0;

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
};

// Every child of one metric name, one per distinct list of label values.
template <typename Metric>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::vector<double> bucket_bounds = {});

  // Finds or creates the child; `values` has one entry per label name (throws
  // std::invalid_argument otherwise). May allocate and lock: not for per-frame paths.
  Metric& labels(std::span<const std::string_view> values);
  Metric& labels(std::initializer_list<std::string_view> values) {
    return labels(std::span<const std::string_view>(values.begin(), values.size()));
  }
  // The child if it exists; never creates.
  Metric* find(std::span<const std::string_view> values) const;
  std::size_t size() const;

 private:
  void render_samples(std::string& out) const override;

  const std::vector<double> bucket_bounds_;  // histograms only; children point into it
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>, LabelValuesLess> children_;
};

// A sample computed at scrape time.
struct Sample {
  std::vector<std::string> label_values;
  double value = 0.0;
};
using SampleFunction = std::function<std::vector<Sample>()>;

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter_family(std::string name, std::string help, std::vector<std::string> label_names);
  Family<Gauge>& gauge_family(std::string name, std::string help, std::vector<std::string> label_names);
  Family<Histogram>& histogram_family(std::string name, std::string help, std::vector<std::string> label_names,
                                      std::span<const double> bucket_bounds);
  // Unlabelled shorthands.
  Counter& counter(std::string name, std::string help);
  Gauge& gauge(std::string name, std::string help);
  Histogram& histogram(std::string name, std::string help, std::span<const double> bucket_bounds);
  // Counter or gauge whose samples `samples` computes at every scrape (on the scraping
  // thread: it must be quick and must not call back into the registry).
  void add_callback(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
                    SampleFunction samples);

  // The whole registry in the text format, families in registration order, children in
  // label-value order.
  std::string render() const;

 private:
  template <typename FamilyType>
  FamilyType& add(std::unique_ptr<FamilyType> family);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
};

}  // namespace callagent::metrics
