#include "host/app/signal_waiter.h"

#include <csignal>
#include <pthread.h>

namespace callagent::host {
namespace {

sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void block_termination_signals() {
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer closing a socket must not kill the process; writes report EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
}

int wait_for_termination_signal() {
  const sigset_t signals = termination_signals();
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return received;
}

}  // namespace callagent::host
