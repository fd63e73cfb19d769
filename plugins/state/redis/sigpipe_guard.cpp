#include "sigpipe_guard.h"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace callagent::plugins::redis {
namespace {

bool sigpipe_pending() noexcept {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

}  // namespace

SigpipeGuard::SigpipeGuard() noexcept {
  was_pending_ = sigpipe_pending();
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGPIPE);
  active_ = pthread_sigmask(SIG_BLOCK, &block, &previous_mask_) == 0;
}

SigpipeGuard::~SigpipeGuard() {
  if (!active_) return;
  if (!was_pending_ && sigpipe_pending()) {
    sigset_t only_sigpipe;
    sigemptyset(&only_sigpipe);
    sigaddset(&only_sigpipe, SIGPIPE);
    const timespec no_wait{0, 0};
    const int saved_errno = errno;
    while (sigtimedwait(&only_sigpipe, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
    errno = saved_errno;
  }
  pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

}  // namespace callagent::plugins::redis
