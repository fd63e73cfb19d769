// outbound-call: places a phone call through a running callagent host (the seed's
// `python -m outbound_calls`). The host saves the call record first, then asks Twilio to
// create the call; this tool only talks to the host's POST /calls.
//
//   outbound-call --to +14155551212 --from +12349013030 [--host URL] [--api-token T]
//                 [--initial-message TEXT] [--prompt-preamble TEXT]
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace options = boost::program_options;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::unique_ptr<Poco::Net::HTTPClientSession> session_for(const Poco::URI& uri) {
  if (uri.getScheme() == "https") {
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", "", "", Poco::Net::Context::VERIFY_RELAXED, 9, true);
    return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
  }
  return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "http://127.0.0.1:3000";
  std::string api_token;
  std::string to;
  std::string from;
  std::string initial_message;
  std::string prompt_preamble;
  options::options_description description(
      "outbound-call: place a call through a running callagent host.\n\n"
      "Usage: outbound-call --to NUMBER --from NUMBER [options]\n\nOptions");
  // clang-format off
  description.add_options()
    ("help,h", "print this help and exit")
    ("host", options::value<std::string>(&host), "the host's URL (default http://127.0.0.1:3000)")
    ("api-token", options::value<std::string>(&api_token),
     "the host's server.api_token (default: $CALLAGENT_API_TOKEN)")
    ("to", options::value<std::string>(&to), "the number to call, E.164 (+14155551212)")
    ("from", options::value<std::string>(&from), "your Twilio number, E.164")
    ("initial-message", options::value<std::string>(&initial_message), "override agent.initial_message for this call")
    ("prompt-preamble", options::value<std::string>(&prompt_preamble), "override agent.prompt_preamble for this call");
  // clang-format on
  try {
    options::variables_map values;
    options::store(options::parse_command_line(argc, argv, description), values);
    options::notify(values);
    if (values.count("help") > 0) {
      std::cout << description;
      return kExitOk;
    }
  } catch (const options::error& error) {
    std::cerr << "outbound-call: " << error.what() << " (see outbound-call --help)\n";
    return kExitUsage;
  }
  if (api_token.empty()) {
    if (const char* from_environment = std::getenv("CALLAGENT_API_TOKEN")) api_token = from_environment;
  }
  if (to.empty() || from.empty()) {
    std::cerr << "outbound-call: --to and --from are required (see outbound-call --help)\n";
    return kExitUsage;
  }

  nlohmann::json body = {{"to", to}, {"from", from}};
  if (!initial_message.empty()) body["agent"]["initial_message"] = initial_message;
  if (!prompt_preamble.empty()) body["agent"]["prompt_preamble"] = prompt_preamble;
  const std::string text = body.dump();
  try {
    const Poco::URI uri(host);
    auto session = session_for(uri);
    session->setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/calls", Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(text.size()));
    if (!api_token.empty()) request.set("Authorization", "Bearer " + api_token);
    session->sendRequest(request) << text;
    Poco::Net::HTTPResponse response;
    std::ostringstream answer;
    Poco::StreamCopier::copyStream(session->receiveResponse(response), answer);
    const auto json = nlohmann::json::parse(answer.str(), nullptr, false);
    if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_CREATED) {
      const std::string message =
          json.is_object() && json.contains("error") ? json["error"].get<std::string>() : answer.str();
      std::cerr << "outbound-call: the host answered " << static_cast<int>(response.getStatus()) << ": "
                << message << "\n";
      return kExitFailed;
    }
    std::cout << "call placed: conversation " << json.value("conversation_id", "?") << ", Twilio call "
              << json.value("call_sid", "?") << " (" << json.value("status", "?") << ")\n";
    return kExitOk;
  } catch (const Poco::Exception& error) {
    std::cerr << "outbound-call: cannot reach the host at " << host << ": " << error.displayText() << "\n";
    return kExitFailed;
  }
}
