#include "server_messages.h"

#include <cmath>

#include <nlohmann/json.hpp>

namespace callagent::plugins::deepgram {
namespace {

// Deepgram sends seconds as floats (3.1399999); round, not truncate, to whole ms.
std::int64_t to_ms(double seconds) { return std::llround(seconds * 1000.0); }

double number_or(const nlohmann::json& object, const char* key, double fallback) {
  const auto found = object.find(key);
  return found != object.end() && found->is_number() ? found->get<double>() : fallback;
}

bool flag_or_false(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_boolean() && found->get<bool>();
}

SttWord to_word(const nlohmann::json& word, std::int64_t offset_ms) {
  SttWord mapped;
  // punctuated_word only comes with punctuate/smart_format; it is what the caller said
  // as text ("Testing."), `word` the bare token ("testing").
  if (const auto punctuated = word.find("punctuated_word"); punctuated != word.end() && punctuated->is_string()) {
    mapped.text = punctuated->get<std::string>();
  } else if (const auto bare = word.find("word"); bare != word.end() && bare->is_string()) {
    mapped.text = bare->get<std::string>();
  }
  mapped.start_ms = offset_ms + to_ms(number_or(word, "start", 0.0));
  mapped.end_ms = offset_ms + to_ms(number_or(word, "end", 0.0));
  mapped.confidence = static_cast<float>(number_or(word, "confidence", 0.0));
  return mapped;
}

bool parse_results(const nlohmann::json& message, std::int64_t offset_ms, SttResult& result) {
  const auto channel = message.find("channel");
  if (channel == message.end() || !channel->is_object()) return false;
  const auto alternatives = channel->find("alternatives");
  if (alternatives == channel->end() || !alternatives->is_array() || alternatives->empty()) return false;
  const auto& best = alternatives->front();
  if (!best.is_object()) return false;
  const auto transcript = best.find("transcript");
  if (transcript == best.end() || !transcript->is_string()) return false;
  result.transcript = transcript->get<std::string>();
  result.confidence = static_cast<float>(number_or(best, "confidence", 0.0));
  result.speech_final = flag_or_false(message, "speech_final");
  // speech_final implies is_final (stt.h); Deepgram always sends both, be safe anyway.
  result.is_final = flag_or_false(message, "is_final") || result.speech_final;
  result.start_ms = offset_ms + to_ms(number_or(message, "start", 0.0));
  result.duration_ms = to_ms(number_or(message, "duration", 0.0));
  if (const auto words = best.find("words"); words != best.end() && words->is_array()) {
    for (const auto& word : *words) {
      if (word.is_object()) result.words.push_back(to_word(word, offset_ms));
    }
  }
  return true;
}

}  // namespace

ServerMessage parse_server_message(std::string_view text, std::int64_t timeline_offset_ms) {
  ServerMessage parsed;
  const auto message = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (message.is_discarded() || !message.is_object()) {
    parsed.kind = ServerMessage::Kind::malformed;
    return parsed;
  }
  const auto type_field = message.find("type");
  // Deepgram's interim example in its docs omits `type`; a frame with a channel is Results.
  const std::string type = type_field != message.end() && type_field->is_string()
                               ? type_field->get<std::string>()
                               : (message.contains("channel") && message.contains("is_final") ? "Results" : "");
  if (type == "Results") {
    parsed.kind = parse_results(message, timeline_offset_ms, parsed.result) ? ServerMessage::Kind::results
                                                                            : ServerMessage::Kind::malformed;
  } else if (type == "UtteranceEnd") {
    parsed.kind = ServerMessage::Kind::utterance_end;
    parsed.time_ms = timeline_offset_ms + to_ms(number_or(message, "last_word_end", 0.0));
  } else if (type == "SpeechStarted") {
    parsed.kind = ServerMessage::Kind::speech_started;
    parsed.time_ms = timeline_offset_ms + to_ms(number_or(message, "timestamp", 0.0));
  } else if (type == "Metadata") {
    parsed.kind = ServerMessage::Kind::metadata;
  } else {
    parsed.kind = ServerMessage::Kind::unknown;
  }
  return parsed;
}

}  // namespace callagent::plugins::deepgram
