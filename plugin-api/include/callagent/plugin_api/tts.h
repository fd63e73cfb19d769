// Text-to-speech: TtsProvider (config-scoped) → TtsSession (per call) → TtsListener (host).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api/audio.h"
#include "callagent/plugin_api/call_info.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

struct TtsWordTiming {
  std::string text;
  std::int64_t start_ms = 0;  // from the start of the utterance's audio
  std::int64_t end_ms = 0;
};

// Implemented by the host. Called from the plugin's threads; every method returns quickly.
// The host may react inside the callback, on the plugin's thread, when the call is idle
// (no thread hand-off between a vendor's answer and the next request); it never calls this
// same session from there, and never blocks. So a plugin may hold its own session lock
// while it calls the listener, but must not hold a lock another plugin's thread waits on.
// Callbacks for a cancelled utterance may still arrive briefly; the host drops them.
// None arrive after the TtsSession is destroyed.
class TtsListener {
 public:
  virtual ~TtsListener() = default;
  // Audio in TtsProvider::output_format(), in order. The bytes are valid during the call.
  virtual void on_audio(std::uint64_t utterance_id, const AudioChunk& chunk) noexcept = 0;
  // Word timings for audio already or about to be delivered (optional for providers);
  // lets the host cut the transcript at exactly what the caller heard.
  virtual void on_word_timings(std::uint64_t utterance_id,
                               const std::vector<TtsWordTiming>& words) noexcept = 0;
  // All audio for the utterance has been delivered (after end_of_utterance was given).
  virtual void on_utterance_done(std::uint64_t utterance_id) noexcept = 0;
  virtual void on_error(std::uint64_t utterance_id, const Status& error) noexcept = 0;
};

// Speech for one call. Methods are called from the call's strand and must not block.
class TtsSession {
 public:
  virtual ~TtsSession() = default;
  // Adds text to an utterance. The host sends text as the LLM produces it, cut at clause
  // or sentence boundaries; a streaming-input provider forwards it at once, a per-request
  // provider synthesises each piece as it comes. end_of_utterance marks the last piece
  // (text may then be empty). Audio for pieces must be delivered in order.
  virtual Status synthesize(std::uint64_t utterance_id, std::string_view text,
                            bool end_of_utterance) noexcept = 0;
  // Stops the utterance's work and audio as soon as possible.
  virtual void cancel(std::uint64_t utterance_id) noexcept = 0;
};

class TtsProvider : public Provider {
 public:
  virtual AudioFormat output_format() const noexcept = 0;
  // An identifier of the voice and its settings, so the host can cache audio (the
  // greeting) per voice and text. Same settings, same string.
  virtual std::string voice_key() const = 0;
  // `listener` outlives the session. Thread-safe.
  virtual Result<std::unique_ptr<TtsSession>> open_session(const SessionContext& context,
                                                           TtsListener& listener) noexcept = 0;
};

}  // namespace callagent
