// Plays the agent's audio to Twilio the way ../shared/ARCHITECTURE.md asks: a small lead
// over real time (not the whole utterance at once), each chunk followed by a mark. So a
// barge-in `clear` silences the caller's ear within one chunk, and the returned marks say
// exactly how much of each piece of text the caller has heard.
//
//   enqueue() ──▶ queue ──(timer keeps `lead` ahead of real time)──▶ media + mark ──▶ Twilio
//                                                     Twilio ──mark──▶ on_mark() → heard position
//
// Threading: every method runs on the call's strand; timers post back to it.
// Ownership: owned by the call; holds the sender (shared). Its timers go through the
// owner's `schedule` function, which runs the task only while the owner is alive.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "host/runtime/timer_service.h"
#include "host/telephony/media_stream_port.h"

namespace callagent::pipeline {

struct PlayerSettings {
  std::int64_t lead_ms = 160;   // how far ahead of real time audio is sent
  std::int64_t chunk_ms = 80;   // audio per media message (each followed by a mark)
  // How late the next chunk may go out: the lead leaves lead − chunk (80 ms) at Twilio when
  // it is due, so a few ms do not matter, and pacing timers due within them share one
  // wake-up of the timer thread (timer_service.h).
  std::int64_t pacing_slack_ms = 5;
};

// Where playback stands within an utterance: which text piece, and how many of its audio
// bytes the caller has heard.
struct PlaybackPosition {
  std::uint64_t utterance_id = 0;
  std::size_t piece_index = 0;
  std::size_t piece_bytes_heard = 0;
};

class OutboundAudioPlayer {
 public:
  // Called when an utterance's last audio has played (its final mark came back).
  using UtterancePlayed = std::function<void(std::uint64_t utterance_id)>;
  // Runs `task` on the call's strand at `deadline`, if the call still exists then.
  using Schedule = std::function<host::TimerId(host::TimePoint deadline, host::Task task)>;

  OutboundAudioPlayer(std::shared_ptr<telephony::MediaStreamSender> sender,
                      host::TimerService& timers, Schedule schedule,
                      UtterancePlayed on_utterance_played, PlayerSettings settings = {});
  ~OutboundAudioPlayer();
  OutboundAudioPlayer(const OutboundAudioPlayer&) = delete;
  OutboundAudioPlayer& operator=(const OutboundAudioPlayer&) = delete;

  // Queues μ-law 8 kHz audio of one text piece of an utterance and starts sending.
  void enqueue(std::uint64_t utterance_id, std::size_t piece_index,
               std::span<const std::uint8_t> mulaw_audio);
  // No more audio for this utterance: once all of it has played, on_utterance_played.
  void finish_utterance(std::uint64_t utterance_id);
  // A mark Twilio returned.
  void on_mark(const std::string& name);
  // Barge-in: `clear` to Twilio, drops everything queued. Returns what the caller heard
  // of the utterance that was playing (piece 0, 0 bytes when nothing of it yet), or
  // nullopt when nothing was playing.
  std::optional<PlaybackPosition> interrupt();

  // Audio is queued or sent and not yet played (its marks are outstanding).
  bool busy() const noexcept;
  // The utterance currently being heard or next to be heard, if any.
  std::optional<std::uint64_t> current_utterance() const;
  // Heard position of the newest returned mark.
  std::optional<PlaybackPosition> last_heard() const { return last_heard_; }
  // Total audio handed to Twilio, for metrics.
  std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  struct QueuedAudio {
    std::uint64_t utterance_id;
    std::size_t piece_index;
    std::size_t piece_offset;          // bytes of the piece before this block
    std::vector<std::uint8_t> audio;
    std::size_t consumed = 0;
  };
  struct SentMark {
    std::uint64_t sequence;
    PlaybackPosition position;
    bool ends_utterance;
  };

  void pump();
  void check_finished_utterances();
  bool has_queued_audio_of(std::uint64_t utterance_id) const;

  std::shared_ptr<telephony::MediaStreamSender> sender_;
  host::TimerService& timers_;
  Schedule schedule_;
  UtterancePlayed on_utterance_played_;
  PlayerSettings settings_;

  std::deque<QueuedAudio> queue_;
  std::deque<SentMark> outstanding_marks_;
  std::vector<std::uint64_t> finished_utterances_;  // finish_utterance() seen, audio pending
  std::optional<PlaybackPosition> last_heard_;
  std::uint64_t next_mark_sequence_ = 1;
  std::uint64_t ignore_marks_up_to_ = 0;  // marks Twilio returns for cleared audio
  host::TimePoint playback_ends_at_{};    // when the audio sent so far will have played
  std::optional<host::TimerId> pump_timer_;
  std::size_t piece_bytes_queued_ = 0;    // offset bookkeeping for the newest piece
  std::uint64_t newest_utterance_ = 0;
  std::size_t newest_piece_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::vector<std::uint8_t> chunk_;  // reused for every media message
};

}  // namespace callagent::pipeline
