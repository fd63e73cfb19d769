// Runs the real callagent binary with the real plugins and checks what an operator sees:
// it starts, serves /healthz, stops cleanly on SIGTERM, and explains bad configs.
#include <csignal>
#include <regex>
#include <sstream>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"

namespace callagent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ChildProcess;
using testing::run_to_completion;
using testing::TemporaryDirectory;

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string allow;
};

HttpAnswer http_request(std::uint16_t port, const std::string& method, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& body = session.receiveResponse(response);
  HttpAnswer answer;
  answer.status = static_cast<int>(response.getStatus());
  answer.allow = response.get("Allow", "");
  std::ostringstream text;
  Poco::StreamCopier::copyStream(body, text);
  answer.body = text.str();
  return answer;
}

std::string minimal_config(const TemporaryDirectory& directory, const std::string& extra_server = "") {
  return R"({
    "server": { "port": 3000 )" + extra_server + R"( },
    "providers": {
      "state": { "plugin": "state_memory" },
      "events": [ { "plugin": "events_jsonfile",
                    "config": { "directory": ")" + directory.path() + R"(/transcripts" } } ]
    }
  })";
}

class HostProcessTest : public ::testing::Test {
 protected:
  TemporaryDirectory directory;
  const std::string binary = CALLAGENT_BINARY;
  const std::string plugin_dir = CALLAGENT_PLUGIN_DIR;

  std::unique_ptr<ChildProcess> start_host(const std::string& config_text,
                                           std::vector<std::string> extra_arguments = {}) {
    const std::string config = directory.write_file("config.json", config_text);
    std::vector<std::string> arguments{"--config", config, "--port", "0", "--plugin-dir", plugin_dir};
    arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
    return std::make_unique<ChildProcess>(binary, arguments);
  }

  static std::uint16_t wait_until_listening(ChildProcess& host) {
    const auto match = host.wait_for_output(std::regex(R"(listening on [^:\s]+:(\d+))"),
                                            std::chrono::seconds(20));
    if (!match) {
      ADD_FAILURE() << "host did not start; output:\n" << host.output();
      return 0;
    }
    return static_cast<std::uint16_t>(std::stoi((*match)[1]));
  }
};

TEST_F(HostProcessTest, ServesHealthAndStopsCleanlyOnSigterm) {
  auto host = start_host(minimal_config(directory));
  const std::uint16_t port = wait_until_listening(*host);
  ASSERT_NE(port, 0);

  const HttpAnswer health = http_request(port, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(nlohmann::json::parse(health.body)["status"], "ok");

  const HttpAnswer missing = http_request(port, "GET", "/no/such/route");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["error"], "not found");

  const HttpAnswer wrong_method = http_request(port, "POST", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.allow, "GET");

  host->send_signal(SIGTERM);
  EXPECT_EQ(host->wait_for_exit(std::chrono::seconds(15)), 0) << host->output();
  EXPECT_THAT(host->output(), HasSubstr("SIGTERM received"));
  EXPECT_THAT(host->output(), HasSubstr("stopped"));
}

TEST_F(HostProcessTest, JsonLogFormatWritesOneObjectPerLine) {
  auto host = start_host(minimal_config(directory), {"--log-format", "json"});
  ASSERT_NE(wait_until_listening(*host), 0);
  host->send_signal(SIGINT);
  ASSERT_EQ(host->wait_for_exit(std::chrono::seconds(15)), 0);
  std::istringstream lines(host->output());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    const auto record = nlohmann::json::parse(line);  // throws (fails) on a non-JSON line
    EXPECT_TRUE(record.contains("level"));
    EXPECT_TRUE(record.contains("message"));
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST_F(HostProcessTest, PortInUseIsAClearError) {
  auto first = start_host(minimal_config(directory));
  const std::uint16_t port = wait_until_listening(*first);
  ASSERT_NE(port, 0);
  const std::string config = directory.write_file("second.json", minimal_config(directory));
  const auto second = run_to_completion(
      binary, {"--config", config, "--port", std::to_string(port), "--plugin-dir", plugin_dir});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.output, HasSubstr("cannot listen on 0.0.0.0:" + std::to_string(port)));
}

TEST_F(HostProcessTest, UnknownPluginStopsStartUpWithThePathAndFolder) {
  const std::string config = directory.write_file(
      "config.json", R"({"providers": {"stt": {"plugin": "stt_nonexistent"}}})");
  const auto result = run_to_completion(binary, {"--config", config, "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("providers.stt: unknown plugin \"stt_nonexistent\""));
  EXPECT_THAT(result.output, HasSubstr(plugin_dir));
}

TEST_F(HostProcessTest, CheckConfigNamesTheJsonPathOfEachError) {
  const std::string config = directory.write_file("broken.json", R"({
    "server": { "port": "eighty", "prot": 1 },
    "providers": { "stt": { "plugin": "../evil" } },
    "agent": { "interrupt_sensitivity": "medium" }
  })");
  const auto result = run_to_completion(binary, {"--check-config", config, "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("server.port:"));
  EXPECT_THAT(result.output, HasSubstr("server.prot:"));
  EXPECT_THAT(result.output, HasSubstr("providers.stt.plugin:"));
  EXPECT_THAT(result.output, HasSubstr("agent.interrupt_sensitivity:"));
}

TEST_F(HostProcessTest, CheckConfigRunsEachPluginsOwnValidation) {
  const std::string config = directory.write_file("plugins.json", R"({
    "providers": {
      "stt": { "plugin": "state_memory" },
      "events": [ { "plugin": "events_jsonfile", "config": { "fsync": "yes" } } ]
    }
  })");
  const auto result = run_to_completion(binary, {"--check-config", config, "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("providers.stt.plugin:"));
  EXPECT_THAT(result.output, HasSubstr("is a state plugin"));
  EXPECT_THAT(result.output, HasSubstr("providers.events[0].config.fsync:"));
}

TEST_F(HostProcessTest, CheckConfigAcceptsAGoodConfig) {
  const std::string config = directory.write_file("good.json", minimal_config(directory));
  const auto result = run_to_completion(binary, {"--check-config", config, "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("ok"));
}

TEST_F(HostProcessTest, ListPluginsShowsNameKindVersionAndFile) {
  const auto result = run_to_completion(binary, {"--list-plugins", "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(std::regex_search(result.output,
                                std::regex(R"(state_memory\s+state\s+\S+\s+\S*libstate_memory\.so)")))
      << result.output;
  EXPECT_TRUE(std::regex_search(
      result.output, std::regex(R"(events_jsonfile\s+events\s+\S+\s+\S*libevents_jsonfile\.so)")))
      << result.output;
}

TEST_F(HostProcessTest, PrintConfigRedactsSecrets) {
  const std::string config = directory.write_file("secret.json", R"({
    "server": { "api_token": "admin-token-do-not-print" },
    "twilio": { "account_sid": "AC123", "auth_token": "twilio-secret-do-not-print" }
  })");
  const auto result = run_to_completion(binary, {"--config", config, "--print-config"});
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, Not(HasSubstr("do-not-print")));
  EXPECT_THAT(result.output, HasSubstr("AC123"));
}

TEST_F(HostProcessTest, ServesHttpsWithTheConfiguredCertificate) {
  const std::string key = directory.path() + "/key.pem";
  const std::string certificate = directory.path() + "/certificate.pem";
  const auto generated = run_to_completion(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out",
                           certificate, "-days", "1", "-subj", "/CN=127.0.0.1"});
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  auto host = start_host(minimal_config(directory, R"(, "tls": { "certificate_file": ")" + certificate +
                                                       R"(", "private_key_file": ")" + key + R"(" })"));
  const std::uint16_t port = wait_until_listening(*host);
  ASSERT_NE(port, 0);
  EXPECT_THAT(host->output(), HasSubstr("(https)"));

  Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                           Poco::Net::Context::VERIFY_NONE);
  Poco::Net::HTTPSClientSession session("127.0.0.1", port, context);
  Poco::Net::HTTPRequest request("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), body);
  EXPECT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_OK);
  EXPECT_THAT(body.str(), HasSubstr("ok"));
}

// The local ngrok agent's API, answering /api/tunnels with one http and one https tunnel.
class FakeNgrokAgent {
 public:
  FakeNgrokAgent() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    server_ = std::make_unique<Poco::Net::HTTPServer>(Poco::makeShared<Factory>(), socket_,
                                                      Poco::makeAuto<Poco::Net::HTTPServerParams>());
    server_->start();
  }
  ~FakeNgrokAgent() { server_->stopAll(true); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(socket_.address().port()); }

 private:
  struct Handler final : Poco::Net::HTTPRequestHandler {
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override {
      response.setContentType("application/json");
      response.send() << R"json({"tunnels":[{"name":"command_line (http)","public_url":"http://abc.ngrok.app","proto":"http"},)json"
                      << R"json({"name":"command_line","public_url":"https://abc.ngrok.app","proto":"https"}],"uri":"/api/tunnels"})json";
    }
  };
  struct Factory final : Poco::Net::HTTPRequestHandlerFactory {
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
      return new Handler;
    }
  };
  Poco::Net::ServerSocket socket_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

TEST_F(HostProcessTest, AsksTheNgrokAgentForThePublicUrl) {
  FakeNgrokAgent ngrok;
  auto host = start_host(minimal_config(directory, R"(, "ngrok_api_url": ")" + ngrok.url() + R"(")"));
  ASSERT_NE(wait_until_listening(*host), 0);
  EXPECT_THAT(host->output(), HasSubstr("public URL from ngrok: https://abc.ngrok.app"));
}

TEST_F(HostProcessTest, NoPublicUrlForSignaturesIsAClearError) {
  const std::string config = directory.write_file(
      "nourl.json", R"({"twilio": {"auth_token": "secret-token"}, "providers": {"state": {"plugin": "state_memory"}}})");
  const auto result = run_to_completion(binary, {"--config", config, "--port", "0", "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("server.base_url: required to check Twilio signatures"));
  EXPECT_THAT(result.output, Not(HasSubstr("secret-token")));

  const std::string unreachable = directory.write_file(
      "ngrok.json", R"({"server": {"ngrok_api_url": "http://127.0.0.1:1"}, "providers": {"state": {"plugin": "state_memory"}}})");
  const auto no_agent = run_to_completion(binary, {"--config", unreachable, "--port", "0", "--plugin-dir", plugin_dir});
  EXPECT_EQ(no_agent.exit_code, 2);
  EXPECT_THAT(no_agent.output, HasSubstr("server.ngrok_api_url: cannot reach the ngrok agent"));
}

TEST_F(HostProcessTest, UnusableCertificateIsAConfigError) {
  const std::string config = directory.write_file(
      "tls.json", minimal_config(directory, R"(, "tls": { "certificate_file": "/nonexistent/c.pem", "private_key_file": "/nonexistent/k.pem" })"));
  const auto result = run_to_completion(binary, {"--config", config, "--port", "0", "--plugin-dir", plugin_dir});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("server.tls"));
}

}  // namespace
}  // namespace callagent
