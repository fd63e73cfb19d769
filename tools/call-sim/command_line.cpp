#include "tools/call-sim/command_line.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "tools/call-sim/audio_source.h"

namespace callagent::callsim {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "call-sim: plays Twilio's side of phone calls against a running callagent host.\n"
    "\n"
    "  call-sim --say \"What are your opening hours?\" --say \"Thanks, bye\"\n"
    "  call-sim --play question.wav --barge-in --say \"Stop, sorry\" --record agent.wav\n"
    "  call-sim --calls 20 --say \"Hello\" --json\n"
    "\n"
    "Turns (--play, --say, --dtmf) run in the order given, each after the agent has\n"
    "answered and gone quiet; --barge-in makes the next turn start while the agent speaks.\n"
    "\nOptions";

po::options_description describe_options() {
  po::options_description options(kUsage);
  // clang-format off
  options.add_options()
    ("help,h", "show this help")
    ("host", po::value<std::string>()->default_value("http://127.0.0.1:3000"), "the host's address")
    ("webhook-path", po::value<std::string>()->default_value("/inbound_call"), "the voice webhook path")
    ("base-url", po::value<std::string>(), "the public URL the host believes it has (signatures cover it); default --host")
    ("auth-token", po::value<std::string>(), "Twilio auth token to sign with; default $TWILIO_AUTH_TOKEN; empty: unsigned")
    ("from", po::value<std::string>()->default_value("+15555550100"), "caller number")
    ("to", po::value<std::string>()->default_value("+15555550199"), "called number")
    ("play", po::value<std::vector<std::string>>()->composing(), "a caller turn from a sound file (repeatable)")
    ("say", po::value<std::vector<std::string>>()->composing(), "a caller turn spoken by Flite (repeatable)")
    ("dtmf", po::value<std::vector<std::string>>()->composing(), "a turn of key presses, e.g. 12# (repeatable)")
    ("barge-in", po::bool_switch(), "the next turn starts while the agent is speaking (repeatable)")
    ("hang-up-after-seconds", po::value<double>(), "stay on the line and hang up this long after dialling")
    ("wait-for-goodbye", po::bool_switch(), "after the last turn, wait for the host to end the call")
    ("no-greeting", po::bool_switch(), "do not expect the agent to speak first")
    ("quiet-ms", po::value<int>()->default_value(800), "agent silence that counts as its turn being over")
    ("answer-timeout-seconds", po::value<double>()->default_value(20), "the greeting and each answer must start within this")
    ("record", po::value<std::string>(), "write what the caller heard as a mu-law WAV (agent-N.wav with --calls)")
    ("calls", po::value<int>()->default_value(1), "concurrent calls")
    ("json", po::bool_switch(), "print events as JSON lines")
    ("verbose,v", po::bool_switch(), "also print every agent media frame")
    ("max-seconds", po::value<double>()->default_value(120), "fail a call still running after this long")
    ("api-token", po::value<std::string>(), "after the call, fetch GET /call/{id} with this bearer token and print the transcript")
    ("insecure", po::bool_switch(), "accept any TLS certificate (self-signed hosts)")
    ("stream-direct", po::bool_switch(), "connect the stream to the TwiML URL as written, not through --host");
  // clang-format on
  return options;
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  ParsedCommandLine result;
  const po::options_description description = describe_options();
  po::variables_map values;
  po::parsed_options parsed(&description);
  try {
    parsed = po::command_line_parser(argc, argv).options(description).run();
    po::store(parsed, values);
    po::notify(values);
  } catch (const po::error& error) {
    result.exit_code = 2;
    result.message = fmt::format("call-sim: {}\nTry call-sim --help.", error.what());
    return result;
  }
  if (values.count("help") != 0) {
    std::ostringstream help;
    help << description;
    result.message = help.str();
    return result;
  }

  CommandLineOptions options;
  options.host_url = values["host"].as<std::string>();
  options.webhook_path = values["webhook-path"].as<std::string>();
  if (values.count("base-url") != 0) options.base_url = values["base-url"].as<std::string>();
  if (values.count("auth-token") != 0) {
    options.auth_token = values["auth-token"].as<std::string>();
  } else if (const char* token = std::getenv("TWILIO_AUTH_TOKEN")) {
    options.auth_token = token;
  }
  options.from = values["from"].as<std::string>();
  options.to = values["to"].as<std::string>();
  if (values.count("hang-up-after-seconds") != 0) {
    options.hang_up_after_seconds = values["hang-up-after-seconds"].as<double>();
  }
  options.wait_for_goodbye = values["wait-for-goodbye"].as<bool>();
  options.expect_greeting = !values["no-greeting"].as<bool>();
  options.quiet = std::chrono::milliseconds(values["quiet-ms"].as<int>());
  options.answer_timeout = seconds_to_ms(values["answer-timeout-seconds"].as<double>());
  if (values.count("record") != 0) options.record_path = values["record"].as<std::string>();
  options.calls = values["calls"].as<int>();
  options.json = values["json"].as<bool>();
  options.verbose = values["verbose"].as<bool>();
  options.max_seconds = values["max-seconds"].as<double>();
  if (values.count("api-token") != 0) options.api_token = values["api-token"].as<std::string>();
  options.insecure = values["insecure"].as<bool>();
  options.stream_direct = values["stream-direct"].as<bool>();

  // The turns, in the order they appeared: variables_map keeps each option's values but
  // not how --play, --say and --dtmf interleave, so read the parsed list instead.
  bool barge_in_next = false;
  for (const po::option& option : parsed.options) {
    if (option.string_key == "barge-in") {
      barge_in_next = true;
      continue;
    }
    CallerTurnOption turn;
    if (option.string_key == "play") {
      turn.kind = CallerTurnOption::Kind::play_file;
    } else if (option.string_key == "say") {
      turn.kind = CallerTurnOption::Kind::say_text;
    } else if (option.string_key == "dtmf") {
      turn.kind = CallerTurnOption::Kind::dtmf;
    } else {
      continue;
    }
    for (const std::string& value : option.value) {
      turn.value = value;
      turn.barge_in = barge_in_next && turn.kind != CallerTurnOption::Kind::dtmf;
      barge_in_next = false;
      options.turns.push_back(turn);
    }
  }

  std::string problem;
  if (options.calls < 1) problem = "--calls must be at least 1";
  if (options.max_seconds <= 0) problem = "--max-seconds must be positive";
  if (options.hang_up_after_seconds && *options.hang_up_after_seconds <= 0) {
    problem = "--hang-up-after-seconds must be positive";
  }
  if (barge_in_next) problem = "--barge-in must come before the --play or --say it applies to";
  if (options.quiet.count() < 0) problem = "--quiet-ms must not be negative";
  if (!problem.empty()) {
    result.exit_code = 2;
    result.message = fmt::format("call-sim: {}\nTry call-sim --help.", problem);
    return result;
  }
  result.options = std::move(options);
  return result;
}

CallSettings make_call_settings(const CommandLineOptions& options) {
  CallSettings settings;
  settings.host_url = options.host_url;
  settings.webhook_path = options.webhook_path;
  settings.public_base_url = options.base_url;
  settings.auth_token = options.auth_token;
  settings.from = options.from;
  settings.to = options.to;
  settings.connect_stream_via_host = !options.stream_direct;
  settings.verify_tls_certificates = !options.insecure;
  settings.keep_recording = !options.record_path.empty();
  settings.max_duration = seconds_to_ms(options.max_seconds);
  if (options.hang_up_after_seconds) settings.hang_up_after = seconds_to_ms(*options.hang_up_after_seconds);
  return settings;
}

Result<CallScript> build_call_script(const CommandLineOptions& options) {
  // Long enough for any answer to finish playing; --max-seconds bounds the call anyway.
  const auto listen_limit = seconds_to_ms(options.max_seconds);
  CallScript script;
  if (options.expect_greeting) script.wait_for_agent_audio(options.answer_timeout);

  for (const CallerTurnOption& turn : options.turns) {
    if (turn.kind == CallerTurnOption::Kind::dtmf) {
      script.wait_for_agent_quiet(options.quiet, listen_limit).dtmf(turn.value);
      continue;
    }
    CallerUtterance utterance;
    if (turn.kind == CallerTurnOption::Kind::play_file) {
      auto audio = load_caller_audio(turn.value);
      if (!audio) return audio.status();
      utterance = CallerUtterance::from_audio(std::move(audio).value(),
                                              std::filesystem::path(turn.value).filename().string());
    } else {
      utterance = CallerUtterance::from_text(turn.value);
    }
    if (turn.barge_in) {
      script.barge_in(std::move(utterance), std::chrono::milliseconds(500), options.answer_timeout);
    } else {
      script.wait_for_agent_quiet(options.quiet, listen_limit).play(std::move(utterance));
    }
    script.wait_for_agent_audio(options.answer_timeout);
  }

  if (options.wait_for_goodbye) {
    script.wait_for_host_close(listen_limit);
  } else if (options.hang_up_after_seconds) {
    // Stay on the line: CallSettings::hang_up_after ends the call at the given time.
    script.wait_for_host_close(listen_limit);
  } else {
    script.wait_for_agent_quiet(options.quiet, listen_limit).hang_up();
  }
  if (Status rendered = script.render_speech(); !rendered) return rendered;
  return script;
}

}  // namespace callagent::callsim
