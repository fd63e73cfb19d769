#include "wakeup_signal.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace callagent::plugins::deepgram {

WakeupSignal::WakeupSignal() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

WakeupSignal::~WakeupSignal() { ::close(fd_); }

void WakeupSignal::signal() noexcept {
  const std::uint64_t one = 1;
  // Fails only when the counter would overflow (2^64 - 2 signals not cleared): it is
  // readable then anyway, which is all a signal has to achieve.
  [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
}

void WakeupSignal::clear() noexcept {
  std::uint64_t count = 0;
  // One read resets the counter; EAGAIN when nothing was signalled.
  [[maybe_unused]] const auto read = ::read(fd_, &count, sizeof count);
}

}  // namespace callagent::plugins::deepgram
