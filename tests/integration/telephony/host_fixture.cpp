#include "tests/integration/telephony/host_fixture.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <regex>
#include <sstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "host/audio/mulaw.h"
#include "tools/call-sim/twiml_stream_parser.h"

namespace callagent::testing {

std::string HttpAnswer::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (Poco::icompare(key, name) == 0) return value;
  }
  return {};
}

HttpAnswer http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body, const std::string& bearer_token,
                        const std::string& content_type) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!bearer_token.empty()) request.set("Authorization", "Bearer " + bearer_token);
  if (!body.empty()) {
    request.setContentType(content_type);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& stream = session.receiveResponse(response);
  HttpAnswer answer;
  answer.status = static_cast<int>(response.getStatus());
  for (const auto& [key, value] : response) answer.headers.emplace_back(key, value);
  std::ostringstream text;
  Poco::StreamCopier::copyStream(stream, text);
  answer.body = text.str();
  return answer;
}

std::uint16_t free_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

std::vector<std::uint8_t> tone(std::chrono::milliseconds duration, double frequency_hz) {
  std::vector<std::uint8_t> audio;
  const auto samples = static_cast<std::size_t>(duration.count()) * 8;
  for (std::size_t index = 0; index < samples; ++index) {
    const double value = 8000.0 * std::sin(2.0 * std::numbers::pi * frequency_hz * static_cast<double>(index) / 8000.0);
    audio.push_back(audio::linear_to_mulaw(static_cast<std::int16_t>(value)));
  }
  return audio;
}

RunningHost::RunningHost(const TemporaryDirectory& directory, nlohmann::json config) : port_(free_port()) {
  auto& server = config["server"];
  server["port"] = port_;
  if (!server.contains("base_url")) server["base_url"] = base_url();
  if (!server.contains("api_token")) server["api_token"] = kTestApiToken;
  if (!config["twilio"].contains("auth_token")) config["twilio"]["auth_token"] = kTestAuthToken;
  const std::string file = directory.write_file("config-" + std::to_string(port_) + ".json", config.dump(2));
  process_ = std::make_unique<ChildProcess>(
      CALLAGENT_BINARY, std::vector<std::string>{"--config", file, "--plugin-dir", CALLAGENT_PLUGIN_DIR},
      directory.path());
  if (!process_->wait_for_output(std::regex(R"(listening on \S+)"), std::chrono::seconds(20))) {
    ADD_FAILURE() << "the host did not start:\n" << process_->output();
  }
}

RunningHost::~RunningHost() {
  process_->send_signal(SIGTERM);
  process_->wait_for_exit(std::chrono::seconds(20));
}

std::string RunningHost::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

callsim::CallSettings RunningHost::call_settings() const {
  callsim::CallSettings settings;
  settings.host_url = base_url();
  settings.auth_token = kTestAuthToken;
  settings.max_duration = std::chrono::seconds(60);
  return settings;
}

nlohmann::json fake_pipeline_config(const TemporaryDirectory& directory,
                                    const std::vector<std::string>& caller_lines) {
  return {{"server", nlohmann::json::object()},
          {"twilio", nlohmann::json::object()},
          {"providers",
           {{"stt", {{"plugin", "fake_stt"}, {"config", {{"transcripts", caller_lines}, {"endpointing_ms", 300}}}}},
            {"llm", {{"plugin", "fake_llm"}, {"config", {{"mode", "echo"}}}}},
            {"tts", {{"plugin", "fake_tts"}, {"config", {{"ms_per_character", 30}}}}},
            {"state", {{"plugin", "state_memory"}}},
            {"events",
             {{{"plugin", "events_jsonfile"},
               {"config", {{"directory", directory.path() + "/transcripts"}, {"fsync", false}}}}}}}},
          {"agent", {{"initial_message", "Hello, how can I help?"}}}};
}

std::vector<nlohmann::json> transcript_records(const TemporaryDirectory& directory) {
  std::vector<nlohmann::json> records;
  const std::filesystem::path root = directory.path() + "/transcripts";
  if (!std::filesystem::exists(root)) return records;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".json" || name.front() == '.') continue;
    std::ifstream file(entry.path());
    records.push_back(nlohmann::json::parse(file));
  }
  return records;
}

std::vector<nlohmann::json> wait_for_transcripts(const TemporaryDirectory& directory, std::size_t count,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto records = transcript_records(directory);
  while (records.size() < count && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    records = transcript_records(directory);
  }
  return records;
}

callsim::WebhookRequest inbound_webhook(const RunningHost& host, const std::string& auth_token) {
  callsim::WebhookRequest request;
  request.connect_url = host.base_url() + "/inbound_call";
  request.signed_url = request.connect_url;
  request.auth_token = auth_token;
  request.params = callsim::incoming_call_params("CA0123456789abcdef0123456789abcdef",
                                                 "AC0123456789abcdef0123456789abcdef", "+15550001111",
                                                 "+15550002222");
  return request;
}

std::string pending_stream_url(const RunningHost& host) {
  const auto answer = callsim::post_voice_webhook(inbound_webhook(host, kTestAuthToken), {});
  EXPECT_TRUE(answer && answer.value().status == 200);
  if (!answer) return "";
  const auto stream = callsim::parse_stream_twiml(answer.value().body);
  EXPECT_TRUE(stream) << answer.value().body;
  return stream ? stream.value().url : "";
}

twilio::StartMessage test_start_message() {
  twilio::StartMessage start;
  start.sequence_number = 1;
  start.stream_sid = "MZ0123456789abcdef0123456789abcdef";
  start.account_sid = "AC0123456789abcdef0123456789abcdef";
  start.call_sid = "CA0123456789abcdef0123456789abcdef";
  start.tracks = {"inbound"};
  start.encoding = "audio/x-mulaw";
  start.sample_rate_hz = 8000;
  start.channels = 1;
  return start;
}

callsim::CallScript greeting_turn_goodbye(std::chrono::milliseconds turn, std::chrono::milliseconds goodbye) {
  using namespace std::chrono_literals;
  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(turn), "turn 1")
      .wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(goodbye), "goodbye")
      .wait_for_host_close(20s);
  return script;
}

}  // namespace callagent::testing
