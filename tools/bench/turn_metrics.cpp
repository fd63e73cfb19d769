#include "tools/bench/turn_metrics.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <utility>

#include <nlohmann/json.hpp>

namespace callagent::bench {
namespace {

// Consecutive stages of a turn's critical path, as turn.metrics names them.
constexpr std::array<const char*, 8> kStages{"caller_speech_end_ms", "stt_final_ms",      "llm_request_ms",
                                             "llm_first_token_ms",   "first_sentence_ms", "tts_request_ms",
                                             "tts_first_audio_ms",   "first_frame_sent_ms"};

std::string stage_name(const char* from, const char* to) {
  const auto trim = [](std::string name) { return name.substr(0, name.size() - 3); };  // drop "_ms"
  return trim(from) + "->" + trim(to);
}

}  // namespace

TurnStageSamples read_turn_metrics(const std::string& transcripts_dir) {
  TurnStageSamples samples;
  const std::filesystem::path folder = std::filesystem::path(transcripts_dir) / "events";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream file(entry.path());
    std::string line;
    while (std::getline(file, line)) {
      const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_discarded() || event.value("type", "") != "turn.metrics") continue;
      const nlohmann::json& payload = event["payload"];
      ++samples.turns;
      for (std::size_t index = 0; index + 1 < kStages.size(); ++index) {
        const auto from = payload.find(kStages[index]);
        const auto to = payload.find(kStages[index + 1]);
        if (from == payload.end() || to == payload.end() || !from->is_number() || !to->is_number()) continue;
        samples.stage_ms[stage_name(kStages[index], kStages[index + 1])].push_back(
            to->get<double>() - from->get<double>());
      }
      // The host's whole share of a turn: from the STT's final to the first frame sent.
      const auto final_at = payload.find("stt_final_ms");
      const auto frame_at = payload.find("first_frame_sent_ms");
      if (final_at != payload.end() && frame_at != payload.end() && final_at->is_number() && frame_at->is_number()) {
        samples.stage_ms["stt_final->first_frame_sent (total)"].push_back(frame_at->get<double>() -
                                                                          final_at->get<double>());
      }
    }
  }
  return samples;
}

}  // namespace callagent::bench
