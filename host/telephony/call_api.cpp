#include "host/telephony/call_api.h"

#include <algorithm>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "host/http/http_responses.h"
#include "host/telephony/bearer_auth.h"
#include "host/telephony/conversation_id.h"
#include "host/telephony/public_url.h"
#include "host/telephony/twilio_request_check.h"

namespace callagent::telephony {
namespace {

using Poco::Net::HTTPResponse;

constexpr std::size_t kMaxApiBodyBytes = 64 * 1024;

bool is_overridable(std::string_view key) {
  return std::find(std::begin(kOverridableAgentKeys), std::end(kOverridableAgentKeys), key) !=
         std::end(kOverridableAgentKeys);
}

HTTPResponse::HTTPStatus status_for_twilio_failure(const Status& failure) {
  switch (failure.code()) {
    case ErrorCode::invalid_argument: return HTTPResponse::HTTP_BAD_REQUEST;
    case ErrorCode::rate_limited:
    case ErrorCode::unavailable:
    case ErrorCode::timeout: return HTTPResponse::HTTP_SERVICE_UNAVAILABLE;
    default: return HTTPResponse::HTTP_BAD_GATEWAY;
  }
}

// Twilio's final call statuses: the call is over.
bool is_final_call_status(std::string_view status) {
  CallRecord probe;
  probe.status = std::string(status);
  return probe.ended();
}

}  // namespace

CallApi::CallApi(const TelephonySettings& settings, const CallRepository& calls,
                 std::shared_ptr<const twilio::TwilioRestClient> rest)
    : settings_(settings), calls_(calls), rest_(std::move(rest)) {}

std::optional<CallRecord> CallApi::load_or_answer(Poco::Net::HTTPServerResponse& response,
                                                  std::string_view conversation_id) const {
  if (!is_conversation_id(conversation_id)) {
    host::send_json_error(response, HTTPResponse::HTTP_NOT_FOUND, "unknown conversation");
    return std::nullopt;
  }
  auto stored = calls_.load(conversation_id);
  if (!stored) {
    spdlog::error("call API: state store failed: {}", stored.status().message());
    host::send_json_error(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "state store unavailable");
    return std::nullopt;
  }
  if (!stored.value()) {
    host::send_json_error(response, HTTPResponse::HTTP_NOT_FOUND, "unknown conversation");
    return std::nullopt;
  }
  return std::move(*stored.value());
}

void CallApi::get_call(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                       std::string_view conversation_id) const {
  if (!authorize_admin(request, response, settings_.api_token)) return;
  const auto record = load_or_answer(response, conversation_id);
  if (!record) return;
  host::send_json(response, HTTPResponse::HTTP_OK, record->to_json().dump() + "\n");
}

void CallApi::create_outbound_call(Poco::Net::HTTPServerRequest& request,
                                   Poco::Net::HTTPServerResponse& response) const {
  if (!authorize_admin(request, response, settings_.api_token)) return;
  if (!rest_) {
    host::send_json_error(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                          "outbound calls need twilio.account_sid and twilio.auth_token");
    return;
  }
  const auto body = read_body(request, kMaxApiBodyBytes);
  const auto json = body ? nlohmann::json::parse(*body, nullptr, false) : nlohmann::json();
  if (!body || json.is_discarded() || !json.is_object()) {
    host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST,
                          "expected a JSON object {\"to\": \"+1…\", \"from\": \"+1…\", \"agent\": {…}}");
    return;
  }
  for (const char* field : {"to", "from"}) {
    if (!json.contains(field) || !json[field].is_string() || json[field].get<std::string>().empty()) {
      host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST,
                            std::string(field) + ": required, a phone number such as \"+14155551212\"");
      return;
    }
  }
  CallRecord record;
  record.conversation_id = new_conversation_id();
  record.direction = "outbound-api";
  record.to = json["to"].get<std::string>();
  record.from = json["from"].get<std::string>();
  record.status = "queued";
  record.created_at = iso8601_now();
  if (json.contains("agent")) {
    const auto& agent = json["agent"];
    if (!agent.is_object()) {
      host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, "agent: expected an object");
      return;
    }
    for (const auto& [key, value] : agent.items()) {
      if (!is_overridable(key) || !value.is_string()) {
        host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST,
                              "agent." + key + ": not an overridable string setting (initial_message, "
                              "prompt_preamble, goodbye_message, language, interrupt_sensitivity)");
        return;
      }
    }
    record.agent_overrides = agent;
  }
  // The record first: the moment Twilio fetches the webhook, it must find it.
  if (const Status saved = calls_.save(record); !saved) {
    spdlog::error("outbound call to {}: cannot save its record: {}", record.to, saved.message());
    host::send_json_error(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "state store unavailable");
    return;
  }
  const std::string base = effective_base_url(settings_.configured_base_url, request.getHost());
  twilio::OutboundCallRequest outbound;
  outbound.to = record.to;
  outbound.from = record.from;
  outbound.url = base + "/outbound_call/" + record.conversation_id;
  outbound.status_callback = base + "/call_status";
  auto created = rest_->create_call(outbound);
  if (!created) {
    spdlog::error("outbound call to {} failed: {}", record.to, created.status().message());
    record.status = "failed";
    record.ended_reason = "twilio_rest_error";
    (void)calls_.save(record);
    host::send_json_error(response, status_for_twilio_failure(created.status()),
                          created.status().message());
    return;
  }
  record.call_sid = created.value().call_sid;
  record.status = created.value().status;
  if (const Status saved = calls_.save(record); !saved) {
    spdlog::warn("outbound call {}: cannot update its record: {}", record.call_sid, saved.message());
  }
  (void)calls_.index_call_sid(record.call_sid, record.conversation_id);
  spdlog::info("outbound call {} to {} placed: conversation {}", record.call_sid, record.to,
               record.conversation_id);
  host::send_json(response, HTTPResponse::HTTP_CREATED,
                  nlohmann::json{{"conversation_id", record.conversation_id},
                                 {"call_sid", record.call_sid},
                                 {"status", record.status}}
                          .dump() +
                      "\n");
}

void CallApi::hang_up(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                      std::string_view conversation_id) const {
  if (!authorize_admin(request, response, settings_.api_token)) return;
  if (!rest_) {
    host::send_json_error(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                          "hanging up needs twilio.account_sid and twilio.auth_token");
    return;
  }
  const auto record = load_or_answer(response, conversation_id);
  if (!record) return;
  if (record->call_sid.empty()) {
    host::send_json_error(response, HTTPResponse::HTTP_CONFLICT, "the call has no Twilio CallSid yet");
    return;
  }
  if (const Status done = rest_->hang_up(record->call_sid); !done) {
    host::send_json_error(response, status_for_twilio_failure(done), done.message());
    return;
  }
  spdlog::info("call {} hung up through the REST API", record->call_sid);
  host::send_json(response, HTTPResponse::HTTP_OK,
                  nlohmann::json{{"conversation_id", record->conversation_id},
                                 {"call_sid", record->call_sid},
                                 {"status", "completed"}}
                          .dump() +
                      "\n");
}

void CallApi::status_callback(Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) const {
  const auto body = read_body(request, kMaxWebhookBodyBytes);
  auto params = body ? twilio::parse_form_urlencoded(*body)
                     : Result<twilio::FormParams>(ErrorCode::invalid_argument, "body too large");
  if (!params) {
    host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, params.status().message());
    return;
  }
  switch (check_signature(settings_, request, params.value(), false)) {
    case twilio::SignatureVerdict::valid: break;
    case twilio::SignatureVerdict::missing:
      spdlog::warn("status callback without X-Twilio-Signature: refused (400)");
      host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, "missing X-Twilio-Signature");
      return;
    case twilio::SignatureVerdict::invalid:
      spdlog::warn("status callback with a wrong X-Twilio-Signature: refused (403)");
      host::send_json_error(response, HTTPResponse::HTTP_FORBIDDEN, "invalid X-Twilio-Signature");
      return;
  }
  const auto call_sid = twilio::find_param(params.value(), "CallSid");
  const auto call_status = twilio::find_param(params.value(), "CallStatus");
  if (!call_sid || !call_status) {
    host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, "CallSid and CallStatus are required");
    return;
  }
  auto conversation_id = calls_.find_by_call_sid(*call_sid);
  if (!conversation_id || !conversation_id.value()) {
    // Not ours (or expired): acknowledge, so Twilio does not retry or alert.
    spdlog::debug("status callback for unknown call {}", *call_sid);
    response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    response.send();
    return;
  }
  auto stored = calls_.load(*conversation_id.value());
  if (stored && stored.value()) {
    CallRecord record = std::move(*stored.value());
    // A stream that is live owns the status; Twilio's early statuses must not overwrite it.
    if (record.status != "in-progress" || is_final_call_status(*call_status)) {
      record.status = std::string(*call_status);
    }
    if (const auto duration = twilio::find_param(params.value(), "CallDuration")) {
      try {
        record.duration_seconds = std::stod(std::string(*duration));
      } catch (const std::exception&) {
        // A malformed duration leaves the record's own value.
      }
    }
    if (is_final_call_status(*call_status) && record.ended_at.empty()) record.ended_at = iso8601_now();
    (void)calls_.save(record);
    spdlog::info("call {} status: {}", *call_sid, *call_status);
  }
  response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
  response.send();
}

}  // namespace callagent::telephony
