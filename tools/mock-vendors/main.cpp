// mock-vendors: runs the fake vendor servers as one process, for manual runs, the call
// simulator and the bench. Each vendor is off unless its port option is given
// (0 picks a free port); the URL of each one started is printed as "<vendor>: <url>"
// so scripts can read it.
//
// Adding a vendor: a fake class in this folder with start()/stop()/base_url(), its
// options in add_options(), and one block in start_fakes().
#include <pthread.h>
#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "tools/mock-vendors/twilio_rest_fake.h"

namespace {

namespace options = boost::program_options;

struct RunningFakes {
  std::unique_ptr<callagent::mock::FakeTwilioRest> twilio_rest;
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
       "the auth token the fake Twilio accepts (a test value, never a real one)");
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
    std::cout << "usage: mock-vendors [--twilio-port N] ...\n" << description;
    return 0;
  }

  RunningFakes fakes;
  if (!start_fakes(arguments, fakes)) return 1;
  if (!fakes.twilio_rest) {
    std::cerr << "mock-vendors: no vendor selected (try --twilio-port 0)\n";
    return 2;
  }
  int received_signal = 0;
  sigwait(&termination_signals, &received_signal);
  return EXIT_SUCCESS;  // fakes stop in their destructors
}
