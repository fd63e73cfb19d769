// Turns SIGINT/SIGTERM into an ordinary wait on the main thread.
//
// block_termination_signals() must run in main() before any thread starts, so every
// thread inherits the blocked mask and the signals are delivered only to sigwait().
#pragma once

namespace callagent::host {

void block_termination_signals();
// Blocks until SIGINT or SIGTERM arrives; returns the signal number.
int wait_for_termination_signal();

}  // namespace callagent::host
