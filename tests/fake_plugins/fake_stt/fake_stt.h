// fake_stt: a speech-to-text plugin for integration tests that "recognises" scripted lines.
//
// It listens for energy in the caller's μ-law audio: a loud stretch is speech, and once
// `endpointing_ms` of quiet follows it, the next line of `transcripts` is reported as the
// final, speech_final result. Everything is timed on the AUDIO timeline (chunk sizes and
// stream offsets), never the wall clock, so a simulator streaming in real time and a unit
// test feeding chunks as fast as it can see the same results.
//
// Config (every key but "transcripts" optional, unknown keys refused):
//   {"transcripts": ["yes please", ...]   lines reported in order, cycling; required, non-empty
//    "endpointing_ms": 300                quiet audio that ends an utterance
//    "interim": true}                     report a growing prefix every ~300 ms of speech
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "callagent/plugin_api.h"

namespace callagent::fake_plugins {

struct FakeSttConfig {
  std::vector<std::string> transcripts;
  std::int64_t endpointing_ms = 300;
  bool interim = true;
};

// Parses the config subtree; errors are invalid_config and name the key.
Result<FakeSttConfig> parse_fake_stt_config(std::string_view config_json);

// One call's recognition. It needs no thread: each listener callback is made directly from
// send_audio() or finalize(), on the caller's thread, which the plugin API allows because
// listener methods return quickly. So nothing can call the listener after close().
//
// Threading: like every session, called from one thread at a time (the call's strand);
// it holds no lock because its methods never run concurrently.
// Lifetime: `listener` and `logger` must outlive the session (the API guarantees both).
class AutonomousSttSession final : public SttSession {
 public:
  AutonomousSttSession(FakeSttConfig config, SttListener& listener, Logger& logger);
  ~AutonomousSttSession() override;
  AutonomousSttSession(const AutonomousSttSession&) = delete;
  AutonomousSttSession& operator=(const AutonomousSttSession&) = delete;

  // Accepts μ-law only (the provider's input_format); anything else is invalid_argument.
  Status send_audio(const AudioChunk& chunk) noexcept override;
  // Reports the utterance in progress, if any, as final but not speech_final.
  void finalize() noexcept override;
  void close() noexcept override;

 private:
  // Speech detection runs on 20 ms frames whatever the chunk size.
  void on_frame(std::span<const std::uint8_t> frame, std::int64_t start_ms, std::int64_t duration_ms);
  void report_interim(std::int64_t now_ms);
  void finish_utterance(bool speech_final);
  const std::string& current_line() const;

  const FakeSttConfig config_;
  SttListener& listener_;
  Logger& logger_;

  bool closed_ = false;
  std::size_t next_line_index_ = 0;  // cycles through config_.transcripts
  std::int64_t audio_received_ms_ = 0;
  std::size_t utterances_reported_ = 0;

  // The utterance being heard; meaningful while in_utterance_.
  bool in_utterance_ = false;
  std::int64_t utterance_start_ms_ = 0;
  std::int64_t last_speech_end_ms_ = 0;
  std::int64_t speech_heard_ms_ = 0;   // loud audio in this utterance, pauses excluded
  std::int64_t quiet_heard_ms_ = 0;    // quiet audio since the last loud frame
  std::size_t interims_reported_ = 0;
};

// Thread-safe: its only state is the immutable config.
class AutonomousSttProvider final : public SttProvider {
 public:
  static Status validate_config(std::string_view config_json);
  static Result<std::unique_ptr<AutonomousSttProvider>> create(const ProviderContext& context);

  explicit AutonomousSttProvider(FakeSttConfig config);

  AudioFormat input_format() const noexcept override;
  Result<std::unique_ptr<SttSession>> open_session(const SessionContext& context,
                                                   SttListener& listener) noexcept override;

 private:
  const FakeSttConfig config_;
};

}  // namespace callagent::fake_plugins
