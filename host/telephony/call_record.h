// What the host remembers about one call, in the state store, shared by every host: the
// webhook on host A writes it, the Media Stream on host B reads it, `GET /call/{id}`
// answers from it on any host. Never holds a secret.
//
// Threading: a plain value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace callagent::telephony {

struct CallRecord {
  std::string conversation_id;
  std::string call_sid;          // Twilio's CA…; empty for an outbound call not yet created
  std::string from;
  std::string to;
  std::string direction;         // "inbound", "outbound-api"
  // pending (webhook answered, stream not yet open), in-progress (stream open),
  // completed, or Twilio's failure statuses (busy, failed, no-answer, canceled).
  std::string status = "pending";
  std::string created_at;        // ISO 8601 UTC
  std::string started_at;        // stream start; empty until then
  std::string ended_at;
  std::optional<double> duration_seconds;
  std::string ended_reason;
  std::string host;              // which host serves the stream (for operators)
  nlohmann::json agent_overrides = nlohmann::json::object();  // from POST /calls
  nlohmann::json turns = nlohmann::json::array();  // [{speaker, text, started_at, ended_at, interrupted}]

  // The call is over: completed, or one of Twilio's final failure statuses.
  bool ended() const noexcept;

  nlohmann::json to_json() const;
  // Tolerates missing fields (records written by older hosts); fails only on non-objects.
  static std::optional<CallRecord> from_json(std::string_view text);
};

// "2026-11-24T10:00:00.123Z" for now, or for a given Unix time in milliseconds.
std::string iso8601_now();
std::string iso8601_from_unix_ms(std::int64_t unix_ms);
std::int64_t unix_ms_now();

}  // namespace callagent::telephony
