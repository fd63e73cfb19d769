#include "host/metrics/registry.h"

#include <algorithm>
#include <stdexcept>

#include "host/metrics/exposition.h"

namespace callagent::metrics {
namespace {

bool is_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t index = 0; index < name.size(); ++index) {
    const char c = name[index];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && index > 0)) return false;
  }
  return true;
}

bool is_label_name(std::string_view name) {
  return is_metric_name(name) && name.find(':') == std::string_view::npos && !name.starts_with("__");
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::gauge: return "gauge";
    case MetricType::histogram: return "histogram";
  }
  return "untyped";
}

template <typename Left, typename Right>
bool less_values(std::span<Left> left, std::span<Right> right) {
  return std::lexicographical_compare(left.begin(), left.end(), right.begin(), right.end(),
                                      [](std::string_view a, std::string_view b) { return a < b; });
}

// A family whose samples a callback computes at scrape time.
class CallbackFamily final : public FamilyBase {
 public:
  CallbackFamily(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
                 SampleFunction samples)
      : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)), samples_(std::move(samples)) {}

 private:
  void render_samples(std::string& out) const override {
    for (const Sample& sample : samples_()) {
      out += name_;
      append_labels(out, label_names_, sample.label_values);
      out += ' ';
      append_number(out, sample.value);
      out += '\n';
    }
  }

  SampleFunction samples_;
};

}  // namespace

bool LabelValuesLess::operator()(std::span<const std::string> left, std::span<const std::string> right) const {
  return less_values(left, right);
}
bool LabelValuesLess::operator()(std::span<const std::string> left, std::span<const std::string_view> right) const {
  return less_values(left, right);
}
bool LabelValuesLess::operator()(std::span<const std::string_view> left, std::span<const std::string> right) const {
  return less_values(left, right);
}

FamilyBase::FamilyBase(std::string name, std::string help, MetricType type, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), type_(type), label_names_(std::move(label_names)) {
  if (!is_metric_name(name_)) throw std::invalid_argument("invalid metric name \"" + name_ + "\"");
  for (const auto& label : label_names_) {
    if (!is_label_name(label) || (type_ == MetricType::histogram && label == "le")) {
      throw std::invalid_argument("invalid label name \"" + label + "\" on " + name_);
    }
  }
}

void FamilyBase::render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped_help(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  render_samples(out);
}

template <typename Metric>
Family<Metric>::Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
                       std::vector<double> bucket_bounds)
    : FamilyBase(std::move(name), std::move(help), type, std::move(label_names)),
      bucket_bounds_(std::move(bucket_bounds)) {
  if (!std::is_sorted(bucket_bounds_.begin(), bucket_bounds_.end()) ||
      std::adjacent_find(bucket_bounds_.begin(), bucket_bounds_.end()) != bucket_bounds_.end()) {
    throw std::invalid_argument("bucket bounds of " + name_ + " must be strictly ascending");
  }
}

template <typename Metric>
Metric* Family<Metric>::find(std::span<const std::string_view> values) const {
  std::shared_lock lock(mutex_);
  const auto found = children_.find(values);
  return found == children_.end() ? nullptr : found->second.get();
}

template <typename Metric>
Metric& Family<Metric>::labels(std::span<const std::string_view> values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(name_ + " takes " + std::to_string(label_names_.size()) + " label values");
  }
  if (Metric* existing = find(values)) return *existing;
  std::unique_lock lock(mutex_);
  auto found = children_.find(values);
  if (found == children_.end()) {
    std::unique_ptr<Metric> child;
    if constexpr (std::is_same_v<Metric, Histogram>) {
      child = std::make_unique<Histogram>(bucket_bounds_);
    } else {
      child = std::make_unique<Metric>();
    }
    found = children_.emplace(std::vector<std::string>(values.begin(), values.end()), std::move(child)).first;
  }
  return *found->second;
}

template <typename Metric>
std::size_t Family<Metric>::size() const {
  std::shared_lock lock(mutex_);
  return children_.size();
}

template <typename Metric>
void Family<Metric>::render_samples(std::string& out) const {
  std::shared_lock lock(mutex_);
  for (const auto& [values, child] : children_) {
    if constexpr (std::is_same_v<Metric, Histogram>) {
      const Histogram::Snapshot snapshot = child->snapshot();
      std::string bound;
      for (std::size_t bucket = 0; bucket < snapshot.cumulative_counts.size(); ++bucket) {
        bound.clear();
        if (bucket < bucket_bounds_.size()) {
          append_number(bound, bucket_bounds_[bucket]);
        } else {
          bound = "+Inf";
        }
        out += name_;
        out += "_bucket";
        append_labels(out, label_names_, values, "le", bound);
        out += ' ';
        append_number(out, snapshot.cumulative_counts[bucket]);
        out += '\n';
      }
      out += name_;
      out += "_sum";
      append_labels(out, label_names_, values);
      out += ' ';
      append_number(out, snapshot.sum);
      out += '\n';
      out += name_;
      out += "_count";
      append_labels(out, label_names_, values);
      out += ' ';
      append_number(out, snapshot.cumulative_counts.back());
      out += '\n';
    } else {
      out += name_;
      append_labels(out, label_names_, values);
      out += ' ';
      append_number(out, child->value());
      out += '\n';
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <typename FamilyType>
FamilyType& Registry::add(std::unique_ptr<FamilyType> family) {
  std::lock_guard lock(mutex_);
  for (const auto& existing : families_) {
    if (existing->name() == family->name()) {
      throw std::invalid_argument("metric " + family->name() + " is registered twice");
    }
  }
  FamilyType& added = *family;
  families_.push_back(std::move(family));
  return added;
}

Family<Counter>& Registry::counter_family(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Family<Counter>>(std::move(name), std::move(help), MetricType::counter,
                                               std::move(label_names)));
}

Family<Gauge>& Registry::gauge_family(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Family<Gauge>>(std::move(name), std::move(help), MetricType::gauge,
                                             std::move(label_names)));
}

Family<Histogram>& Registry::histogram_family(std::string name, std::string help,
                                              std::vector<std::string> label_names,
                                              std::span<const double> bucket_bounds) {
  return add(std::make_unique<Family<Histogram>>(std::move(name), std::move(help), MetricType::histogram,
                                                 std::move(label_names),
                                                 std::vector<double>(bucket_bounds.begin(), bucket_bounds.end())));
}

Counter& Registry::counter(std::string name, std::string help) {
  return counter_family(std::move(name), std::move(help), {}).labels({});
}

Gauge& Registry::gauge(std::string name, std::string help) {
  return gauge_family(std::move(name), std::move(help), {}).labels({});
}

Histogram& Registry::histogram(std::string name, std::string help, std::span<const double> bucket_bounds) {
  return histogram_family(std::move(name), std::move(help), {}, bucket_bounds).labels({});
}

void Registry::add_callback(std::string name, std::string help, MetricType type,
                            std::vector<std::string> label_names, SampleFunction samples) {
  if (type == MetricType::histogram) throw std::invalid_argument("callback histograms are not supported");
  add(std::make_unique<CallbackFamily>(std::move(name), std::move(help), type, std::move(label_names),
                                       std::move(samples)));
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace callagent::metrics
