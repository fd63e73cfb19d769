#include "flite_tts_session.h"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include "pcm_frames.h"
#include "text_for_flite.h"
#include "word_timings.h"

namespace callagent::plugins {

FliteTtsSession::FliteTtsSession(const SpeechSynthesizer& synthesizer, TtsListener& listener, Logger& logger)
    : synthesizer_(synthesizer),
      listener_(listener),
      logger_(logger),
      sample_rate_hz_(synthesizer.sample_rate_hz()),
      frame_samples_(samples_per_frame(synthesizer.sample_rate_hz())),
      worker_([this] {
        name_this_thread("tts-flite");
        run_worker();
      }) {}

FliteTtsSession::~FliteTtsSession() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status FliteTtsSession::synthesize(std::uint64_t utterance_id, std::string_view text,
                                   bool end_of_utterance) noexcept {
  try {
    if (text.empty() && !end_of_utterance) return Status::ok();
    {
      std::lock_guard lock(mutex_);
      if (closed_ids_.contains(utterance_id)) return Status::ok();
      queue_.push_back(Piece{utterance_id, std::string(text), end_of_utterance});
    }
    wake_.notify_one();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("tts_flite could not queue the text: ") + error.what());
  }
}

void FliteTtsSession::cancel(std::uint64_t utterance_id) noexcept {
  try {
    std::lock_guard lock(mutex_);
    std::erase_if(queue_, [utterance_id](const Piece& piece) { return piece.utterance_id == utterance_id; });
    audio_sent_ms_.erase(utterance_id);
    closed_ids_.insert(utterance_id);
  } catch (const std::exception& error) {
    logger_.error(std::string("cancel failed: ") + error.what());
  }
}

void FliteTtsSession::run_worker() noexcept {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const Piece piece = std::move(queue_.front());
    queue_.pop_front();
    if (closed_ids_.contains(piece.utterance_id)) continue;
    lock.unlock();
    try {
      speak(piece);
    } catch (const std::exception& error) {
      report_failure(piece.utterance_id, Status(ErrorCode::internal, std::string("tts_flite: ") + error.what()));
    } catch (...) {
      report_failure(piece.utterance_id, Status(ErrorCode::internal, "tts_flite: unknown exception"));
    }
    lock.lock();
  }
}

void FliteTtsSession::speak(const Piece& piece) {
  const std::uint64_t id = piece.utterance_id;
  const std::string clean = clean_text_for_flite(piece.text);
  for (const std::string_view span : split_for_synthesis(clean, kMaxSpanChars)) {
    if (!speak_span(id, span)) return;
  }
  std::lock_guard lock(mutex_);
  if (!wanted_locked(id)) return;
  if (logger_.enabled(LogLevel::debug)) {
    const auto found = audio_sent_ms_.find(id);
    logger_.debug("utterance " + std::to_string(id) + ": " +
                  std::to_string(found == audio_sent_ms_.end() ? 0 : found->second) + " ms so far after \"" +
                  clean + "\"");
  }
  if (piece.end_of_utterance) {
    audio_sent_ms_.erase(id);
    listener_.on_utterance_done(id);
  }
}

bool FliteTtsSession::speak_span(std::uint64_t utterance_id, std::string_view span) {
  {
    std::lock_guard lock(mutex_);
    if (!wanted_locked(utterance_id)) return false;  // cancelled while an earlier span played
  }
  // Without the session's mutex: this waits for Flite, and cancel() must not wait with it.
  auto speech = synthesizer_.synthesize(span);

  std::unique_lock lock(mutex_);
  if (!wanted_locked(utterance_id)) return false;
  if (!speech) {
    fail_locked(utterance_id, speech.status());
    return false;
  }
  std::int64_t position_ms = audio_sent_ms_[utterance_id];
  const std::vector<TtsWordTiming> timings =
      word_timings_for_span(span, speech.value().tokens, position_ms);
  if (!timings.empty()) listener_.on_word_timings(utterance_id, timings);

  const std::vector<std::uint8_t> audio = to_pcm16_le_frames(speech.value().samples, frame_samples_);
  const std::size_t frame_bytes = frame_samples_ * bytes_per_sample(AudioEncoding::pcm16_le);
  for (std::size_t offset = 0; offset < audio.size(); offset += frame_bytes) {
    if (!wanted_locked(utterance_id)) return false;
    AudioChunk chunk;
    chunk.data = audio.data() + offset;
    chunk.size_bytes = frame_bytes;
    chunk.encoding = AudioEncoding::pcm16_le;
    chunk.sample_rate_hz = sample_rate_hz_;
    chunk.stream_offset_ms = position_ms;
    listener_.on_audio(utterance_id, chunk);
    position_ms += kFrameDurationMs;
    audio_sent_ms_[utterance_id] = position_ms;
    // Lets a waiting cancel() or destructor in between two chunks.
    lock.unlock();
    lock.lock();
  }
  return true;
}

void FliteTtsSession::report_failure(std::uint64_t utterance_id, const Status& error) noexcept {
  try {
    std::lock_guard lock(mutex_);
    if (wanted_locked(utterance_id)) fail_locked(utterance_id, error);
  } catch (const std::exception& failure) {
    logger_.error(std::string("could not report a failure: ") + failure.what());
  }
}

bool FliteTtsSession::wanted_locked(std::uint64_t utterance_id) const {
  return !stopping_ && !closed_ids_.contains(utterance_id);
}

// A failed utterance is over: the host ends the call's turn on a TTS error, so its later
// pieces are dropped and no done follows.
void FliteTtsSession::fail_locked(std::uint64_t utterance_id, const Status& error) {
  audio_sent_ms_.erase(utterance_id);
  closed_ids_.insert(utterance_id);
  logger_.error("utterance " + std::to_string(utterance_id) + ": " + std::string(to_string(error.code())) +
                ": " + error.message());
  listener_.on_error(utterance_id, error);
}

}  // namespace callagent::plugins
