// The README's run command, as a test: the host on config/default.json (PocketSphinx,
// the dental-office script, Flite), called by the simulator with caller lines Flite
// synthesises now. Recognition may miss words here and there; the dialog may not.
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::uint16_t free_port() {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  return socket.address().port();
}

std::vector<nlohmann::json> transcripts_in(const std::filesystem::path& root) {
  std::vector<nlohmann::json> records;
  if (!std::filesystem::exists(root)) return records;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && entry.path().extension() == ".json" && name.front() != '.') {
      std::ifstream file(entry.path());
      records.push_back(nlohmann::json::parse(file));
    }
  }
  return records;
}

std::string lower(std::string text) {
  for (auto& character : text) character = static_cast<char>(std::tolower(static_cast<unsigned char>(character)));
  return text;
}

TEST(OfflineCallTest, BooksAnAppointmentWithTheDentalOfficeScript) {
  TemporaryDirectory directory;
  const std::uint16_t port = free_port();
  // The default config as shipped; transcripts land in the working directory.
  ChildProcess host(CALLAGENT_BINARY,
                    {"--config", CALLAGENT_DEFAULT_CONFIG, "--port", std::to_string(port), "--plugin-dir",
                     CALLAGENT_PLUGIN_DIR},
                    directory.path());
  ASSERT_TRUE(host.wait_for_output(std::regex(R"(listening on \S+)"), 60s)) << host.output();

  callsim::CallScript script;
  script.wait_for_agent_audio(20s).wait_for_agent_quiet(600ms, 30s);
  for (const char* line : {"I would like to book an appointment", "Tuesday", "in the morning please",
                           "my name is John"}) {
    script.say(line).wait_for_agent_audio(20s).wait_for_agent_quiet(600ms, 30s);
  }
  // The last answer ends the call: the host hangs up once its closing line has played.
  script.say("yes that is right").wait_for_host_close(30s);
  callsim::CallSettings settings;
  settings.host_url = "http://127.0.0.1:" + std::to_string(port);
  settings.max_duration = 180s;
  callsim::SimulatedCall call(settings, std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();
  EXPECT_GT(report.agent_bytes_received, 8000U * 10) << "at least ten seconds of the agent's voice";
  ASSERT_TRUE(report.stream_close);
  EXPECT_TRUE(report.stream_close->initiated_by_host)
      << "the agent ended the call; close " << report.stream_close->code << " " << report.stream_close->reason;

  std::vector<nlohmann::json> records;
  for (int attempt = 0; attempt < 100 && records.empty(); ++attempt) {
    records = transcripts_in(std::filesystem::path(directory.path()) / "transcripts");
    if (records.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(records.size(), 1U) << host.output();
  const auto& record = records[0];
  std::string caller_words;
  std::vector<std::string> agent_lines;
  for (const auto& turn : record["turns"]) {
    if (turn["speaker"] == "caller") caller_words += lower(turn["text"].get<std::string>()) + " ";
    if (turn["speaker"] == "agent") agent_lines.push_back(turn["text"]);
    EXPECT_FALSE(turn["interrupted"].get<bool>()) << turn.dump();
  }
  // The caller's key words were recognised.
  for (const char* word : {"book", "appointment", "tuesday", "morning", "john", "yes"}) {
    EXPECT_THAT(caller_words, HasSubstr(word)) << record.dump(2);
  }
  // The agent followed the script to the end, and its closing line played whole.
  ASSERT_GE(agent_lines.size(), 6U) << record.dump(2);
  EXPECT_THAT(agent_lines[0], HasSubstr("Bright Smile Dental"));
  EXPECT_THAT(agent_lines[1], HasSubstr("Which day"));
  EXPECT_THAT(agent_lines[2], HasSubstr("morning or the afternoon"));
  EXPECT_THAT(agent_lines.back(), HasSubstr("booked for Tuesday in the morning, John"));
  EXPECT_THAT(agent_lines.back(), HasSubstr("Goodbye"));
  EXPECT_EQ(record["ended_reason"], "tool_end_call");

  host.send_signal(SIGTERM);
  EXPECT_EQ(host.wait_for_exit(30s), 0) << host.output();
}

}  // namespace
}  // namespace callagent::testing
