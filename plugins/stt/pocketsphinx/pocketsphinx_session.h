// One call's recognition stream: the SttSession the host talks to.
//
// send_audio() copies each chunk into a bounded queue and returns; the session's own
// thread (SessionWorker) decodes it. finalize() queues a request behind the audio sent
// before it. close() stops the thread and joins it, so no listener call happens after it
// returns; the decoder goes back to the provider's pool on the way out.
//
// Threading: send_audio, finalize and close come from the call's strand, one at a time;
// none of them blocks except close(), which waits for the current chunk (milliseconds) —
// or, rarely, for a decoder still loading (under a second).
// Lifetime: the pool (the provider's), listener and logger outlive the session.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

#include "callagent/plugin_api.h"
#include "decoder_pool.h"
#include "session_worker.h"
#include "work_queue.h"

namespace callagent::plugins::pocketsphinx {

class PocketsphinxSession final : public SttSession {
 public:
  // Audio waiting beyond this is dropped (with one warning): decoding is then so far
  // behind that the agent's answer would come too late anyway.
  static constexpr std::int64_t kMaxQueuedAudioMs = 5000;

  // `decoder` may be null: the worker loads one on its thread. Call start() next.
  PocketsphinxSession(EndpointingSettings settings, DecoderPool& pool,
                      std::unique_ptr<SphinxDecoder> decoder, SttListener& listener, Logger& logger);
  ~PocketsphinxSession() override;
  PocketsphinxSession(const PocketsphinxSession&) = delete;
  PocketsphinxSession& operator=(const PocketsphinxSession&) = delete;

  // Starts the worker thread; on failure the decoder goes back to the pool.
  Status start();

  // Takes pcm16_le at 16 kHz only (the provider's input_format): anything else is
  // invalid_argument. After close: cancelled. When the queue is full: capacity (dropped).
  Status send_audio(const AudioChunk& chunk) noexcept override;
  // Reports the utterance in progress, if any, as final but not speech_final.
  void finalize() noexcept override;
  void close() noexcept override;

  // Tests: waits until everything sent so far was decoded and reported.
  bool wait_until_processed_for_testing(std::chrono::milliseconds timeout);

 private:
  Status queue_chunk(const AudioChunk& chunk);

  Logger& logger_;
  WorkQueue queue_;
  SessionWorker worker_;
  std::thread thread_;  // runs worker_.run() between start() and close()

  // Strand-only state (the strand never runs two of our methods at once).
  bool closed_ = false;
  bool warned_backlog_ = false;
  std::int64_t samples_received_ = 0;
  std::int64_t samples_dropped_ = 0;
};

}  // namespace callagent::plugins::pocketsphinx
