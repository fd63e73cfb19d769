// Builders and file helpers shared by the events_jsonfile tests and the crash writer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace callagent::testing {

// A transcript.complete payload shaped like the host's (plugin-api/README.md, "Events"),
// with `turn_count` turns of roughly `text_size` characters each.
inline nlohmann::ordered_json make_transcript_record(const std::string& conversation_id,
                                                     const std::string& timestamp,
                                                     std::size_t turn_count = 2,
                                                     std::size_t text_size = 40) {
  nlohmann::ordered_json turns = nlohmann::ordered_json::array();
  std::string transcript;
  for (std::size_t turn = 0; turn < turn_count; ++turn) {
    const std::string speaker = turn % 2 == 0 ? "caller" : "agent";
    std::string text = "turn " + std::to_string(turn) + " of " + conversation_id + ":";
    while (text.size() < text_size) text += " lorem ipsum";
    transcript += (turn % 2 == 0 ? "Caller: " : "Agent: ") + text + "\n";
    turns.push_back({{"speaker", speaker},
                     {"text", text},
                     {"started_at", timestamp},
                     {"ended_at", timestamp},
                     {"interrupted", turn % 5 == 4}});
  }
  return {{"conversation_id", conversation_id},
          {"user_id", "+15550100"},
          {"transcript", transcript},
          {"timestamp", timestamp},
          {"duration", 42},
          {"call_sid", "CA" + conversation_id},
          {"from", "+15550100"},
          {"to", "+15550199"},
          {"direction", "inbound"},
          {"ended_reason", "hangup"},
          {"turns", turns}};
}

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  return content.str();
}

// Every regular file below `root`, as paths relative to it, sorted.
inline std::vector<std::string> files_below(const std::filesystem::path& root) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path().lexically_relative(root).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace callagent::testing
