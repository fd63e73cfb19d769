#include "tools/call-sim/transcript_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <fmt/format.h>

#include <istream>
#include <thread>

namespace callagent::callsim {
namespace {

constexpr std::size_t kMaxRecordBytes = 8 << 20;
constexpr auto kPollInterval = std::chrono::milliseconds(250);

std::string read_capped(std::istream& in) {
  std::string body;
  char buffer[8192];
  while (body.size() < kMaxRecordBytes && in.read(buffer, sizeof buffer).gcount() > 0) {
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return body;
}

std::string string_or_empty(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

Result<CallTranscript> fetch_call_transcript(std::string_view host_url, std::string_view conversation_id,
                                             std::string_view api_token, const ConnectionSettings& settings) {
  std::string encoded_id;
  Poco::URI::encode(std::string(conversation_id), "/?#", encoded_id);
  std::string url(host_url);
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/call/" + encoded_id;
  auto target = parse_http_target(url);
  if (!target) return target.status();

  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target.value().path_and_query,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.set("Accept", "application/json");
  if (!api_token.empty()) request.set("Authorization", fmt::format("Bearer {}", api_token));

  auto session = open_http_session(target.value(), settings);
  int status = 0;
  std::string body;
  try {
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    status = static_cast<int>(response.getStatus());
    body = read_capped(in);
  } catch (const std::exception& error) {
    return Status(ErrorCode::unavailable, describe_connection_error(target.value(), error));
  }
  if (status != 200) {
    const ErrorCode code = status == 401 || status == 403 ? ErrorCode::unauthenticated
                           : status == 404                ? ErrorCode::not_found
                                                          : ErrorCode::unavailable;
    return Status(code, fmt::format("call API answered {}: {}", status, body.substr(0, 300)));
  }

  CallTranscript transcript;
  transcript.record = nlohmann::json::parse(body, nullptr, false);
  if (transcript.record.is_discarded() || !transcript.record.is_object()) {
    return Status(ErrorCode::vendor_error, "call API answered something that is not a JSON object");
  }
  transcript.status = string_or_empty(transcript.record, "status");
  transcript.ended_reason = string_or_empty(transcript.record, "ended_reason");
  const auto turns = transcript.record.find("turns");
  if (turns != transcript.record.end() && turns->is_array()) {
    for (const auto& entry : *turns) {
      if (!entry.is_object()) continue;
      TranscriptTurn turn;
      turn.speaker = string_or_empty(entry, "speaker");
      turn.text = string_or_empty(entry, "text");
      const auto interrupted = entry.find("interrupted");
      turn.interrupted = interrupted != entry.end() && interrupted->is_boolean() && interrupted->get<bool>();
      transcript.turns.push_back(std::move(turn));
    }
  }
  return transcript;
}

Result<CallTranscript> fetch_final_call_transcript(std::string_view host_url, std::string_view conversation_id,
                                                   std::string_view api_token, const ConnectionSettings& settings,
                                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto transcript = fetch_call_transcript(host_url, conversation_id, api_token, settings);
    if (!transcript) return transcript;
    const std::string& status = transcript.value().status;
    const bool final_status = status != "pending" && status != "in-progress";
    if (final_status || std::chrono::steady_clock::now() + kPollInterval > deadline) return transcript;
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string format_transcript(const CallTranscript& transcript) {
  std::string text;
  for (const TranscriptTurn& turn : transcript.turns) {
    text += fmt::format("{}: {}{}\n", turn.speaker.empty() ? "?" : turn.speaker, turn.text,
                        turn.interrupted ? " (interrupted)" : "");
  }
  if (text.empty()) text = "(no turns recorded)\n";
  return text;
}

}  // namespace callagent::callsim
