#include "outage_tracker.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace callagent::plugins::redis {
namespace {

std::string milliseconds_text(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

std::string seconds_text(std::chrono::steady_clock::duration duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f s", seconds);
  return text;
}

}  // namespace

OutageTracker::OutageTracker(std::string endpoint, std::chrono::milliseconds backoff_initial,
                             std::chrono::milliseconds backoff_max, Logger& logger, NowFunction now)
    : endpoint_(std::move(endpoint)),
      backoff_initial_(backoff_initial),
      backoff_max_(std::max(backoff_max, backoff_initial)),
      logger_(logger),
      now_(now ? std::move(now) : NowFunction([] { return std::chrono::steady_clock::now(); })),
      backoff_(backoff_initial) {}

Status OutageTracker::refusal_locked(TimePoint now) const {
  std::string retry;
  if (probing_ || now >= retry_at_) {
    retry = "retrying now";
  } else {
    // Rounded up, so "retrying in 0 ms" never appears while still waiting.
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(retry_at_ - now);
    retry = "retrying in " + milliseconds_text(left);
  }
  return Status(ErrorCode::unavailable,
                "redis at " + endpoint_ + " is unreachable: " + reason_ + "; " + retry);
}

OutageTracker::Admission OutageTracker::admit() {
  std::lock_guard lock(mutex_);
  if (!in_outage_) return {};
  const TimePoint now = now_();
  if (!probing_ && now >= retry_at_) {
    probing_ = true;
    return {Status::ok(), true};
  }
  ++failures_this_outage_;
  ++failures_total_;
  return {refusal_locked(now), false};
}

Status OutageTracker::connect_failed(std::string_view reason, bool probe) {
  std::lock_guard lock(mutex_);
  const TimePoint now = now_();
  reason_ = std::string(reason);
  ++failures_total_;
  if (!in_outage_) {
    in_outage_ = true;
    probing_ = false;
    outage_started_ = now;
    backoff_ = backoff_initial_;
    retry_at_ = now + backoff_;
    failures_this_outage_ = 1;
    const std::string schedule = "retrying after " + milliseconds_text(backoff_initial_) +
                                 ", backing off up to " + milliseconds_text(backoff_max_);
    if (starting_up_) {
      logger_.warn("redis at " + endpoint_ + " is unreachable at start-up: " + reason_ +
                   "; starting anyway, state operations fail until it is reachable (" + schedule + ")");
    } else {
      logger_.error("redis at " + endpoint_ + " is unreachable: " + reason_ +
                    "; state operations fail fast until it is back (" + schedule + ")");
    }
  } else {
    ++failures_this_outage_;
    if (probe) {
      probing_ = false;
      backoff_ = std::min(backoff_ * 2, backoff_max_);
      retry_at_ = now + backoff_;
    }
  }
  return refusal_locked(now);
}

void OutageTracker::connect_succeeded() {
  std::lock_guard lock(mutex_);
  if (!in_outage_) return;
  const auto lasted = now_() - outage_started_;
  logger_.info("redis at " + endpoint_ + " reachable again after " + seconds_text(lasted) + ", " +
               std::to_string(failures_this_outage_) + " operations failed meanwhile");
  in_outage_ = false;
  probing_ = false;
  backoff_ = backoff_initial_;
  failures_this_outage_ = 0;
}

void OutageTracker::probe_abandoned() {
  std::lock_guard lock(mutex_);
  probing_ = false;
}

void OutageTracker::finish_start_up() {
  std::lock_guard lock(mutex_);
  starting_up_ = false;
}

bool OutageTracker::in_outage() const {
  std::lock_guard lock(mutex_);
  return in_outage_;
}

std::uint64_t OutageTracker::outage_failures() const {
  std::lock_guard lock(mutex_);
  return failures_total_;
}

}  // namespace callagent::plugins::redis
