#include "host/pipeline/outbound_audio_player.h"

#include <algorithm>
#include <charconv>

namespace callagent::pipeline {
namespace {

constexpr std::int64_t kBytesPerMs = 8;  // μ-law 8 kHz

std::optional<std::uint64_t> parse_mark_sequence(const std::string& name) {
  if (name.size() < 2 || name.front() != 'p') return std::nullopt;
  std::uint64_t sequence = 0;
  const auto* begin = name.data() + 1;
  const auto* end = name.data() + name.size();
  const auto [rest, error] = std::from_chars(begin, end, sequence);
  if (error != std::errc() || rest != end) return std::nullopt;
  return sequence;
}

}  // namespace

OutboundAudioPlayer::OutboundAudioPlayer(std::shared_ptr<telephony::MediaStreamSender> sender,
                                         host::TimerService& timers, Schedule schedule,
                                         UtterancePlayed on_utterance_played, PlayerSettings settings)
    : sender_(std::move(sender)),
      timers_(timers),
      schedule_(std::move(schedule)),
      on_utterance_played_(std::move(on_utterance_played)),
      settings_(settings) {}

OutboundAudioPlayer::~OutboundAudioPlayer() {
  if (pump_timer_) timers_.cancel(*pump_timer_);
}

void OutboundAudioPlayer::enqueue(std::uint64_t utterance_id, std::size_t piece_index,
                                  std::span<const std::uint8_t> mulaw_audio) {
  if (mulaw_audio.empty()) return;
  if (utterance_id != newest_utterance_ || piece_index != newest_piece_) {
    newest_utterance_ = utterance_id;
    newest_piece_ = piece_index;
    piece_bytes_queued_ = 0;
  }
  queue_.push_back({utterance_id, piece_index, piece_bytes_queued_,
                    std::vector<std::uint8_t>(mulaw_audio.begin(), mulaw_audio.end()), 0});
  piece_bytes_queued_ += mulaw_audio.size();
  pump();
}

void OutboundAudioPlayer::finish_utterance(std::uint64_t utterance_id) {
  if (std::find(finished_utterances_.begin(), finished_utterances_.end(), utterance_id) ==
      finished_utterances_.end()) {
    finished_utterances_.push_back(utterance_id);
  }
  check_finished_utterances();
}

bool OutboundAudioPlayer::has_queued_audio_of(std::uint64_t utterance_id) const {
  return std::any_of(queue_.begin(), queue_.end(),
                     [&](const QueuedAudio& block) { return block.utterance_id == utterance_id; });
}

void OutboundAudioPlayer::check_finished_utterances() {
  // Iterate over a copy: the callback may finish or enqueue more.
  const auto finished = finished_utterances_;
  for (const std::uint64_t utterance_id : finished) {
    if (has_queued_audio_of(utterance_id)) continue;
    auto last_mark = std::find_if(outstanding_marks_.rbegin(), outstanding_marks_.rend(),
                                  [&](const SentMark& mark) {
                                    return mark.position.utterance_id == utterance_id;
                                  });
    std::erase(finished_utterances_, utterance_id);
    if (last_mark != outstanding_marks_.rend()) {
      last_mark->ends_utterance = true;  // reported when this mark comes back
    } else if (on_utterance_played_) {
      on_utterance_played_(utterance_id);  // nothing outstanding: it has all played
    }
  }
}

void OutboundAudioPlayer::pump() {
  // One pacing timer per player: a pump called by enqueue() replaces the pending one
  // (left alone, each enqueue started another timer chain, all pumping until the queue
  // ran dry — a dozen chains per reply).
  if (pump_timer_) timers_.cancel(*pump_timer_);
  pump_timer_.reset();
  const host::TimePoint now = timers_.time().now();
  if (playback_ends_at_ < now) playback_ends_at_ = now;  // the line went quiet meanwhile
  const auto lead = std::chrono::milliseconds(settings_.lead_ms);
  const auto chunk_bytes = static_cast<std::size_t>(settings_.chunk_ms * kBytesPerMs);
  while (!queue_.empty() && playback_ends_at_ - now < lead) {
    // One chunk: up to chunk_bytes from consecutive blocks of the same piece (TTS engines
    // deliver 20 ms at a time; a mark per 20 ms would be needless traffic).
    const std::uint64_t utterance_id = queue_.front().utterance_id;
    const std::size_t piece_index = queue_.front().piece_index;
    std::size_t piece_end = 0;
    chunk_.clear();
    while (!queue_.empty() && chunk_.size() < chunk_bytes && queue_.front().utterance_id == utterance_id &&
           queue_.front().piece_index == piece_index) {
      QueuedAudio& block = queue_.front();
      const std::size_t size = std::min(chunk_bytes - chunk_.size(), block.audio.size() - block.consumed);
      const auto begin = block.audio.begin() + static_cast<std::ptrdiff_t>(block.consumed);
      chunk_.insert(chunk_.end(), begin, begin + static_cast<std::ptrdiff_t>(size));
      block.consumed += size;
      piece_end = block.piece_offset + block.consumed;
      if (block.consumed == block.audio.size()) queue_.pop_front();
    }
    const std::uint64_t sequence = next_mark_sequence_++;
    sender_->send_media_with_mark(chunk_, "p" + std::to_string(sequence));
    bytes_sent_ += chunk_.size();
    outstanding_marks_.push_back({sequence, {utterance_id, piece_index, piece_end}, false});
    playback_ends_at_ += std::chrono::milliseconds(static_cast<std::int64_t>(chunk_.size()) / kBytesPerMs);
  }
  check_finished_utterances();
  if (!queue_.empty()) {
    // Wake when one chunk's worth of the lead has played out, then top it up again: one
    // wake-up per chunk, and never less than lead - chunk of audio buffered at Twilio.
    const auto chunk = std::chrono::milliseconds(settings_.chunk_ms);
    pump_timer_ = schedule_(playback_ends_at_ - lead + chunk, [this] { pump(); });
  }
}

void OutboundAudioPlayer::on_mark(const std::string& name) {
  const auto sequence = parse_mark_sequence(name);
  if (!sequence || *sequence <= ignore_marks_up_to_) return;  // not ours, or cleared audio
  while (!outstanding_marks_.empty() && outstanding_marks_.front().sequence <= *sequence) {
    const SentMark mark = outstanding_marks_.front();
    outstanding_marks_.pop_front();
    last_heard_ = mark.position;
    if (mark.ends_utterance && on_utterance_played_) on_utterance_played_(mark.position.utterance_id);
  }
}

std::optional<PlaybackPosition> OutboundAudioPlayer::interrupt() {
  if (!busy()) return std::nullopt;
  const std::uint64_t interrupted = !outstanding_marks_.empty()
                                        ? outstanding_marks_.front().position.utterance_id
                                        : queue_.front().utterance_id;
  sender_->send_clear();
  // Twilio returns every pending mark at once after a clear: those were not heard.
  ignore_marks_up_to_ = next_mark_sequence_ - 1;
  queue_.clear();
  outstanding_marks_.clear();
  finished_utterances_.clear();
  if (pump_timer_) {
    timers_.cancel(*pump_timer_);
    pump_timer_.reset();
  }
  playback_ends_at_ = timers_.time().now();
  if (last_heard_ && last_heard_->utterance_id == interrupted) return last_heard_;
  return PlaybackPosition{interrupted, 0, 0};
}

bool OutboundAudioPlayer::busy() const noexcept {
  return !queue_.empty() || !outstanding_marks_.empty();
}

std::optional<std::uint64_t> OutboundAudioPlayer::current_utterance() const {
  if (!outstanding_marks_.empty()) return outstanding_marks_.front().position.utterance_id;
  if (!queue_.empty()) return queue_.front().utterance_id;
  return std::nullopt;
}

}  // namespace callagent::pipeline
