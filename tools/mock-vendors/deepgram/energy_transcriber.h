// The fake Deepgram's "energy" recogniser: finds caller speech in μ-law 8 kHz audio by
// loudness alone and answers with the messages Deepgram would send, with scripted text.
// No network; one instance per connection.
//
// Times are on the audio timeline of the connection (seconds since its first byte), like
// Deepgram's, so a test that sends audio faster than real time still gets exact numbers.
//
// Threading: not thread-safe; owned by one connection's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace callagent::mock {

// A Deepgram Results frame. `transcript` words are split on spaces and spread evenly
// over [start, start + duration]; the bare `word` is the token lower-cased without
// punctuation, `punctuated_word` the token as given.
std::string results_message(const std::string& transcript, double start_s, double duration_s, bool is_final,
                            bool speech_final, bool from_finalize);

class EnergyTranscriber {
 public:
  EnergyTranscriber(std::vector<std::string> transcripts, std::int64_t endpointing_ms,
                    std::int64_t utterance_end_ms, double speech_rms);

  // The messages due after this audio (SpeechStarted, interim and final Results,
  // UtteranceEnd), in order.
  std::vector<std::string> feed(const std::uint8_t* data, std::size_t size_bytes);
  // Finalize: the utterance in progress, if any, as a final with from_finalize=true.
  std::vector<std::string> finalize();
  std::int64_t audio_ms() const { return frames_ * kFrameMs; }

 private:
  static constexpr std::int64_t kFrameMs = 20;
  static constexpr std::size_t kFrameBytes = 160;  // 20 ms of μ-law 8 kHz
  static constexpr std::int64_t kInterimEveryMs = 500;

  void frame_done(bool voiced, std::vector<std::string>& out);
  std::string final_message(bool speech_final, bool from_finalize);
  std::string current_line() const;

  const std::vector<std::string> transcripts_;
  const std::int64_t endpointing_ms_;
  const std::int64_t utterance_end_ms_;
  const double speech_mean_square_;

  std::vector<std::uint8_t> partial_frame_;
  std::int64_t frames_ = 0;
  bool in_speech_ = false;
  std::int64_t speech_start_ms_ = 0;
  std::int64_t voiced_end_ms_ = 0;
  std::int64_t next_interim_ms_ = 0;
  bool utterance_end_due_ = false;
  std::size_t line_index_ = 0;
};

}  // namespace callagent::mock
