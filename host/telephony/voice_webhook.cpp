#include "host/telephony/voice_webhook.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <spdlog/spdlog.h>

#include "host/http/http_responses.h"
#include "host/telephony/conversation_id.h"
#include "host/telephony/public_url.h"
#include "host/telephony/twilio_request_check.h"
#include "host/twilio/twiml.h"

namespace callagent::telephony {
namespace {

using Poco::Net::HTTPResponse;

std::string param_or_empty(const twilio::FormParams& params, std::string_view name) {
  const auto value = twilio::find_param(params, name);
  return value ? std::string(*value) : std::string();
}

}  // namespace

VoiceWebhook::VoiceWebhook(const TelephonySettings& settings, const CallRepository& calls,
                           CallCapacity& capacity, TelephonyCounters& counters)
    : settings_(settings), calls_(calls), capacity_(capacity), counters_(counters) {}

void VoiceWebhook::answer_twiml(Poco::Net::HTTPServerResponse& response,
                                const std::string& twiml) const {
  response.setStatus(HTTPResponse::HTTP_OK);
  response.setContentType("text/xml");
  response.setContentLength(static_cast<std::streamsize>(twiml.size()));
  response.send() << twiml;
}

void VoiceWebhook::answer_apology(Poco::Net::HTTPServerResponse& response,
                                  const std::string& message) const {
  answer_twiml(response, twilio::say_and_hangup_twiml(message, settings_.language));
}

std::optional<twilio::FormParams> VoiceWebhook::read_signed_form(
    Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const {
  const auto body = read_body(request, kMaxWebhookBodyBytes);
  if (!body) {
    host::send_json_error(response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
                          "webhook body larger than 64 KiB");
    return std::nullopt;
  }
  auto params = twilio::parse_form_urlencoded(*body);
  if (!params) {
    spdlog::warn("voice webhook: malformed form body: {}", params.status().message());
    host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, params.status().message());
    return std::nullopt;
  }
  switch (check_signature(settings_, request, params.value(), /*websocket=*/false)) {
    case twilio::SignatureVerdict::valid: return std::move(params).value();
    case twilio::SignatureVerdict::missing:
      ++counters_.webhooks_signature_missing;
      spdlog::warn("voice webhook from {}: no X-Twilio-Signature header: refused (400)",
                   request.clientAddress().host().toString());
      host::send_json_error(response, HTTPResponse::HTTP_BAD_REQUEST, "missing X-Twilio-Signature");
      return std::nullopt;
    case twilio::SignatureVerdict::invalid:
      ++counters_.webhooks_signature_invalid;
      spdlog::warn("voice webhook from {}: X-Twilio-Signature does not match {}: refused (403); "
                   "check twilio.auth_token and server.base_url",
                   request.clientAddress().host().toString(), signed_url(settings_, request, false));
      host::send_json_error(response, HTTPResponse::HTTP_FORBIDDEN, "invalid X-Twilio-Signature");
      return std::nullopt;
  }
  return std::nullopt;
}

void VoiceWebhook::handle_unavailable(Poco::Net::HTTPServerRequest& request,
                                      Poco::Net::HTTPServerResponse& response) const {
  if (!read_signed_form(request, response)) return;
  ++counters_.webhooks_unavailable;
  answer_apology(response, settings_.apology_message);
}

void VoiceWebhook::handle(Poco::Net::HTTPServerRequest& request,
                          Poco::Net::HTTPServerResponse& response,
                          std::string_view outbound_conversation_id) const {
  const auto params = read_signed_form(request, response);
  if (!params) return;
  const std::string call_sid = param_or_empty(*params, "CallSid");
  CallRecord record;
  if (!outbound_conversation_id.empty()) {
    auto stored = is_conversation_id(outbound_conversation_id)
                      ? calls_.load(outbound_conversation_id)
                      : Result<std::optional<CallRecord>>(std::optional<CallRecord>());
    if (!stored || !stored.value()) {
      ++counters_.webhooks_unknown_conversation;
      spdlog::error("outbound call webhook for unknown conversation {} (call {})",
                    outbound_conversation_id, call_sid);
      answer_apology(response, settings_.apology_message);
      return;
    }
    record = std::move(*stored.value());
  } else {
    record.conversation_id = new_conversation_id();
    record.direction = param_or_empty(*params, "Direction");
    if (record.direction.empty()) record.direction = "inbound";
    record.from = param_or_empty(*params, "From");
    record.to = param_or_empty(*params, "To");
    record.created_at = iso8601_now();
  }
  record.call_sid = call_sid;
  record.status = "pending";

  if (!capacity_.reserve(record.conversation_id)) {
    ++counters_.webhooks_busy;
    spdlog::warn("call {} from {} refused: host at capacity ({} calls)", call_sid, record.from,
                 capacity_.max_calls());
    answer_apology(response, settings_.busy_message);
    return;
  }
  if (const Status saved = calls_.save(record); !saved) {
    ++counters_.webhooks_state_store_failed;
    spdlog::error("call {} refused: cannot save its record in the state store: {}", call_sid,
                  saved.message());
    answer_apology(response, settings_.apology_message);
    return;
  }

  if (!call_sid.empty()) {
    if (const Status indexed = calls_.index_call_sid(call_sid, record.conversation_id); !indexed) {
      spdlog::warn("call {}: cannot index its CallSid (status callbacks will not find it): {}",
                   call_sid, indexed.message());
    }
  }
  const std::string base = effective_base_url(settings_.configured_base_url, request.getHost());
  const std::string stream_url =
      websocket_base_url(base) + "/connect_call/" + record.conversation_id;
  ++counters_.webhooks_answered;
  spdlog::info("call {} {} from {} to {}: conversation {}", call_sid, record.direction, record.from,
               record.to, record.conversation_id);
  answer_twiml(response, twilio::connect_stream_twiml(
                             stream_url, {{"conversation_id", record.conversation_id},
                                          {"from", record.from},
                                          {"to", record.to},
                                          {"direction", record.direction}}));
}

}  // namespace callagent::telephony
