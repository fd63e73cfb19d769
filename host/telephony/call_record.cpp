#include "host/telephony/call_record.h"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace callagent::telephony {

bool CallRecord::ended() const noexcept {
  return status == "completed" || status == "busy" || status == "failed" || status == "no-answer" ||
         status == "canceled";
}

nlohmann::json CallRecord::to_json() const {
  nlohmann::json json = {
      {"conversation_id", conversation_id}, {"call_sid", call_sid},
      {"from", from},                       {"to", to},
      {"direction", direction},             {"status", status},
      {"created_at", created_at},           {"started_at", started_at},
      {"ended_at", ended_at},               {"ended_reason", ended_reason},
      {"host", host},                       {"agent_overrides", agent_overrides},
      {"turns", turns}};
  json["duration"] = duration_seconds ? nlohmann::json(*duration_seconds) : nlohmann::json(nullptr);
  return json;
}

std::optional<CallRecord> CallRecord::from_json(std::string_view text) {
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto text_field = [&](const char* key) {
    const auto found = json.find(key);
    return found != json.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  CallRecord record;
  record.conversation_id = text_field("conversation_id");
  record.call_sid = text_field("call_sid");
  record.from = text_field("from");
  record.to = text_field("to");
  record.direction = text_field("direction");
  record.status = text_field("status");
  record.created_at = text_field("created_at");
  record.started_at = text_field("started_at");
  record.ended_at = text_field("ended_at");
  record.ended_reason = text_field("ended_reason");
  record.host = text_field("host");
  if (const auto duration = json.find("duration"); duration != json.end() && duration->is_number()) {
    record.duration_seconds = duration->get<double>();
  }
  if (const auto overrides = json.find("agent_overrides");
      overrides != json.end() && overrides->is_object()) {
    record.agent_overrides = *overrides;
  }
  if (const auto turns = json.find("turns"); turns != json.end() && turns->is_array()) {
    record.turns = *turns;
  }
  return record;
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_from_unix_ms(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, unix_ms % 1000);
}

std::string iso8601_now() { return iso8601_from_unix_ms(unix_ms_now()); }

}  // namespace callagent::telephony
