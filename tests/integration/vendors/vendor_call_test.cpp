// Whole calls through the real host with the production vendor plugins (stt_deepgram,
// llm_openai, tts_elevenlabs) against the fake vendors: what a user of the seed's
// Twilio + Deepgram + OpenAI + ElevenLabs stack would see on the phone and in the
// transcript, and what each vendor was sent. Then one failing vendor at a time: the
// call degrades as documented, the host keeps serving, the failure is logged once.
#include <algorithm>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/telephony/host_fixture.h"
#include "tests/integration/vendors/vendor_fakes.h"
#include "tools/call-sim/call_script.h"
#include "tools/call-sim/simulated_call.h"

namespace callagent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr const char* kGreeting = "Hello, how can I help?";
constexpr const char* kApology = "Sorry, I'm having trouble right now. Please call again later.";

nlohmann::json wait_for_one_transcript(const TemporaryDirectory& directory) {
  const auto records = wait_for_transcripts(directory, 1);
  if (records.size() != 1) {
    ADD_FAILURE() << "expected one transcript, found " << records.size();
    return nlohmann::json::object();
  }
  return records[0];
}

std::vector<std::string> lines_of(const nlohmann::json& record, const std::string& speaker) {
  std::vector<std::string> lines;
  for (const auto& turn : record.value("turns", nlohmann::json::array())) {
    if (turn["speaker"] == speaker) lines.push_back(turn["text"]);
  }
  return lines;
}

std::size_t count_matches(const std::string& text, const std::string& pattern) {
  const std::regex expression(pattern);
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), expression), std::sregex_iterator()));
}

// The host synthesises its fixed lines (greeting, goodbye, apology…) right after it starts
// listening; tests that fail the TTS on purpose wait until those are cached.
void wait_for_phrase_cache(RunningHost& host) {
  ASSERT_TRUE(host.process().wait_for_output(std::regex(R"(phrase cache: \d+ fixed phrases)"), 20s))
      << host.output();
}

// After a failure the host must still take calls: a short call that hears the greeting.
void expect_host_still_serves(const RunningHost& host) {
  callsim::CallScript script;
  script.wait_for_agent_audio(10s).wait_for_agent_quiet(300ms, 20s).hang_up();
  callsim::SimulatedCall call(host.call_settings(), std::move(script));
  const auto report = call.run();
  EXPECT_TRUE(report.ok) << "a later call failed: " << report.error;
}

TEST(VendorCallTest, WholeCallThroughDeepgramOpenAiAndElevenLabs) {
  TemporaryDirectory directory;
  VendorFakes vendors({"I would like to book an appointment", "wait a moment please", "goodbye"});
  RunningHost host(directory, vendors.host_config(directory));
  wait_for_phrase_cache(host);

  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1200ms), "turn 1")
      .wait_for_agent_audio(10s)
      .barge_in(callsim::CallerUtterance::from_audio(tone(1200ms), "barge-in"), 300ms, 20s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(800ms), "goodbye")
      .wait_for_host_close(20s);
  callsim::CallSettings settings = host.call_settings();
  settings.keep_recording = true;
  callsim::SimulatedCall call(settings, std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();

  // On the phone: the greeting, the replies, a `clear` for the barge-in, the host hangs up.
  EXPECT_GT(report.agent_bytes_received, 8000U);
  EXPECT_GE(report.clears_received, 1U);
  ASSERT_TRUE(report.stream_close);
  EXPECT_EQ(report.stream_close->code, 1000);
  EXPECT_TRUE(report.stream_close->initiated_by_host);
  // The caller heard the fake ElevenLabs' own audio: its tone, byte for byte, in 160-byte
  // frames (the recording leaves out only the gaps between utterances).
  const auto greeting_audio = vendors.elevenlabs.audio_for(kGreeting);
  ASSERT_GE(report.agent_recording.size(), greeting_audio.size());
  EXPECT_TRUE(std::equal(greeting_audio.begin(), greeting_audio.end(), report.agent_recording.begin()))
      << "the greeting played is not the audio ElevenLabs sent";

  // The transcript: Deepgram's words for the caller, OpenAI's words for the agent.
  const auto record = wait_for_one_transcript(directory);
  EXPECT_EQ(record["ended_reason"], "goodbye");
  EXPECT_THAT(lines_of(record, "caller"),
              ::testing::ElementsAre("I would like to book an appointment", "wait a moment please", "goodbye"));
  const auto agent_lines = lines_of(record, "agent");
  ASSERT_GE(agent_lines.size(), 3U);
  EXPECT_EQ(agent_lines.front(), kGreeting);
  // OpenAI's reply, cut by the barge-in at what the caller heard (ElevenLabs gives no word
  // timings over HTTP, so the cut is proportional to the audio played).
  const std::string full_reply = "You said: I would like to book an appointment.";
  EXPECT_THAT(agent_lines[1], ::testing::StartsWith("You said:"));
  EXPECT_LT(agent_lines[1].size(), full_reply.size()) << "the barge-in did not cut the reply";
  EXPECT_EQ(full_reply.compare(0, agent_lines[1].size(), agent_lines[1]), 0) << agent_lines[1];
  EXPECT_EQ(agent_lines.back(), "Goodbye!");

  // Deepgram got the Twilio audio as it is, with the seed's settings, and a CloseStream.
  const auto query = vendors.deepgram.last_query();
  EXPECT_EQ(query.at("model"), "nova-2");
  EXPECT_EQ(query.at("encoding"), "mulaw");
  EXPECT_EQ(query.at("sample_rate"), "8000");
  EXPECT_EQ(query.at("endpointing"), "300");
  EXPECT_EQ(vendors.deepgram.last_headers().at("authorization"), "Token test-deepgram-key");
  EXPECT_GT(vendors.deepgram.audio_bytes(), 8000 * 3);
  EXPECT_THAT(vendors.deepgram.text_messages(), Contains(HasSubstr("CloseStream")));

  // OpenAI got streamed requests with the system prompt and the caller's words in order.
  const auto requests = vendors.openai.requests();
  ASSERT_GE(requests.size(), 2U);
  const auto first = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(requests[0].path, "/v1/chat/completions");
  EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer " + vendors.openai.settings().api_key);
  EXPECT_EQ(first["stream"], true);
  EXPECT_EQ(first["model"], "gpt-4o-mini");
  EXPECT_EQ(first["messages"].front()["role"], "system");
  EXPECT_EQ(first["messages"].back()["content"], "I would like to book an appointment");
  const auto second = nlohmann::json::parse(requests[1].body);
  EXPECT_EQ(second["messages"].back()["content"], "wait a moment please");
  bool history_has_first_reply = false;
  for (const auto& message : second["messages"]) {
    if (message["role"] == "assistant" &&
        message["content"].get<std::string>().find("You said") != std::string::npos) {
      history_has_first_reply = true;
    }
  }
  EXPECT_TRUE(history_has_first_reply) << second.dump(2);

  // ElevenLabs synthesised the greeting (at start-up, cached) and the replies, as μ-law 8 kHz.
  const auto syntheses = vendors.elevenlabs.requests();
  ASSERT_FALSE(syntheses.empty());
  EXPECT_EQ(syntheses[0].path, "/v1/text-to-speech/EXAVITQu4vr4xnSDxMaL/stream");
  EXPECT_THAT(syntheses[0].query, HasSubstr("output_format=ulaw_8000"));
  std::vector<std::string> texts;
  for (const auto& request : syntheses) texts.push_back(nlohmann::json::parse(request.body)["text"]);
  EXPECT_THAT(texts, Contains(kGreeting));
  EXPECT_THAT(texts, Contains(HasSubstr("You said")));
}

TEST(VendorCallTest, LanguageModelFailingGetsTheApologyAndTheHostKeepsServing) {
  TemporaryDirectory directory;
  VendorFakes vendors({"what are your opening hours", "hello?"});
  mock::FakeOpenAiFaultSpec fault;
  fault.kind = mock::FakeOpenAiFault::server_error;
  vendors.openai.inject(fault, 100);  // every attempt, retries included, fails with 500
  RunningHost host(directory, vendors.host_config(directory));

  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1200ms), "turn 1")
      .wait_for_agent_audio(15s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1200ms), "turn 2")
      .wait_for_host_close(30s);
  callsim::SimulatedCall call(host.call_settings(), std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();

  const auto record = wait_for_one_transcript(directory);
  EXPECT_THAT(lines_of(record, "agent"), Contains(kApology)) << record.dump(2);
  EXPECT_EQ(record["ended_reason"], "error") << record.dump(2);
  // One error line per failed turn (two turns failed), not one per retry or per frame.
  EXPECT_EQ(count_matches(host.output(), R"(\] llm failed)"), 2U) << host.output();
  EXPECT_EQ(count_matches(host.output(), "sk-fake-openai"), 0U) << "the API key was logged";

  vendors.openai.inject(fault, 0);
  vendors.openai.set_settings(vendors.openai.settings());
  expect_host_still_serves(host);
}

TEST(VendorCallTest, DeepgramRefusingTheKeyEndsTheCallWithAnApology) {
  TemporaryDirectory directory;
  mock::FakeDeepgramOptions options;
  VendorFakes vendors({"hello"});
  RunningHost host(directory, [&] {
    auto config = vendors.host_config(directory);
    config["providers"]["stt"]["config"]["api_key"] = "a-revoked-deepgram-key";
    return config;
  }());

  callsim::CallScript script;
  script.wait_for_agent_audio(10s).wait_for_host_close(30s);
  callsim::SimulatedCall call(host.call_settings(), std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();
  ASSERT_TRUE(report.stream_close);
  EXPECT_TRUE(report.stream_close->initiated_by_host);

  const auto record = wait_for_one_transcript(directory);
  EXPECT_THAT(lines_of(record, "agent"), Contains(kApology)) << record.dump(2);
  EXPECT_EQ(count_matches(host.output(), R"(\] stt failed)"), 1U) << host.output();
  EXPECT_EQ(count_matches(host.output(), "a-revoked-deepgram-key"), 0U) << "the API key was logged";
}

TEST(VendorCallTest, TextToSpeechFailingMidCallPlaysTheCachedApologyAndEnds) {
  TemporaryDirectory directory;
  VendorFakes vendors({"tell me about your prices"});
  RunningHost host(directory, vendors.host_config(directory));
  wait_for_phrase_cache(host);
  // The greeting and other fixed lines were synthesised at start-up; from now on every
  // synthesis request fails.
  for (int request = 0; request < 20; ++request) vendors.elevenlabs.push_fault(mock::ElevenLabsFault::server_error);

  callsim::CallScript script;
  script.wait_for_agent_audio(10s)
      .wait_for_agent_quiet(400ms, 20s)
      .play(tone(1200ms), "turn 1")
      .wait_for_host_close(30s);
  callsim::SimulatedCall call(host.call_settings(), std::move(script));
  const auto report = call.run();
  ASSERT_TRUE(report.ok) << report.error << "\nhost output:\n" << host.output();

  const auto record = wait_for_one_transcript(directory);
  EXPECT_THAT(lines_of(record, "agent"), Contains(kApology)) << record.dump(2);
  EXPECT_EQ(count_matches(host.output(), R"(\] tts failed)"), 1U) << host.output();
}

}  // namespace
}  // namespace callagent::testing
