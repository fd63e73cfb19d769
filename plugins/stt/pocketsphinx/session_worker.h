// The recognition loop of one session, on the session's own thread: feeds the decoder,
// decides where utterances begin and end, and reports to the listener.
//
// Endpointing is the decoder's voice activity detector plus a quiet timer; the recogniser
// confirms that what the detector heard is speech:
//   waiting  ── detector turns on ─────────────────▶ hearing
//   hearing  ── first word in the hypothesis ──────▶ on_speech_started(that word's start)
//   hearing  ── every interim_interval_ms of audio ▶ interim result, if the hypothesis changed
//   hearing  ── detector turns off ────────────────▶ trailing (it already waited vad_hangover_ms)
//   trailing ── detector on again ─────────────────▶ hearing (a pause inside the utterance)
//   trailing ── quiet reaches end_of_utterance_silence_ms ─▶ final (speech_final),
//                                                     on_utterance_end, waiting
//   hearing/trailing ── finalize() or max_utterance_ms ▶ final (not speech_final), waiting
// The detector alone also turns on for noise — and for the first ~100 ms of every stream,
// while it learns the line's noise floor — so speech_started waits for a word, and noise
// that decodes to nothing reports nothing at all. (With the detector alone, every call
// began with a speech_started, which barges in on the greeting at "high" sensitivity.)
// Every duration is counted in samples of audio, never wall time, so the same audio gives
// the same results however fast it arrives.
//
// Threading: run() is the body of the session's thread; everything else in this class is
// used only by that thread, except failed(), which any thread may read.
// Lifetime: pool, queue, listener and logger outlive the worker (the session owns it and
// joins the thread before they go).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "audio_timeline.h"
#include "callagent/plugin_api.h"
#include "decoder_pool.h"
#include "sphinx_decoder.h"
#include "work_queue.h"

namespace callagent::plugins::pocketsphinx {

struct EndpointingSettings {
  std::int64_t end_of_utterance_silence_ms = 600;
  std::int64_t interim_interval_ms = 400;  // 0: no interim results
  std::int64_t vad_hangover_ms = 500;      // the decoder's detector's (DecoderSettings)
  // An utterance this long is reported (final, not speech_final) and a new one begun.
  // Music on hold or a noisy line can keep the detector on for minutes, and the decoder's
  // memory and its final pass grow with the utterance.
  std::int64_t max_utterance_ms = 30'000;
};

class SessionWorker {
 public:
  // `decoder` may be null: run() then loads one through the pool first.
  SessionWorker(EndpointingSettings settings, DecoderPool& pool, std::unique_ptr<SphinxDecoder> decoder,
                WorkQueue& queue, SttListener& listener, Logger& logger);
  SessionWorker(const SessionWorker&) = delete;
  SessionWorker& operator=(const SessionWorker&) = delete;

  // Handles queued items until the queue stops, then gives the decoder back to the pool
  // (or frees it, if it failed).
  void run() noexcept;
  // For a session whose thread never started: hands an unused decoder back.
  void give_back_decoder() noexcept;

  // Set once a failure was reported; the worker then ignores further items.
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  // Read after the thread was joined.
  std::size_t finals_reported() const noexcept { return finals_reported_; }

 private:
  enum class Phase : std::uint8_t { waiting, hearing, trailing };

  bool prepare_decoder();
  void handle(const WorkQueue::Item& item);
  void on_audio(const std::vector<std::int16_t>& samples, std::int64_t stream_offset_ms);
  void confirm_speech();
  void report_speech_started(const DecodedUtterance& hypothesis);
  void report_interim();
  void finish_utterance(bool speech_final);
  SttResult final_result(const DecodedUtterance& utterance, bool speech_final) const;
  std::int64_t ms_at_frame(int frame) const;
  void fail(const Status& error) noexcept;

  const EndpointingSettings settings_;
  const std::int64_t samples_per_ms_;
  DecoderPool& pool_;
  std::unique_ptr<SphinxDecoder> decoder_;
  WorkQueue& queue_;
  SttListener& listener_;
  Logger& logger_;

  std::atomic<bool> failed_{false};
  std::size_t finals_reported_ = 0;

  // The stream and the current utterance.
  AudioTimeline timeline_;
  Phase phase_ = Phase::waiting;
  std::int64_t detector_on_sample_ = 0;      // where the detector turned on (hearing/trailing)
  bool speech_reported_ = false;             // on_speech_started was called for this utterance
  std::int64_t speech_start_ms_ = 0;         // call time of the first word, once reported
  std::int64_t next_interim_sample_ = 0;
  std::int64_t quiet_samples_ = 0;           // in trailing: audio since the detector turned off
  std::string last_interim_;
};

}  // namespace callagent::plugins::pocketsphinx
