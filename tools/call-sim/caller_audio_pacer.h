// Cuts the caller's audio into the 20 ms frames Twilio sends (160 μ-law bytes each,
// ../shared/protocols.md §1.2 "Audio format") and fills every frame the caller is not
// talking in with silence (0xFF), because real Twilio keeps streaming whether or not
// anyone speaks. Numbers each frame: chunk 1, 2, 3, … and timestamp (chunk − 1) × 20 ms,
// the frame's presentation time from the start of the stream.
//
// The pacer only decides what each frame holds; when frames go out is the sender's
// business (SimulatedCall sends one every 20 ms with sleep_until).
//
// Threading: not thread-safe; one owner. Ownership: keeps a copy of the queued speech.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>

namespace callagent::callsim {

inline constexpr std::size_t kFrameBytes = 160;
inline constexpr std::int64_t kFrameDurationMs = 20;

struct CallerFrame {
  std::array<std::uint8_t, kFrameBytes> mulaw_audio{};
  std::uint64_t chunk = 0;         // 1 for the first frame of the stream
  std::int64_t timestamp_ms = 0;   // (chunk − 1) × 20
  bool carries_speech = false;     // holds queued speech (the last one padded with silence)
  bool starts_speech = false;      // first frame of an utterance
  bool ends_speech = false;        // last frame of an utterance: the caller's turn ends here
};

class CallerAudioPacer {
 public:
  // Queues an utterance (μ-law 8 kHz) to follow whatever is still queued.
  void queue_speech(std::span<const std::uint8_t> mulaw_audio);

  // Drops the speech not yet framed (the caller stops mid-sentence, e.g. at hang-up).
  void cancel_speech() noexcept;

  // The next frame: queued speech if any, silence otherwise.
  CallerFrame next_frame();

  bool has_queued_speech() const noexcept { return !queued_.empty(); }
  std::size_t queued_bytes() const noexcept { return queued_.size(); }
  std::uint64_t frames_produced() const noexcept { return next_chunk_ - 1; }

 private:
  std::deque<std::uint8_t> queued_;
  bool speaking_ = false;  // the previous frame carried speech
  std::uint64_t next_chunk_ = 1;
};

}  // namespace callagent::callsim
