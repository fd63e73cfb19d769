// mock-vendors: runs the fake vendor servers as one process, for manual runs, the call
// simulator and the bench. Each vendor is off unless its port option is given
// (0 picks a free port); the URL of each one started is printed as "<vendor>: <url>"
// so scripts can read it.
//
// Adding a vendor: a fake class in this folder (or a subfolder) with start()/stop()/
// base_url(), its options in add_options(), and one block in start_fakes().
#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "tools/mock-vendors/deepgram/fake_deepgram.h"
#include "tools/mock-vendors/elevenlabs/fake_elevenlabs.h"
#include "tools/mock-vendors/openai/fake_openai.h"
#include "tools/mock-vendors/twilio_rest_fake.h"

namespace {

namespace options = boost::program_options;

struct RunningFakes {
  std::unique_ptr<callagent::mock::FakeTwilioRest> twilio_rest;
  std::unique_ptr<callagent::mock::FakeDeepgram> deepgram;
  std::unique_ptr<callagent::mock::FakeOpenAi> openai;
  std::unique_ptr<callagent::mock::FakeElevenLabs> elevenlabs;

  bool any() const { return twilio_rest || deepgram || openai || elevenlabs; }
};

void add_options(options::options_description& description) {
  description.add_options()
      ("help,h", "show this help")
      ("twilio-port", options::value<std::uint16_t>(),
       "serve Twilio's REST API (create/update calls) on 127.0.0.1:PORT")
      ("twilio-account-sid", options::value<std::string>()->default_value(
           callagent::mock::FakeTwilioRestSettings{}.account_sid),
       "the account sid the fake Twilio accepts")
      ("twilio-auth-token", options::value<std::string>()->default_value(
           callagent::mock::FakeTwilioRestSettings{}.auth_token),
       "the auth token the fake Twilio accepts (a test value, never a real one)")
      ("deepgram-port", options::value<std::uint16_t>(),
       "serve Deepgram's live /v1/listen WebSocket on 127.0.0.1:PORT")
      ("deepgram-api-key", options::value<std::string>()->default_value(
           callagent::mock::FakeDeepgramOptions{}.api_key), "the key the fake Deepgram accepts")
      ("deepgram-endpointing-ms", options::value<std::int64_t>()->default_value(300),
       "quiet after speech before the final result")
      ("deepgram-transcript", options::value<std::vector<std::string>>()->composing(),
       "what the caller said, one per utterance, in order (repeat the option); default: a few lines")
      ("openai-port", options::value<std::uint16_t>(),
       "serve OpenAI's chat completions (SSE) on 127.0.0.1:PORT")
      ("openai-api-key", options::value<std::string>()->default_value(
           callagent::mock::FakeOpenAiSettings{}.api_key), "the key the fake OpenAI accepts")
      ("openai-mode", options::value<std::string>()->default_value("echo"),
       "echo (\"You said: ...\"), replay (a recorded stream) or tool (a tool call)")
      ("openai-first-token-ms", options::value<int>()->default_value(0), "delay before the first token")
      ("openai-tokens-per-second", options::value<double>()->default_value(0), "pacing; 0 is as fast as it can")
      ("elevenlabs-port", options::value<std::uint16_t>(),
       "serve ElevenLabs' HTTP stream and stream-input WebSocket on 127.0.0.1:PORT")
      ("elevenlabs-api-key", options::value<std::string>()->default_value(
           callagent::mock::FakeElevenLabsSettings{}.api_key), "the key the fake ElevenLabs accepts")
      ("elevenlabs-first-audio-ms", options::value<int>()->default_value(0), "delay before the first audio byte")
      ("elevenlabs-ms-per-character", options::value<int>()->default_value(
           callagent::mock::FakeElevenLabsSettings{}.ms_per_character), "audio length per character of text")
      ("max-connections", options::value<int>()->default_value(256),
       "connections each fake serves at once (one thread each)");
}

// Prints each fake's URL; false (after saying why) if one cannot start.
bool start_fakes(const options::variables_map& arguments, RunningFakes& fakes) {
  if (arguments.count("twilio-port") != 0) {
    callagent::mock::FakeTwilioRestSettings settings;
    settings.port = arguments["twilio-port"].as<std::uint16_t>();
    settings.account_sid = arguments["twilio-account-sid"].as<std::string>();
    settings.auth_token = arguments["twilio-auth-token"].as<std::string>();
    fakes.twilio_rest = std::make_unique<callagent::mock::FakeTwilioRest>(settings);
    if (const auto status = fakes.twilio_rest->start(); !status) {
      std::cerr << "mock-vendors: " << status.message() << '\n';
      return false;
    }
    std::cout << "twilio: " << fakes.twilio_rest->base_url() << std::endl;
  }
  const int max_connections = arguments["max-connections"].as<int>();
  if (arguments.count("deepgram-port") != 0) {
    callagent::mock::FakeDeepgramOptions settings;
    settings.port = arguments["deepgram-port"].as<std::uint16_t>();
    settings.api_key = arguments["deepgram-api-key"].as<std::string>();
    settings.endpointing_ms = arguments["deepgram-endpointing-ms"].as<std::int64_t>();
    settings.max_connections = max_connections;
    settings.transcripts = arguments.count("deepgram-transcript") != 0
                               ? arguments["deepgram-transcript"].as<std::vector<std::string>>()
                               : std::vector<std::string>{"What are your opening hours?",
                                                          "Can I book an appointment for Tuesday?",
                                                          "Thank you, goodbye."};
    fakes.deepgram = std::make_unique<callagent::mock::FakeDeepgram>(settings);
    try {
      fakes.deepgram->start();
    } catch (const std::exception& error) {
      std::cerr << "mock-vendors: fake Deepgram cannot listen: " << error.what() << '\n';
      return false;
    }
    std::cout << "deepgram: " << fakes.deepgram->base_url() << std::endl;
  }
  if (arguments.count("openai-port") != 0) {
    callagent::mock::FakeOpenAiSettings settings;
    settings.port = arguments["openai-port"].as<std::uint16_t>();
    settings.api_key = arguments["openai-api-key"].as<std::string>();
    settings.mode = arguments["openai-mode"].as<std::string>();
    settings.first_token_delay_ms = arguments["openai-first-token-ms"].as<int>();
    settings.tokens_per_second = arguments["openai-tokens-per-second"].as<double>();
    settings.max_connections = max_connections;
    fakes.openai = std::make_unique<callagent::mock::FakeOpenAi>(settings);
    if (const auto status = fakes.openai->start(); !status) {
      std::cerr << "mock-vendors: " << status.message() << '\n';
      return false;
    }
    std::cout << "openai: " << fakes.openai->base_url() << std::endl;
  }
  if (arguments.count("elevenlabs-port") != 0) {
    callagent::mock::FakeElevenLabsSettings settings;
    settings.port = arguments["elevenlabs-port"].as<std::uint16_t>();
    settings.api_key = arguments["elevenlabs-api-key"].as<std::string>();
    settings.first_audio_delay_ms = arguments["elevenlabs-first-audio-ms"].as<int>();
    settings.ms_per_character = arguments["elevenlabs-ms-per-character"].as<int>();
    settings.max_connections = max_connections;
    try {
      fakes.elevenlabs = std::make_unique<callagent::mock::FakeElevenLabs>(settings);
    } catch (const std::exception& error) {
      std::cerr << "mock-vendors: fake ElevenLabs cannot listen: " << error.what() << '\n';
      return false;
    }
    std::cout << "elevenlabs: " << fakes.elevenlabs->base_url() << std::endl;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // Blocked before any server thread exists, so only sigwait() below sees them.
  sigset_t termination_signals;
  sigemptyset(&termination_signals);
  sigaddset(&termination_signals, SIGINT);
  sigaddset(&termination_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &termination_signals, nullptr);

  options::options_description description("mock-vendors options");
  add_options(description);
  options::variables_map arguments;
  try {
    options::store(options::parse_command_line(argc, argv, description), arguments);
    options::notify(arguments);
  } catch (const options::error& error) {
    std::cerr << "mock-vendors: " << error.what() << "\n" << description;
    return 2;
  }
  if (arguments.count("help") != 0) {
    std::cout << "usage: mock-vendors [--twilio-port N] [--deepgram-port N] [--openai-port N] [--elevenlabs-port N] ...\n"
              << description;
    return 0;
  }

  RunningFakes fakes;
  if (!start_fakes(arguments, fakes)) return 1;
  if (!fakes.any()) {
    std::cerr << "mock-vendors: no vendor selected (try --deepgram-port 0 --openai-port 0)\n";
    return 2;
  }
  int received_signal = 0;
  sigwait(&termination_signals, &received_signal);
  return EXIT_SUCCESS;  // fakes stop in their destructors
}
