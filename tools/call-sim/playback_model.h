// Twilio's side of the agent's audio (../shared/protocols.md §1.2, outbound messages):
// media the host sends is buffered and played to the caller in real time, 8 μ-law bytes
// per millisecond; a `mark` is queued behind the audio sent before it and is returned
// when playback reaches it; `clear` drops the buffered audio and returns every pending
// mark at once. What was played is kept as the recording of what the caller heard.
//
// Time is injected: every call passes `now` and the model never reads a clock, so tests
// drive it with made-up time points and the simulator with steady_clock::now().
// Calls must pass non-decreasing `now` values.
//
// Threading: not thread-safe; the owner serialises every call (SimulatedCall holds its
// call lock). Ownership: plain value; it owns copies of the queued audio.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace callagent::callsim {

// What changed during one call into the model.
struct PlaybackUpdate {
  using TimePoint = std::chrono::steady_clock::time_point;

  // Marks playback reached (or `clear` released), in the order the host sent them;
  // each must go back to the host as an inbound `mark` message.
  std::vector<std::string> returned_marks;
  // Playback went from silent to playing at this time (new audio arrived while idle).
  std::optional<TimePoint> started_at;
  // The buffer ran dry (or was cleared) at this time: the exact moment the last byte
  // finished playing, which may be earlier than `now`.
  std::optional<TimePoint> finished_at;
  // Audio bytes dropped by `clear` without being played.
  std::size_t dropped_bytes = 0;
};

class PlaybackModel {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // One μ-law byte is one sample at 8000 Hz: 125 µs of playback.
  static constexpr std::chrono::nanoseconds kByteDuration{125'000};

  // `keep_recording`: append what plays to recording(); load runs turn it off to keep
  // memory flat over long calls.
  explicit PlaybackModel(bool keep_recording = true);

  // Queues agent audio (headerless μ-law 8 kHz) behind what is already buffered.
  // Playback first catches up to `now`; if the buffer was empty, playback starts at `now`.
  PlaybackUpdate enqueue_audio(std::span<const std::uint8_t> mulaw_audio, TimePoint now);

  // Queues a mark behind the audio buffered so far; with nothing buffered it is
  // returned at once (in the update), as Twilio does.
  PlaybackUpdate enqueue_mark(std::string name, TimePoint now);

  // Plays up to `now`, then drops the buffered audio and returns every pending mark.
  PlaybackUpdate clear(TimePoint now);

  // Plays up to `now`: records the bytes that finished playing and returns the marks reached.
  PlaybackUpdate advance(TimePoint now);

  // State as of the last call.
  bool is_playing() const noexcept { return !queue_.empty(); }
  // Start of the current uninterrupted playback; empty while silent.
  std::optional<TimePoint> playing_since() const noexcept;
  // When playback last went silent; empty while playing or before any audio.
  std::optional<TimePoint> silent_since() const noexcept;
  // How many times playback started (went from silent to playing).
  std::uint64_t playback_count() const noexcept { return playback_count_; }
  // When playback will reach the next pending mark (if nothing is cleared first), so the
  // owner can wake exactly then and return it on time; empty with no mark pending.
  std::optional<TimePoint> next_mark_due() const noexcept;
  std::size_t buffered_bytes() const noexcept { return buffered_bytes_; }
  std::size_t pending_mark_count() const noexcept { return pending_marks_; }
  std::uint64_t played_bytes() const noexcept { return played_bytes_; }

  // Every byte that finished playing, in order, without the gaps between utterances.
  // Empty when constructed with keep_recording = false.
  const std::vector<std::uint8_t>& recording() const noexcept { return recording_; }

 private:
  struct QueuedItem {
    bool is_mark = false;
    std::vector<std::uint8_t> audio;  // when !is_mark
    std::string mark_name;            // when is_mark
  };

  void play_until(TimePoint now, PlaybackUpdate& update);
  void release_leading_marks(PlaybackUpdate& update);

  bool keep_recording_;
  std::deque<QueuedItem> queue_;  // invariant after every public call: empty or starts with audio
  std::size_t front_offset_ = 0;  // bytes of the front audio item already played
  std::size_t buffered_bytes_ = 0;
  std::size_t pending_marks_ = 0;
  // Playback is accounted up to here; while playing it advances by whole bytes only,
  // so no fraction of a byte is lost between calls.
  TimePoint position_{};
  std::optional<TimePoint> playing_since_;
  std::optional<TimePoint> silent_since_;
  std::uint64_t playback_count_ = 0;
  std::uint64_t played_bytes_ = 0;
  std::vector<std::uint8_t> recording_;
};

}  // namespace callagent::callsim
