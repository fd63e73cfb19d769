// fake_tts: a text-to-speech plugin for integration tests that "speaks" tones (see
// tone_speech.h), with a realistic first-audio delay and, optionally, real-time pacing.
//
// Config (every key optional, unknown keys refused):
//   {"first_audio_delay_ms": 30,   from the first piece of an utterance to its first audio
//    "ms_per_character": 50,       speech length per character of text
//    "realtime": false}            true: pace chunks at 20 ms of audio per 20 ms of wall time;
//                                  false: send each piece's audio at once
// Output: μ-law 8 kHz in 20 ms chunks (160 bytes); voice_key "fake_tts:<ms_per_character>".
#pragma once

#include <chrono>
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

#include "callagent/plugin_api.h"

namespace callagent::fake_plugins {

struct FakeTtsConfig {
  std::int64_t first_audio_delay_ms = 30;
  std::int64_t ms_per_character = 50;
  bool realtime = false;
};

// Parses the config subtree; errors are invalid_config and name the key.
Result<FakeTtsConfig> parse_fake_tts_config(std::string_view config_json);

// One call's speech. synthesize() queues a piece; one worker thread per session plays the
// queue in order, so pieces of an utterance come out in the order they went in.
//
// Threading: synthesize()/cancel() come from the call's strand and only queue or flag work;
// the worker makes every listener callback, holding the session's mutex while it does, so
// once cancel(id) returns nothing more arrives for that utterance. The listener must not
// call back into the session from a callback (the host never does; it only queues).
// Lifetime: `listener` and `logger` outlive the session. The destructor stops and joins the
// worker, so no callback runs after it returns.
class AutonomousTtsSession final : public TtsSession {
 public:
  AutonomousTtsSession(FakeTtsConfig config, TtsListener& listener, Logger& logger);
  ~AutonomousTtsSession() override;
  AutonomousTtsSession(const AutonomousTtsSession&) = delete;
  AutonomousTtsSession& operator=(const AutonomousTtsSession&) = delete;

  // Pieces for a cancelled utterance are ignored.
  Status synthesize(std::uint64_t utterance_id, std::string_view text,
                    bool end_of_utterance) noexcept override;
  // Drops the utterance's queued pieces and stops the one playing, between two chunks.
  void cancel(std::uint64_t utterance_id) noexcept override;

 private:
  using Clock = std::chrono::steady_clock;

  struct Piece {
    std::uint64_t utterance_id = 0;
    std::string text;
    bool end_of_utterance = false;
    Clock::time_point received_at;
  };
  // How far an utterance has got; kept between its pieces.
  struct Progress {
    bool audio_started = false;
    std::int64_t audio_sent_ms = 0;      // also the next chunk's stream_offset_ms
    std::size_t words_spoken = 0;
    Clock::time_point next_chunk_due;    // realtime pacing
  };

  void run_worker();
  void play(std::unique_lock<std::mutex>& lock, const Piece& piece);
  // Waits until `due`; true when the utterance was cancelled or the session is stopping.
  bool interrupted_while_waiting(std::unique_lock<std::mutex>& lock, Clock::time_point due,
                                 std::uint64_t utterance_id);

  const FakeTtsConfig config_;
  TtsListener& listener_;
  Logger& logger_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::deque<Piece> queue_;
  std::map<std::uint64_t, Progress> progress_;   // utterances started and not yet done
  std::set<std::uint64_t> cancelled_ids_;        // one id per barge-in: stays small
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

// Thread-safe: its only state is the immutable config.
class AutonomousTtsProvider final : public TtsProvider {
 public:
  static Status validate_config(std::string_view config_json);
  static Result<std::unique_ptr<AutonomousTtsProvider>> create(const ProviderContext& context);

  explicit AutonomousTtsProvider(FakeTtsConfig config);

  AudioFormat output_format() const noexcept override;
  std::string voice_key() const override;
  Result<std::unique_ptr<TtsSession>> open_session(const SessionContext& context,
                                                   TtsListener& listener) noexcept override;

 private:
  const FakeTtsConfig config_;
};

}  // namespace callagent::fake_plugins
