// One call's Deepgram stream. The call's strand hands over audio and control requests;
// the StreamWorker's thread connects, reads and reconnects, and caller audio is written
// to the live socket from the strand's thread when that never waits (stream_worker.h).
//
// Threading: methods come from the call's strand, one at a time, and never block longer
// than close()'s bounded drain. Lifetime: close() (or the destructor) stops every
// callback before it returns; the thread is joined, or, when it is stuck in a blocking
// connect, left to finish on its own with the gate shut (it owns its state).
#pragma once

#include <memory>
#include <thread>

#include "deepgram_config.h"
#include "listen_url.h"
#include "stream_worker.h"

namespace callagent::plugins::deepgram {

class DeepgramSession final : public SttSession {
 public:
  // Starts the I/O thread, which connects; returns at once.
  DeepgramSession(DeepgramConfig config, Endpoint endpoint, SttListener& listener, Logger& logger,
                  ProviderMetrics& metrics);
  ~DeepgramSession() override;
  DeepgramSession(const DeepgramSession&) = delete;
  DeepgramSession& operator=(const DeepgramSession&) = delete;

  Status send_audio(const AudioChunk& chunk) noexcept override;
  void finalize() noexcept override;
  void close() noexcept override;

  // Server messages that were not valid JSON or not a usable Results (tests, metrics).
  std::size_t malformed_messages() const noexcept { return worker_->malformed_messages(); }

 private:
  std::shared_ptr<StreamWorker> worker_;
  std::thread thread_;
  bool closed_ = false;
  bool warned_overflow_ = false;
};

}  // namespace callagent::plugins::deepgram
