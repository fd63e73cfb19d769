// Speech-to-text: SttProvider (config-scoped) → SttSession (per call) → SttListener (host).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "callagent/plugin_api/audio.h"
#include "callagent/plugin_api/call_info.h"
#include "callagent/plugin_api/provider.h"
#include "callagent/plugin_api/status.h"

namespace callagent {

struct SttWord {
  std::string text;
  std::int64_t start_ms = 0;  // on the caller's audio timeline (AudioChunk::stream_offset_ms)
  std::int64_t end_ms = 0;
  float confidence = 0.0F;
};

struct SttResult {
  std::string transcript;      // may be empty (silence)
  float confidence = 0.0F;     // 0..1
  // false: an interim hypothesis that later results replace;
  // true: this stretch of audio is settled and will not be reported again.
  bool is_final = false;
  // The provider's endpointing decided the speaker finished (Deepgram `speech_final`).
  // Implies is_final.
  bool speech_final = false;
  std::int64_t start_ms = 0;   // the audio this result covers, on the caller's timeline
  std::int64_t duration_ms = 0;
  std::vector<SttWord> words;  // may be empty when the provider gives no word timing
};

// Implemented by the host. Called from the plugin's own threads; every method returns
// quickly.
// The host may react inside the callback, on the plugin's thread, when the call is idle
// (no thread hand-off between a vendor's answer and the next request); it never calls this
// same session from there, and never blocks. So a plugin may hold its own session lock
// while it calls the listener, but must not hold a lock another plugin's thread waits on.
// The plugin must not call the listener after SttSession::close() has returned.
class SttListener {
 public:
  virtual ~SttListener() = default;
  virtual void on_result(const SttResult& result) noexcept = 0;
  // Voice activity began (Deepgram `SpeechStarted`). Optional for providers.
  virtual void on_speech_started(std::int64_t stream_offset_ms) noexcept = 0;
  // The utterance ended after a gap in words (Deepgram `UtteranceEnd`), even if no
  // result carried speech_final.
  virtual void on_utterance_end(std::int64_t last_word_end_ms) noexcept = 0;
  // Something failed. `recoverable` true: the session keeps working (e.g. it
  // reconnected); false: the session is dead and the host should apologise or end.
  virtual void on_error(const Status& error, bool recoverable) noexcept = 0;
};

// One recognition stream for one call. Methods are called from the call's strand
// (one thread at a time) and must not block: queue the work and return.
// Destroying the session closes it if close() was not called.
class SttSession {
 public:
  virtual ~SttSession() = default;
  // Caller audio in the format of SttProvider::input_format() (the host converts).
  // Chunks arrive in order, usually 20 ms each. The bytes are only valid during the call.
  virtual Status send_audio(const AudioChunk& chunk) noexcept = 0;
  // Asks the provider to flush what it has heard as final results now (Deepgram
  // `Finalize`); used when the host knows the turn ended. May be a no-op.
  virtual void finalize() noexcept = 0;
  // Ends the stream (Deepgram `CloseStream`) and stops all callbacks before returning.
  virtual void close() noexcept = 0;
};

class SttProvider : public Provider {
 public:
  // The audio the sessions want; the host converts μ-law 8 kHz to it when it differs.
  virtual AudioFormat input_format() const noexcept = 0;
  // Opens a stream at the start of a call (connections are made here, not at the first
  // word). `listener` outlives the session. Thread-safe.
  virtual Result<std::unique_ptr<SttSession>> open_session(const SessionContext& context,
                                                           SttListener& listener) noexcept = 0;
};

}  // namespace callagent
