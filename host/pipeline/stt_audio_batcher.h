// Forwards the caller's audio to the call's STT session in batches, except the audio a
// decision waits on.
//
// Why: every chunk handed to the session becomes one vendor message (for Deepgram a
// WebSocket frame: a syscall, a TCP segment and a wake-up at each end). Twilio delivers
// 20 ms frames, 50 a second per call, and most of them nothing waits on: the silence
// while the caller listens to the agent, the middle of an utterance. Those go out up to
// `batch_ms` at a time (Deepgram asks for 20–250 ms per message). The chunks a decision
// waits on go out at once, together with whatever was held before them
// (must_reach_stt_at_once() says which), so the end of a caller's turn is never later
// than with 20 ms chunks.
//
// Chunks keep the caller's timeline: a batch starts at its first chunk's offset, and a
// chunk that does not follow the held audio (a gap on the stream) sends the held audio
// first.
//
// Threading: the call's strand only. Ownership: owns the held audio; the session is
// borrowed for each call and must outlive it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "callagent/plugin_api/audio.h"
#include "callagent/plugin_api/status.h"
#include "callagent/plugin_api/stt.h"

namespace callagent::pipeline {

// The caller's side of the call at one chunk, as the VAD and the turn-taking see it.
struct CallerAudioMoment {
  bool loud = false;                  // the VAD heard sound in this chunk
  bool turn_has_sound = false;        // the caller's open turn has sound or speech in it
  std::int64_t ms_since_sound = 0;    // audio since the last loud chunk ended
  bool agent_interruptible = false;   // the agent is audible and the caller may interrupt it
};

// How long after the caller's last sound the silence still counts for the STT's
// endpointing. Deepgram's endpointing runs 10–500 ms in practice; past this, a turn that
// never ended (a cough, a click) stops keeping the audio unbatched.
inline constexpr std::int64_t kEndpointingWindowMs = 2000;

// A chunk reaches the STT at once when
// - it is quiet and follows the caller's sound within kEndpointingWindowMs in an open
//   turn: the STT's endpointing is counting this silence and the turn's end waits on it;
// - it is loud while the agent speaks and may be interrupted: the STT's speech start
//   and words are barge-in triggers (at interrupt_sensitivity "low" the only ones).
// Anything else may wait in a batch: the STT's interim words and its own speech start
// come up to a batch later when nothing reacts to them at once, the end of a turn never.
bool must_reach_stt_at_once(const CallerAudioMoment& moment) noexcept;

class SttAudioBatcher {
 public:
  // `batch_ms` 0: every chunk is sent as it comes. `format` is the STT's input format,
  // the format of every chunk given to forward().
  SttAudioBatcher(std::int64_t batch_ms, AudioFormat format);

  // Sends `audio` (starting at `stream_offset_ms`, `duration_ms` long) with whatever is
  // held when `now` is set or the held audio reaches batch_ms; otherwise holds it.
  // Returns the status of the last send (ok when it only held).
  Status forward(SttSession& session, std::span<const std::uint8_t> audio, std::int64_t stream_offset_ms,
                 std::int64_t duration_ms, bool now);
  // Sends whatever is held (before finalize() or close(), so the STT has all the audio).
  Status flush(SttSession& session);

  std::int64_t held_ms() const noexcept { return held_ms_; }

 private:
  Status send(SttSession& session, std::span<const std::uint8_t> audio, std::int64_t stream_offset_ms) const;

  const std::int64_t batch_ms_;
  const AudioFormat format_;
  std::vector<std::uint8_t> held_;  // capacity kept between batches
  std::int64_t held_offset_ms_ = 0;
  std::int64_t held_ms_ = 0;
};

}  // namespace callagent::pipeline
