// One call's speech: a queue of text pieces, spoken in order by one worker thread.
//
// synthesize() and cancel() only queue or flag work and return. The worker cleans each
// piece's text, synthesises it in short spans (Flite holds a process-wide lock while it
// synthesises, see flite_synthesizer.h), and for each span sends the word timings first, then
// the audio in 20 ms chunks of 16-bit PCM at the voice's own rate (the host converts it to
// μ-law 8 kHz). Times and stream offsets count from the start of the utterance, across all
// of its pieces. After the piece marked end_of_utterance: on_utterance_done.
//
// Threading: synthesize()/cancel() come from the call's strand. The worker makes every
// listener callback with the session's mutex held and checks for a cancel before each one,
// so once cancel(id) returns nothing more arrives for that utterance; between two chunks the
// mutex is released so a cancel takes effect at once. The listener must not call back into
// the session from a callback (the host never does: it only queues).
// Lifetime: `synthesizer`, `listener` and `logger` outlive the session. The destructor stops
// the worker and joins it (waiting at most for the synthesis in progress, tens of ms), so no
// callback runs after it returns.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "callagent/plugin_api.h"
#include "speech_synthesizer.h"

namespace callagent::plugins {

class FliteTtsSession final : public TtsSession {
 public:
  // Characters per synthesis: about 20 s of speech, which Flite makes in about 0.3 s. The
  // host sends sentences, which are shorter; this only bounds a runaway piece's hold on the
  // process-wide Flite lock and the wait before a cancel or the destructor takes effect.
  static constexpr std::size_t kMaxSpanChars = 300;

  FliteTtsSession(const SpeechSynthesizer& synthesizer, TtsListener& listener, Logger& logger);
  ~FliteTtsSession() override;
  FliteTtsSession(const FliteTtsSession&) = delete;
  FliteTtsSession& operator=(const FliteTtsSession&) = delete;

  // Empty text with end_of_utterance only marks the end: done follows the earlier pieces.
  // Pieces for a cancelled or failed utterance are ignored.
  Status synthesize(std::uint64_t utterance_id, std::string_view text,
                    bool end_of_utterance) noexcept override;
  // Drops the utterance's queued pieces and stops its audio before the next chunk; no done
  // follows. The id stays cancelled for the life of the session (one per barge-in).
  void cancel(std::uint64_t utterance_id) noexcept override;

 private:
  struct Piece {
    std::uint64_t utterance_id = 0;
    std::string text;
    bool end_of_utterance = false;
  };

  void run_worker() noexcept;
  void speak(const Piece& piece);
  // False when the utterance was cancelled or failed or the session is stopping.
  bool speak_span(std::uint64_t utterance_id, std::string_view span);
  void report_failure(std::uint64_t utterance_id, const Status& error) noexcept;
  // These expect mutex_ held.
  bool wanted_locked(std::uint64_t utterance_id) const;
  void fail_locked(std::uint64_t utterance_id, const Status& error);

  const SpeechSynthesizer& synthesizer_;
  TtsListener& listener_;
  Logger& logger_;
  const std::uint32_t sample_rate_hz_;
  const std::size_t frame_samples_;

  std::mutex mutex_;
  std::condition_variable wake_;
  // All guarded by mutex_.
  std::deque<Piece> queue_;
  std::map<std::uint64_t, std::int64_t> audio_sent_ms_;  // utterances under way: audio so far
  std::set<std::uint64_t> closed_ids_;                   // cancelled or failed utterances
  bool stopping_ = false;

  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace callagent::plugins
