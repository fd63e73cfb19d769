// call-sim's command line: options → what to run, and the caller's script built from the
// turns in the order they were given (--play, --say, --dtmf, with --barge-in marking the
// next turn).
//
// Threading: used once on the main thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "callagent/plugin_api/status.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::callsim {

struct CallerTurnOption {
  enum class Kind { play_file, say_text, dtmf };
  Kind kind = Kind::say_text;
  std::string value;      // file path, text or digits
  bool barge_in = false;  // start while the agent is still speaking
};

struct CommandLineOptions {
  std::string host_url = "http://127.0.0.1:3000";
  std::string webhook_path = "/inbound_call";
  std::string base_url;    // empty: host_url
  std::string auth_token;  // secret
  std::string from = "+15555550100";
  std::string to = "+15555550199";
  std::vector<CallerTurnOption> turns;  // command-line order
  std::optional<double> hang_up_after_seconds;
  bool wait_for_goodbye = false;
  bool expect_greeting = true;
  std::string record_path;
  int calls = 1;
  bool json = false;
  bool verbose = false;  // print every agent media frame too
  double max_seconds = 120;
  std::string api_token;  // secret
  bool insecure = false;
  bool stream_direct = false;
  std::chrono::milliseconds quiet{800};            // "the agent went quiet"
  std::chrono::milliseconds answer_timeout{20000};  // greeting and each answer must start within this
};

struct ParsedCommandLine {
  std::optional<CommandLineOptions> options;  // empty: exit with exit_code after printing message
  int exit_code = 0;
  std::string message;  // --help text, or the usage error
};

ParsedCommandLine parse_command_line(int argc, const char* const* argv);

CallSettings make_call_settings(const CommandLineOptions& options);

// Loads the --play files and renders the --say texts (once, for every call), then lays
// out the turns: wait for the greeting, then for each turn wait until the agent is quiet
// (or barge in), speak, and expect an answer; finally listen to the last answer and hang
// up, wait for the host to hang up (--wait-for-goodbye), or stay on the line until
// --hang-up-after-seconds.
Result<CallScript> build_call_script(const CommandLineOptions& options);

}  // namespace callagent::callsim
