#include "session_worker.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace callagent::plugins::pocketsphinx {

SessionWorker::SessionWorker(EndpointingSettings settings, DecoderPool& pool,
                             std::unique_ptr<SphinxDecoder> decoder, WorkQueue& queue,
                             SttListener& listener, Logger& logger)
    : settings_(settings),
      samples_per_ms_(SphinxDecoder::kSampleRateHz / 1000),
      pool_(pool),
      decoder_(std::move(decoder)),
      queue_(queue),
      listener_(listener),
      logger_(logger),
      timeline_(SphinxDecoder::kSampleRateHz) {}

void SessionWorker::run() noexcept {
  const bool ready = prepare_decoder();
  while (auto item = queue_.pop()) {
    if (ready && !failed()) {
      try {
        handle(*item);
      } catch (const std::exception& error) {
        fail(Status(ErrorCode::internal, std::string("pocketsphinx: ") + error.what()));
      }
    }
    queue_.item_done();
  }
  // A decoder that failed may be in any state: free it rather than lend it again.
  if (failed()) {
    decoder_.reset();
  } else {
    give_back_decoder();
  }
}

void SessionWorker::give_back_decoder() noexcept { pool_.give_back(std::move(decoder_)); }

bool SessionWorker::prepare_decoder() {
  try {
    if (!decoder_) {
      auto loaded = pool_.load();
      if (!loaded) {
        fail(loaded.status());
        return false;
      }
      decoder_ = std::move(loaded).value();
    }
    if (Status started = decoder_->start_stream(); !started) {
      fail(started);
      return false;
    }
    return true;
  } catch (const std::exception& error) {
    fail(Status(ErrorCode::internal, std::string("pocketsphinx: ") + error.what()));
    return false;
  }
}

void SessionWorker::handle(const WorkQueue::Item& item) {
  switch (item.kind) {
    case WorkQueue::Item::Kind::audio:
      on_audio(item.samples, item.stream_offset_ms);
      return;
    case WorkQueue::Item::Kind::finalize:
      if (phase_ != Phase::waiting) finish_utterance(/*speech_final=*/false);
      return;
  }
}

void SessionWorker::on_audio(const std::vector<std::int16_t>& samples, std::int64_t stream_offset_ms) {
  timeline_.add_chunk(stream_offset_ms, static_cast<std::int64_t>(samples.size()));
  if (Status processed = decoder_->process(samples); !processed) {
    fail(processed);
    return;
  }
  const bool speech = decoder_->in_speech();
  switch (phase_) {
    case Phase::waiting:
      if (speech) {
        phase_ = Phase::hearing;
        detector_on_sample_ = timeline_.samples_fed();
        confirm_speech();
      }
      break;
    case Phase::hearing:
      if (!speech) {
        phase_ = Phase::trailing;
        quiet_samples_ = 0;
      } else if (!speech_reported_) {
        confirm_speech();
      } else if (settings_.interim_interval_ms > 0 && timeline_.samples_fed() >= next_interim_sample_) {
        report_interim();
      }
      break;
    case Phase::trailing:
      if (speech) {
        phase_ = Phase::hearing;  // a pause inside the utterance
      } else {
        quiet_samples_ += static_cast<std::int64_t>(samples.size());
      }
      break;
  }
  // The detector turns off only after vad_hangover_ms of quiet; wait for the rest here.
  const std::int64_t quiet_still_needed_samples =
      std::max<std::int64_t>(0, settings_.end_of_utterance_silence_ms - settings_.vad_hangover_ms) *
      samples_per_ms_;
  if (phase_ == Phase::trailing && quiet_samples_ >= quiet_still_needed_samples) {
    finish_utterance(/*speech_final=*/true);
  } else if (phase_ != Phase::waiting &&
             timeline_.samples_fed() - detector_on_sample_ >= settings_.max_utterance_ms * samples_per_ms_) {
    finish_utterance(/*speech_final=*/false);
  }
}

void SessionWorker::confirm_speech() {
  const DecodedUtterance hypothesis = decoder_->partial_result();
  if (hypothesis.words.empty()) return;
  report_speech_started(hypothesis);
  // The first words are worth showing at once; later ones every interim_interval_ms.
  if (settings_.interim_interval_ms > 0) report_interim();
}

void SessionWorker::report_speech_started(const DecodedUtterance& hypothesis) {
  speech_reported_ = true;
  speech_start_ms_ = hypothesis.words.empty() ? timeline_.ms_at_sample(detector_on_sample_)
                                              : ms_at_frame(hypothesis.words.front().first_frame);
  listener_.on_speech_started(speech_start_ms_);
}

void SessionWorker::report_interim() {
  next_interim_sample_ = timeline_.samples_fed() + settings_.interim_interval_ms * samples_per_ms_;
  std::string transcript = decoder_->partial_transcript();
  if (transcript.empty() || transcript == last_interim_) return;
  last_interim_ = transcript;
  SttResult result;
  result.transcript = std::move(transcript);
  result.start_ms = speech_start_ms_;
  result.duration_ms = timeline_.end_ms() - speech_start_ms_;
  listener_.on_result(result);
}

void SessionWorker::finish_utterance(bool speech_final) {
  auto decoded = decoder_->end_utterance();
  if (!decoded) {
    fail(decoded.status());
    return;
  }
  const DecodedUtterance& utterance = decoded.value();
  // Noise the detector took for speech decodes to nothing: no result, no utterance end.
  if (!utterance.transcript.empty()) {
    // The hypothesis may first show words at the very end (the final pass can differ).
    if (!speech_reported_) report_speech_started(utterance);
    const SttResult result = final_result(utterance, speech_final);
    if (logger_.enabled(LogLevel::debug)) {
      logger_.debug(std::string(speech_final ? "final (speech_final)" : "final") + " [" +
                    std::to_string(result.start_ms) + " ms +" + std::to_string(result.duration_ms) +
                    " ms]: " + result.transcript);
    }
    listener_.on_result(result);
    ++finals_reported_;
    if (speech_final) {
      listener_.on_utterance_end(result.words.empty() ? result.start_ms + result.duration_ms
                                                      : result.words.back().end_ms);
    }
  }

  phase_ = Phase::waiting;
  speech_reported_ = false;
  last_interim_.clear();
  timeline_.forget_before(timeline_.samples_fed());
  if (Status started = decoder_->start_utterance(); !started) fail(started);
}

SttResult SessionWorker::final_result(const DecodedUtterance& utterance, bool speech_final) const {
  SttResult result;
  result.transcript = utterance.transcript;
  result.confidence = utterance.confidence;
  result.is_final = true;
  result.speech_final = speech_final;
  result.words.reserve(utterance.words.size());
  for (const DecodedWord& decoded : utterance.words) {
    SttWord word;
    word.text = decoded.text;
    word.start_ms = ms_at_frame(decoded.first_frame);
    word.end_ms = ms_at_frame(decoded.last_frame + 1);
    word.confidence = decoded.confidence;
    result.words.push_back(std::move(word));
  }
  // The final pass may place the first word a little differently from the partial
  // hypothesis that confirmed the speech: cover both.
  result.start_ms = result.words.empty() ? speech_start_ms_
                                         : std::min(speech_start_ms_, result.words.front().start_ms);
  result.duration_ms = timeline_.end_ms() - result.start_ms;
  return result;
}

std::int64_t SessionWorker::ms_at_frame(int frame) const {
  return timeline_.ms_at_sample(static_cast<std::int64_t>(frame) * SphinxDecoder::kSamplesPerFrame);
}

void SessionWorker::fail(const Status& error) noexcept {
  if (failed_.exchange(true, std::memory_order_acq_rel)) return;
  try {
    logger_.error("recognition stopped: " + error.message());
  } catch (...) {
    // Out of memory while logging: the listener still hears of the failure.
  }
  listener_.on_error(error, /*recoverable=*/false);
}

}  // namespace callagent::plugins::pocketsphinx
