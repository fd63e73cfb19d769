#include "host/telephony/call_capacity.h"

namespace callagent::telephony {

CallCapacity::CallCapacity(std::size_t max_calls, const host::TimeSource& time,
                           std::chrono::seconds reservation_lifetime)
    : max_calls_(max_calls), time_(time), reservation_lifetime_(reservation_lifetime) {}

void CallCapacity::drop_lapsed_reservations(host::TimePoint now) {
  std::erase_if(reservations_, [now](const auto& entry) { return entry.second <= now; });
}

bool CallCapacity::reserve(const std::string& conversation_id) {
  std::lock_guard lock(mutex_);
  if (closed_) return false;
  const auto now = time_.now();
  drop_lapsed_reservations(now);
  if (live_calls_ + reservations_.size() >= max_calls_) return false;
  reservations_[conversation_id] = now + reservation_lifetime_;
  return true;
}

bool CallCapacity::attach(const std::string& conversation_id) {
  std::lock_guard lock(mutex_);
  if (reservations_.erase(conversation_id) > 0) {
    ++live_calls_;
    return true;
  }
  if (closed_) return false;
  drop_lapsed_reservations(time_.now());
  if (live_calls_ + reservations_.size() >= max_calls_) return false;
  ++live_calls_;
  return true;
}

void CallCapacity::release() {
  std::lock_guard lock(mutex_);
  if (live_calls_ > 0) --live_calls_;
}

std::size_t CallCapacity::live_calls() const {
  std::lock_guard lock(mutex_);
  return live_calls_;
}

std::size_t CallCapacity::reserved_calls() const {
  std::lock_guard lock(mutex_);
  return reservations_.size();
}

void CallCapacity::close_for_new_calls() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

bool CallCapacity::closed_for_new_calls() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace callagent::telephony
