// One call's speech over ElevenLabs' HTTP streaming endpoint (protocols.md §5.1).
//
// Each synthesize() piece becomes one POST …/stream request on the session's worker thread,
// in order. The response's raw μ-law bytes are passed on as they arrive, cut into 20 ms
// (160-byte) chunks whose stream_offset_ms counts from the start of the utterance across all
// of its pieces. After the last piece of an end_of_utterance utterance: on_utterance_done.
// The worker keeps one keep-alive connection and opens it as soon as the session starts and
// again whenever it is idle without one, so a request rarely waits for a handshake.
//
// Failures: 401/403 → unauthenticated, 422 → invalid_argument, no retry. 429, 5xx and
// connection failures are retried up to max_retries times, but only before the first audio
// byte (after it, a retry would repeat speech); then on_error. No answer within
// first_audio_timeout_ms → timeout. The stream cut after audio began → vendor_error. A failed
// utterance's later pieces are ignored; the session goes on with the next utterance.
//
// Threading: synthesize()/cancel() come from the call's strand and only queue or flag work.
// The worker makes every listener callback with the session's mutex held, after checking
// the utterance is still wanted, so once cancel(id) returns nothing more arrives for it.
// cancel() also shuts the socket of an in-flight request down so the worker stops at once.
// The listener must not call back into the session (the host only queues).
// Lifetime: `listener` and `logger` outlive the session. The destructor stops the worker and
// joins it (at most a connect in progress, bounded by connect_timeout_ms); no callback runs
// after it returns. The API key is never logged.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include <Poco/Net/Context.h>

#include "callagent/plugin_api.h"
#include "elevenlabs_tts_config.h"
#include "http_connection.h"
#include "mulaw_framer.h"

namespace callagent::plugins {

class ElevenLabsTtsSession final : public TtsSession {
 public:
  ElevenLabsTtsSession(std::shared_ptr<const ElevenLabsTtsConfig> config, Poco::Net::Context::Ptr tls_context,
                       TtsListener& listener, Logger& logger,
                       ProviderMetrics& metrics = no_provider_metrics());
  ~ElevenLabsTtsSession() override;
  ElevenLabsTtsSession(const ElevenLabsTtsSession&) = delete;
  ElevenLabsTtsSession& operator=(const ElevenLabsTtsSession&) = delete;

  // Empty text with end_of_utterance only marks the end. Pieces of a cancelled or failed
  // utterance are ignored.
  Status synthesize(std::uint64_t utterance_id, std::string_view text, bool end_of_utterance) noexcept override;
  // Drops the utterance's queued pieces, aborts its request in flight; no done follows.
  void cancel(std::uint64_t utterance_id) noexcept override;

 private:
  struct Piece {
    std::uint64_t utterance_id = 0;
    std::string text;
    bool end_of_utterance = false;
  };
  // The result of one request.
  struct Attempt {
    Status status;
    bool retryable = false;
    bool audio_started = false;
    bool stale_connection = false;  // a reused connection the server had already closed
  };

  void run_worker() noexcept;
  void prewarm() noexcept;
  void process(const Piece& piece);
  Status synthesize_with_retries(const Piece& piece);
  Attempt stream_once(const Piece& piece);
  // Sends one frame if the utterance is still wanted; false otherwise.
  bool deliver_audio(std::uint64_t utterance_id, const std::uint8_t* data, std::size_t size_bytes);
  void deliver_done(std::uint64_t utterance_id);
  void deliver_error(std::uint64_t utterance_id, const Status& error);
  bool wanted(std::uint64_t utterance_id);
  // Expects mutex_ held.
  bool wanted_locked(std::uint64_t utterance_id) const;

  const std::shared_ptr<const ElevenLabsTtsConfig> config_;
  TtsListener& listener_;
  Logger& logger_;
  ProviderMetrics& metrics_;  // the provider's; outlives the session
  HttpConnection connection_;  // used by the worker; abort() by cancel and the destructor
  MulawFramer framer_;         // worker only

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::deque<Piece> queue_;
  std::map<std::uint64_t, std::uint64_t> audio_sent_bytes_;  // utterances under way
  std::set<std::uint64_t> closed_ids_;                       // cancelled, failed or done
  std::uint64_t in_flight_id_ = 0;                           // the request on the wire, 0: none
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace callagent::plugins
