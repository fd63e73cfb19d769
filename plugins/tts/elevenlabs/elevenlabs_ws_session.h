// One call's speech over ElevenLabs' stream-input WebSocket (protocols.md §5.2), chosen
// with "mode": "websocket".
//
// One WebSocket per utterance. Why not one per call: the stream-input socket produces one
// continuous generation and ends it, with the final message and a close, when it gets
// {"text":""}; keeping a socket across utterances would mean never sending that, so the end
// of an utterance could only be guessed, and a cancel would have to drain or discard audio
// still queued for the old text on a socket the next utterance wants. Per utterance, cancel
// is simply "close this socket", and done is the vendor's own isFinal.
//
// Pre-warm: the TCP (and TLS) connection for the next utterance is opened when the session
// starts and whenever the worker is idle, so only the HTTP upgrade is left on the critical
// path. The upgrade itself is not done ahead of time: the server starts its inactivity timer
// (20 s by default) at the upgrade and the socket is bound to one generation, so an idle
// upgraded socket would expire between turns. A connection the server dropped while it
// waited is noticed at the upgrade and replaced once, free of the retry budget.
//
// Per utterance: upgrade (xi-api-key header) → InitializeConnection → each piece as
// SendText (a space appended, try_trigger_generation; the last one with flush) →
// CloseConnection {"text":""} after the end_of_utterance piece. AudioOutput audio is
// base64 μ-law, re-framed into 20 ms chunks whose stream_offset_ms counts from the
// utterance's first byte; alignment becomes word timings on the same timeline. isFinal:
// true → on_utterance_done, and the socket is closed.
//
// Failures (one on_error per utterance, the key never in it): handshake 401/403 →
// unauthenticated; 429, 5xx, refused or timed-out handshakes are retried up to max_retries
// (nothing was sent yet, so no speech can repeat), then on_error. A server message with
// "message"/"error" → on_error with its text and the close code that follows (or after a
// short wait if no close comes). A dropped stream, a close before isFinal, or no message
// for first_audio_timeout_ms once the last text was sent → on_error. The session goes on
// with the next utterance on a new socket.
//
// Threading: synthesize()/cancel() come from the call's strand and only queue or flag
// work. One worker thread owns the socket: it polls it every 10 ms, sends queued pieces in
// between, and makes every listener callback with the session's mutex held after checking
// the utterance is still wanted, so once cancel(id) returns nothing more arrives for it. A
// cancel sends a close frame (1000) within one poll; one during the upgrade aborts it.
// The listener must not call back into the session (the host only queues).
// Lifetime: `listener` and `logger` outlive the session. The destructor aborts the socket
// and joins the worker; no callback runs after it returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include <Poco/Net/Context.h>

#include "alignment_words.h"
#include "callagent/plugin_api.h"
#include "elevenlabs_tts_config.h"
#include "mulaw_framer.h"
#include "stream_input_messages.h"
#include "stream_input_socket.h"

namespace callagent::plugins {

class ElevenLabsStreamInputSession final : public TtsSession {
 public:
  ElevenLabsStreamInputSession(std::shared_ptr<const ElevenLabsTtsConfig> config, Poco::Net::Context::Ptr tls_context,
                               TtsListener& listener, Logger& logger,
                               ProviderMetrics& metrics = no_provider_metrics());
  ~ElevenLabsStreamInputSession() override;
  ElevenLabsStreamInputSession(const ElevenLabsStreamInputSession&) = delete;
  ElevenLabsStreamInputSession& operator=(const ElevenLabsStreamInputSession&) = delete;

  // Pieces of a cancelled, failed or finished utterance are ignored.
  Status synthesize(std::uint64_t utterance_id, std::string_view text, bool end_of_utterance) noexcept override;
  // Drops the utterance's queued pieces and closes its socket; nothing more arrives for it.
  void cancel(std::uint64_t utterance_id) noexcept override;

 private:
  using Clock = std::chrono::steady_clock;

  struct Piece {
    std::uint64_t utterance_id = 0;
    std::string text;
    bool end_of_utterance = false;
  };
  // What the worker knows about the utterance on the socket.
  struct Stream {
    std::uint64_t utterance_id = 0;
    bool end_sent = false;
    bool audio_started = false;
    std::uint64_t audio_bytes = 0;  // decoded so far: where the next chunk starts
    Clock::time_point last_activity;  // the last text sent or message received
    std::optional<std::string> server_error;
    Clock::time_point server_error_deadline;
  };
  enum class Step { go_on, finished };

  void run_worker() noexcept;
  void prewarm() noexcept;
  void run_utterance(std::uint64_t utterance_id);
  Status open_socket(std::uint64_t utterance_id);
  Step stream_step(Stream& stream);
  void send_pending(Stream& stream);
  Step read_frame(Stream& stream);
  Step handle_message(Stream& stream, std::string_view text);
  Step finish_utterance(Stream& stream);
  // After a socket failure: reads what the vendor sent before it went; true if that held an
  // error message, which was then reported.
  bool salvage_server_error(Stream& stream);
  void fail(const Stream& stream, const Status& error);
  std::optional<Piece> take_piece(std::uint64_t utterance_id);
  void send_text(std::string_view text);

  bool deliver_audio(std::uint64_t utterance_id, const std::uint8_t* data, std::size_t size_bytes);
  void deliver_words(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words);
  void deliver_done(std::uint64_t utterance_id);
  void deliver_error(std::uint64_t utterance_id, const Status& error);
  bool wanted(std::uint64_t utterance_id);
  bool wanted_locked(std::uint64_t utterance_id) const;  // expects mutex_ held
  // Sleeps up to `pause`; false if the utterance stopped being wanted meanwhile.
  bool pause_unless_unwanted(std::uint64_t utterance_id, std::chrono::milliseconds pause);

  const std::shared_ptr<const ElevenLabsTtsConfig> config_;
  const std::string target_;
  TtsListener& listener_;
  Logger& logger_;
  ProviderMetrics& metrics_;  // the provider's; outlives the session
  StreamInputSocket socket_;  // the worker's; abort() also from cancel and the destructor
  MulawFramer framer_;        // worker only
  AlignmentWords words_;      // worker only
  std::size_t malformed_messages_ = 0;  // worker only

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::deque<Piece> queue_;
  std::set<std::uint64_t> closed_ids_;  // cancelled, failed or done
  std::uint64_t upgrading_id_ = 0;      // the utterance whose handshake is in progress, 0: none
  std::uint64_t sent_audio_bytes_ = 0;  // of the utterance on the socket, as delivered
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace callagent::plugins
