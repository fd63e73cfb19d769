#include "host/telephony/message_rate_limit.h"

#include <algorithm>

namespace callagent::telephony {

MessageRateLimit::MessageRateLimit(double per_second, std::size_t burst)
    : per_second_(per_second), burst_(static_cast<double>(std::max<std::size_t>(burst, 1))), tokens_(burst_) {}

bool MessageRateLimit::allow(host::TimePoint now) noexcept {
  if (started_ && now > last_) {
    const double elapsed_s = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed_s * per_second_);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace callagent::telephony
