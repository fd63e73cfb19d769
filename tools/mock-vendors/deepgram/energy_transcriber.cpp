#include "energy_transcriber.h"

#include <cctype>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

namespace callagent::mock {
namespace {

// G.711 μ-law to linear 16-bit (ITU-T G.711, the usual bias-and-shift decoding).
int mulaw_to_linear(std::uint8_t code) {
  const unsigned inverted = ~static_cast<unsigned>(code) & 0xFFU;
  const unsigned exponent = (inverted >> 4U) & 0x07U;
  const unsigned mantissa = inverted & 0x0FU;
  const int magnitude = static_cast<int>(((mantissa << 3U) + 0x84U) << exponent) - 0x84;
  return (inverted & 0x80U) != 0 ? -magnitude : magnitude;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream stream(text);
  for (std::string word; stream >> word;) words.push_back(word);
  return words;
}

std::string bare_word(const std::string& token) {
  std::string bare;
  for (const char c : token) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '\'') {
      bare += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return bare;
}

}  // namespace

std::string results_message(const std::string& transcript, double start_s, double duration_s, bool is_final,
                            bool speech_final, bool from_finalize) {
  const auto tokens = split_words(transcript);
  nlohmann::json words = nlohmann::json::array();
  const double step_s = tokens.empty() ? 0.0 : duration_s / static_cast<double>(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const double word_start_s = start_s + step_s * static_cast<double>(i);
    words.push_back({{"word", bare_word(tokens[i])},
                     {"start", word_start_s},
                     {"end", word_start_s + step_s},
                     {"confidence", 0.98},
                     {"punctuated_word", tokens[i]}});
  }
  const nlohmann::json message = {
      {"channel", {{"alternatives", nlohmann::json::array({{{"transcript", transcript},
                                                             {"confidence", tokens.empty() ? 0.0 : 0.98},
                                                             {"words", words}}})}}},
      {"metadata",
       {{"model_info", {{"name", "fake-deepgram"}, {"version", "1"}, {"arch", "energy"}}},
        {"request_id", "00000000-0000-4000-8000-000000000000"},
        {"model_uuid", "00000000-0000-4000-8000-000000000001"}}},
      {"type", "Results"},
      {"channel_index", {0, 1}},
      {"duration", duration_s},
      {"start", start_s},
      {"is_final", is_final},
      {"from_finalize", from_finalize},
      {"speech_final", speech_final}};
  return message.dump();
}

EnergyTranscriber::EnergyTranscriber(std::vector<std::string> transcripts, std::int64_t endpointing_ms,
                                     std::int64_t utterance_end_ms, double speech_rms)
    : transcripts_(std::move(transcripts)),
      endpointing_ms_(endpointing_ms),
      utterance_end_ms_(utterance_end_ms),
      speech_mean_square_(speech_rms * speech_rms) {}

std::vector<std::string> EnergyTranscriber::feed(const std::uint8_t* data, std::size_t size_bytes) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < size_bytes; ++i) {
    partial_frame_.push_back(data[i]);
    if (partial_frame_.size() < kFrameBytes) continue;
    double sum_squares = 0.0;
    for (const std::uint8_t code : partial_frame_) {
      const double sample = mulaw_to_linear(code);
      sum_squares += sample * sample;
    }
    partial_frame_.clear();
    frame_done(sum_squares / static_cast<double>(kFrameBytes) >= speech_mean_square_, out);
  }
  return out;
}

void EnergyTranscriber::frame_done(bool voiced, std::vector<std::string>& out) {
  const std::int64_t frame_start_ms = frames_ * kFrameMs;
  ++frames_;
  const std::int64_t now_ms = frames_ * kFrameMs;
  if (voiced) {
    if (!in_speech_) {
      in_speech_ = true;
      utterance_end_due_ = false;
      speech_start_ms_ = frame_start_ms;
      next_interim_ms_ = frame_start_ms + kInterimEveryMs;
      out.push_back(nlohmann::json{{"type", "SpeechStarted"},
                                   {"channel", {0, 1}},
                                   {"timestamp", static_cast<double>(frame_start_ms) / 1000.0}}
                        .dump());
    }
    voiced_end_ms_ = now_ms;
    if (now_ms >= next_interim_ms_) {
      next_interim_ms_ += kInterimEveryMs;
      // The first word of the line: a hypothesis the final will replace.
      const auto words = split_words(current_line());
      out.push_back(results_message(words.empty() ? "" : bare_word(words.front()),
                                    static_cast<double>(speech_start_ms_) / 1000.0,
                                    static_cast<double>(now_ms - speech_start_ms_) / 1000.0, false, false, false));
    }
    return;
  }
  const std::int64_t quiet_ms = now_ms - voiced_end_ms_;
  if (in_speech_ && quiet_ms >= endpointing_ms_) out.push_back(final_message(true, false));
  if (utterance_end_due_ && quiet_ms >= utterance_end_ms_) {
    utterance_end_due_ = false;
    out.push_back(nlohmann::json{{"channel", {0, 1}},
                                 {"last_word_end", static_cast<double>(voiced_end_ms_) / 1000.0},
                                 {"type", "UtteranceEnd"}}
                      .dump());
  }
}

std::vector<std::string> EnergyTranscriber::finalize() {
  if (!in_speech_) return {results_message("", static_cast<double>(audio_ms()) / 1000.0, 0.0, true, false, true)};
  return {final_message(false, true)};
}

std::string EnergyTranscriber::current_line() const {
  return transcripts_.empty() ? std::string() : transcripts_[line_index_ % transcripts_.size()];
}

std::string EnergyTranscriber::final_message(bool speech_final, bool from_finalize) {
  std::string message = results_message(current_line(), static_cast<double>(speech_start_ms_) / 1000.0,
                                        static_cast<double>(voiced_end_ms_ - speech_start_ms_) / 1000.0, true,
                                        speech_final, from_finalize);
  ++line_index_;
  in_speech_ = false;
  utterance_end_due_ = true;
  return message;
}

}  // namespace callagent::mock
