#include "tools/call-sim/playback_model.h"

#include <algorithm>
#include <utility>

namespace callagent::callsim {

PlaybackModel::PlaybackModel(bool keep_recording) : keep_recording_(keep_recording) {}

std::optional<PlaybackModel::TimePoint> PlaybackModel::playing_since() const noexcept {
  return is_playing() ? playing_since_ : std::nullopt;
}

std::optional<PlaybackModel::TimePoint> PlaybackModel::silent_since() const noexcept {
  return is_playing() ? std::nullopt : silent_since_;
}

std::optional<PlaybackModel::TimePoint> PlaybackModel::next_mark_due() const noexcept {
  if (pending_marks_ == 0) return std::nullopt;
  std::size_t bytes_before_mark = 0;
  for (const QueuedItem& item : queue_) {
    if (item.is_mark) break;
    bytes_before_mark += item.audio.size();
  }
  bytes_before_mark -= front_offset_;
  return position_ + kByteDuration * static_cast<std::int64_t>(bytes_before_mark);
}

PlaybackUpdate PlaybackModel::enqueue_audio(std::span<const std::uint8_t> mulaw_audio,
                                            TimePoint now) {
  PlaybackUpdate update;
  play_until(now, update);
  if (mulaw_audio.empty()) return update;
  if (queue_.empty()) {
    // Silence until now: this audio starts playing the moment it arrives.
    position_ = now;
    playing_since_ = now;
    ++playback_count_;
    update.started_at = now;
  }
  QueuedItem item;
  item.audio.assign(mulaw_audio.begin(), mulaw_audio.end());
  queue_.push_back(std::move(item));
  buffered_bytes_ += mulaw_audio.size();
  return update;
}

PlaybackUpdate PlaybackModel::enqueue_mark(std::string name, TimePoint now) {
  PlaybackUpdate update;
  play_until(now, update);
  if (queue_.empty()) {
    // Nothing left to play before it: Twilio answers such a mark immediately.
    update.returned_marks.push_back(std::move(name));
    return update;
  }
  QueuedItem item;
  item.is_mark = true;
  item.mark_name = std::move(name);
  queue_.push_back(std::move(item));
  ++pending_marks_;
  return update;
}

PlaybackUpdate PlaybackModel::clear(TimePoint now) {
  PlaybackUpdate update;
  play_until(now, update);
  if (queue_.empty()) return update;
  update.dropped_bytes = buffered_bytes_;
  for (auto& item : queue_) {
    if (item.is_mark) update.returned_marks.push_back(std::move(item.mark_name));
  }
  queue_.clear();
  front_offset_ = 0;
  buffered_bytes_ = 0;
  pending_marks_ = 0;
  silent_since_ = now;
  update.finished_at = now;
  return update;
}

PlaybackUpdate PlaybackModel::advance(TimePoint now) {
  PlaybackUpdate update;
  play_until(now, update);
  return update;
}

void PlaybackModel::play_until(TimePoint now, PlaybackUpdate& update) {
  if (queue_.empty() || now <= position_) return;
  while (!queue_.empty()) {
    const auto affordable_bytes = static_cast<std::size_t>((now - position_) / kByteDuration);
    if (affordable_bytes == 0) break;
    QueuedItem& front = queue_.front();
    const std::size_t remaining = front.audio.size() - front_offset_;
    const std::size_t played = std::min(remaining, affordable_bytes);
    if (keep_recording_) {
      const auto begin = front.audio.begin() + static_cast<std::ptrdiff_t>(front_offset_);
      recording_.insert(recording_.end(), begin, begin + static_cast<std::ptrdiff_t>(played));
    }
    front_offset_ += played;
    buffered_bytes_ -= played;
    played_bytes_ += played;
    position_ += kByteDuration * static_cast<std::int64_t>(played);
    if (front_offset_ < front.audio.size()) break;  // `now` falls inside this item
    queue_.pop_front();
    front_offset_ = 0;
    release_leading_marks(update);
  }
  if (queue_.empty()) {
    // The last byte ended at position_, which can be earlier than `now`.
    silent_since_ = position_;
    update.finished_at = position_;
  }
}

void PlaybackModel::release_leading_marks(PlaybackUpdate& update) {
  while (!queue_.empty() && queue_.front().is_mark) {
    update.returned_marks.push_back(std::move(queue_.front().mark_name));
    queue_.pop_front();
    --pending_marks_;
  }
}

}  // namespace callagent::callsim
