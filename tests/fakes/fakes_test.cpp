// The fakes' own tests: the in-process fakes (tests/fakes) behave as their comments say, and
// the fake plugins' logic (tests/fake_plugins), compiled in here, does what integration
// tests will rely on. No timing assertions: tests wait on conditions with a generous timeout.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fake_plugins/common/mulaw_signal.h"
#include "tests/fake_plugins/fake_llm/fake_llm.h"
#include "tests/fake_plugins/fake_stt/fake_stt.h"
#include "tests/fake_plugins/fake_tts/fake_tts.h"
#include "tests/fakes/fake_event_sink.h"
#include "tests/fakes/fake_llm.h"
#include "tests/fakes/fake_state_store.h"
#include "tests/fakes/fake_stt.h"
#include "tests/fakes/fake_tts.h"
#include "tests/fakes/recording_logger.h"

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

namespace callagent::testing {
namespace {

// Long enough never to fire on a loaded machine; a passing test never waits for it.
constexpr auto kPatience = 10s;

// Base of the recording listeners: callbacks may come from a plugin's worker thread.
class Recorder {
 protected:
  template <typename Predicate>
  bool wait_until(Predicate predicate) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kPatience, predicate);
  }
  template <typename Change>
  void record(Change change) {
    {
      std::lock_guard lock(mutex_);
      change();
    }
    changed_.notify_all();
  }
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
};

class RecordingSttListener final : public SttListener, Recorder {
 public:
  void on_result(const SttResult& result) noexcept override {
    record([&] { results_.push_back(result); });
  }
  void on_speech_started(std::int64_t stream_offset_ms) noexcept override {
    record([&] { speech_started_ms_.push_back(stream_offset_ms); });
  }
  void on_utterance_end(std::int64_t last_word_end_ms) noexcept override {
    record([&] { utterance_end_ms_.push_back(last_word_end_ms); });
  }
  void on_error(const Status& error, bool /*recoverable*/) noexcept override {
    record([&] { errors_.push_back(error); });
  }

  std::vector<SttResult> results() const { return copy(results_); }
  std::vector<SttResult> finals() const {
    std::vector<SttResult> finals;
    for (const auto& result : results()) {
      if (result.is_final) finals.push_back(result);
    }
    return finals;
  }
  std::vector<std::int64_t> speech_started_ms() const { return copy(speech_started_ms_); }
  std::vector<std::int64_t> utterance_end_ms() const { return copy(utterance_end_ms_); }
  std::vector<Status> errors() const { return copy(errors_); }

 private:
  template <typename T>
  T copy(const T& field) const {
    std::lock_guard lock(mutex_);
    return field;
  }
  std::vector<SttResult> results_;
  std::vector<std::int64_t> speech_started_ms_;
  std::vector<std::int64_t> utterance_end_ms_;
  std::vector<Status> errors_;
};

class RecordingLlmListener final : public LlmListener, Recorder {
 public:
  void on_text_delta(std::uint64_t request_id, std::string_view delta) noexcept override {
    record([&] {
      text_[request_id] += delta;
      ++delta_count_[request_id];
    });
  }
  void on_tool_call(std::uint64_t request_id, const ToolCall& call) noexcept override {
    record([&] { tool_calls_[request_id].push_back(call); });
  }
  void on_complete(std::uint64_t request_id, FinishReason reason, const LlmUsage& /*usage*/) noexcept override {
    record([&] { finished_[request_id] = reason; });
  }
  void on_error(std::uint64_t request_id, const Status& /*error*/) noexcept override {
    record([&] { finished_[request_id] = FinishReason::error; });
  }

  bool wait_for_deltas(std::uint64_t request_id, int count) const {
    return wait_until([&] { return delta_count_.contains(request_id) && delta_count_.at(request_id) >= count; });
  }
  bool wait_for_finish(std::uint64_t request_id) const {
    return wait_until([&] { return finished_.contains(request_id); });
  }
  std::string text(std::uint64_t request_id) const {
    std::lock_guard lock(mutex_);
    return text_.contains(request_id) ? text_.at(request_id) : std::string();
  }
  int delta_count(std::uint64_t request_id) const {
    std::lock_guard lock(mutex_);
    return delta_count_.contains(request_id) ? delta_count_.at(request_id) : 0;
  }
  std::optional<FinishReason> finish(std::uint64_t request_id) const {
    std::lock_guard lock(mutex_);
    if (!finished_.contains(request_id)) return std::nullopt;
    return finished_.at(request_id);
  }
  std::vector<ToolCall> tool_calls(std::uint64_t request_id) const {
    std::lock_guard lock(mutex_);
    return tool_calls_.contains(request_id) ? tool_calls_.at(request_id) : std::vector<ToolCall>();
  }

 private:
  std::map<std::uint64_t, std::string> text_;
  std::map<std::uint64_t, int> delta_count_;
  std::map<std::uint64_t, std::vector<ToolCall>> tool_calls_;
  std::map<std::uint64_t, FinishReason> finished_;
};

class RecordingTtsListener final : public TtsListener, Recorder {
 public:
  struct Chunk {
    std::vector<std::uint8_t> bytes;
    std::int64_t stream_offset_ms = 0;
  };

  void on_audio(std::uint64_t utterance_id, const AudioChunk& chunk) noexcept override {
    record([&] {
      chunks_[utterance_id].push_back({std::vector<std::uint8_t>(chunk.data, chunk.data + chunk.size_bytes),
                                       chunk.stream_offset_ms});
    });
  }
  void on_word_timings(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words) noexcept override {
    record([&] {
      auto& all = words_[utterance_id];
      all.insert(all.end(), words.begin(), words.end());
    });
  }
  void on_utterance_done(std::uint64_t utterance_id) noexcept override {
    record([&] { ++done_count_[utterance_id]; });
  }
  void on_error(std::uint64_t utterance_id, const Status& error) noexcept override {
    record([&] { errors_[utterance_id].push_back(error); });
  }

  bool wait_for_done(std::uint64_t utterance_id) const {
    return wait_until([&] { return done_count_.contains(utterance_id); });
  }
  bool wait_for_audio(std::uint64_t utterance_id) const {
    return wait_until([&] { return chunks_.contains(utterance_id); });
  }
  std::vector<Chunk> chunks(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    return chunks_.contains(utterance_id) ? chunks_.at(utterance_id) : std::vector<Chunk>();
  }
  std::vector<std::uint8_t> audio(std::uint64_t utterance_id) const {
    std::vector<std::uint8_t> joined;
    for (const auto& chunk : chunks(utterance_id)) joined.insert(joined.end(), chunk.bytes.begin(), chunk.bytes.end());
    return joined;
  }
  std::vector<TtsWordTiming> words(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    return words_.contains(utterance_id) ? words_.at(utterance_id) : std::vector<TtsWordTiming>();
  }
  int done_count(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    return done_count_.contains(utterance_id) ? done_count_.at(utterance_id) : 0;
  }
  std::size_t error_count(std::uint64_t utterance_id) const {
    std::lock_guard lock(mutex_);
    return errors_.contains(utterance_id) ? errors_.at(utterance_id).size() : 0;
  }

 private:
  std::map<std::uint64_t, std::vector<Chunk>> chunks_;
  std::map<std::uint64_t, std::vector<TtsWordTiming>> words_;
  std::map<std::uint64_t, int> done_count_;
  std::map<std::uint64_t, std::vector<Status>> errors_;
};

// What the host hands every session.
struct SessionFixture {
  CallInfo call{"conv-1", "CA123", "+15550001111", "+15550002222", "inbound", "en-US"};
  RecordingLogger logger;
  SessionContext context{call, logger};
};

AudioChunk mulaw_chunk(const std::vector<std::uint8_t>& bytes, std::int64_t stream_offset_ms) {
  AudioChunk chunk;
  chunk.data = bytes.data();
  chunk.size_bytes = bytes.size();
  chunk.stream_offset_ms = stream_offset_ms;
  return chunk;
}

LlmRequest user_request(std::uint64_t request_id, std::string user_text, bool offer_end_call = false) {
  LlmRequest request;
  request.request_id = request_id;
  request.messages.push_back({ChatRole::system, "You are a test agent.", {}, {}});
  request.messages.push_back({ChatRole::user, std::move(user_text), {}, {}});
  if (offer_end_call) request.tools.push_back({"end_call", "Hang up the call.", R"({"type":"object"})"});
  return request;
}

// ===== (A) in-process fakes ==============================================================

TEST(FakeStt, RecordsAudioAndLetsTheTestSpeak) {
  FakeSttProvider provider;
  SessionFixture fixture;
  RecordingSttListener listener;
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  std::unique_ptr<SttSession> engine_side = std::move(opened).value();
  const auto session = provider.last_session();
  ASSERT_NE(session, nullptr);
  EXPECT_EQ(session->call().conversation_id, "conv-1");

  const std::vector<std::uint8_t> frame(160, fake_plugins::kMulawSilence);
  ASSERT_TRUE(engine_side->send_audio(mulaw_chunk(frame, 0)).is_ok());
  ASSERT_TRUE(engine_side->send_audio(mulaw_chunk(frame, 20)).is_ok());
  engine_side->finalize();
  EXPECT_EQ(session->audio_chunk_count(), 2U);
  EXPECT_EQ(session->audio_byte_count(), 320U);
  EXPECT_EQ(session->last_stream_offset_ms(), 20);
  EXPECT_EQ(session->finalize_count(), 1);

  EXPECT_TRUE(session->emit_speech_started(40));
  EXPECT_TRUE(session->emit_interim("book a"));
  EXPECT_TRUE(session->emit_final("book a table", /*speech_final=*/true));
  EXPECT_TRUE(session->emit_utterance_end(900));
  EXPECT_THAT(listener.speech_started_ms(), ElementsAre(40));
  ASSERT_EQ(listener.results().size(), 2U);
  EXPECT_FALSE(listener.results()[0].is_final);
  EXPECT_TRUE(listener.results()[1].speech_final);
  EXPECT_EQ(listener.results()[1].transcript, "book a table");
  EXPECT_THAT(listener.utterance_end_ms(), ElementsAre(900));

  // The API's promise: nothing reaches the listener after close or destruction.
  engine_side->close();
  EXPECT_TRUE(session->closed());
  EXPECT_FALSE(session->emit_final("too late"));
  engine_side.reset();
  EXPECT_TRUE(session->released());
  EXPECT_EQ(listener.results().size(), 2U);
}

TEST(FakeStt, FailsOpenSessionAndSendAudioOnRequest) {
  FakeSttProvider provider(AudioFormat{AudioEncoding::pcm16_le, 16000});
  EXPECT_EQ(provider.input_format().sample_rate_hz, 16000U);
  SessionFixture fixture;
  RecordingSttListener listener;
  provider.fail_open_session(Status(ErrorCode::unavailable, "vendor down"));
  const auto refused = provider.open_session(fixture.context, listener);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::unavailable);
  EXPECT_EQ(provider.last_session(), nullptr);

  provider.fail_open_session(Status::ok());
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  provider.last_session()->set_send_audio_status(Status(ErrorCode::vendor_error, "bad audio"));
  const std::vector<std::uint8_t> frame(320, 0);
  EXPECT_EQ(opened.value()->send_audio(mulaw_chunk(frame, 0)).code(), ErrorCode::vendor_error);
  EXPECT_EQ(provider.open_session_calls(), 2U);
  EXPECT_TRUE(provider.last_session()->emit_error(Status(ErrorCode::unavailable, "lost"), false));
  EXPECT_EQ(listener.errors().size(), 1U);
}

TEST(FakeLlm, RecordsRequestsAndCancelsAndLetsTheTestStream) {
  FakeLlmProvider provider;
  SessionFixture fixture;
  RecordingLlmListener listener;
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  auto engine_side = std::move(opened).value();
  const auto session = provider.last_session();

  ASSERT_TRUE(engine_side->generate(user_request(7, "hello")).is_ok());
  ASSERT_TRUE(provider.last_request().has_value());
  EXPECT_EQ(provider.last_request()->request_id, 7U);
  EXPECT_EQ(provider.last_request()->messages.back().content, "hello");

  EXPECT_TRUE(session->stream_text(7, "Hello there. How can"));
  EXPECT_TRUE(session->stream_text(7, " I help?"));
  EXPECT_TRUE(session->emit_tool_call(7, ToolCall{"call_1", "lookup", "{}"}));
  EXPECT_TRUE(session->complete(7, FinishReason::tool_calls));
  EXPECT_EQ(listener.text(7), "Hello there. How can I help?");
  EXPECT_EQ(listener.tool_calls(7).size(), 1U);
  EXPECT_EQ(listener.finish(7), FinishReason::tool_calls);

  engine_side->cancel(7);
  EXPECT_TRUE(session->was_cancelled(7));
  EXPECT_THAT(session->cancelled_request_ids(), ElementsAre(7U));
  EXPECT_TRUE(session->fail(8, Status(ErrorCode::rate_limited, "429")));
  EXPECT_EQ(listener.finish(8), FinishReason::error);

  engine_side.reset();
  EXPECT_TRUE(session->released());
  EXPECT_FALSE(session->stream_text(9, "too late"));
}

TEST(FakeLlm, AutoReplyAnswersEveryTurnAtOnce) {
  FakeLlmProvider provider;
  provider.set_auto_reply([](const LlmRequest& request) { return "Echo: " + request.messages.back().content; });
  SessionFixture fixture;
  RecordingLlmListener listener;
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());

  ASSERT_TRUE(opened.value()->generate(user_request(1, "one")).is_ok());
  ASSERT_TRUE(opened.value()->generate(user_request(2, "two three")).is_ok());
  // Answered inside generate(), on this thread: no waiting needed.
  EXPECT_EQ(listener.text(1), "Echo: one");
  EXPECT_EQ(listener.delta_count(2), 3);
  EXPECT_EQ(listener.text(2), "Echo: two three");
  EXPECT_EQ(listener.finish(2), FinishReason::stop);
  EXPECT_EQ(provider.last_session()->request_count(), 2U);
}

TEST(FakeTts, RecordsPiecesAndLetsTheTestSendAudio) {
  FakeTtsProvider provider(AudioFormat{}, "amy");
  EXPECT_EQ(provider.voice_key(), "fake:amy");
  EXPECT_EQ(provider.output_format().encoding, AudioEncoding::mulaw);
  SessionFixture fixture;
  RecordingTtsListener listener;
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  auto engine_side = std::move(opened).value();
  const auto session = provider.last_session();

  ASSERT_TRUE(engine_side->synthesize(4, "Hello there.", false).is_ok());
  ASSERT_TRUE(engine_side->synthesize(4, " How can I help?", true).is_ok());
  EXPECT_EQ(session->text_of(4), "Hello there. How can I help?");
  ASSERT_EQ(session->synthesize_calls().size(), 2U);
  EXPECT_TRUE(session->synthesize_calls()[1].end_of_utterance);

  EXPECT_TRUE(session->emit_audio_ms(4, 100));
  EXPECT_TRUE(session->emit_audio(4, std::vector<std::uint8_t>(80, fake_plugins::kMulawSilence)));
  EXPECT_TRUE(session->emit_word_timings(4, {{"Hello", 0, 50}}));
  EXPECT_TRUE(session->done(4));
  const auto chunks = listener.chunks(4);
  ASSERT_EQ(chunks.size(), 6U);  // 100 ms in 20 ms chunks, then the 80 bytes
  EXPECT_EQ(chunks[1].stream_offset_ms, 20);
  EXPECT_EQ(chunks[5].stream_offset_ms, 100);
  EXPECT_EQ(listener.audio(4).size(), 880U);
  EXPECT_EQ(session->audio_sent_ms(4), 110);
  // Loud enough for a VAD.
  EXPECT_GT(fake_plugins::mulaw_rms_dbfs(chunks[0].bytes), -30.0);
  EXPECT_EQ(listener.done_count(4), 1);

  engine_side->cancel(4);
  EXPECT_TRUE(session->was_cancelled(4));
  EXPECT_TRUE(session->fail(5, Status(ErrorCode::vendor_error, "boom")));
  EXPECT_EQ(listener.error_count(5), 1U);
}

TEST(FakeTts, AutoModeSpeaksFiftyMillisecondsPerWord) {
  FakeTtsProvider provider;
  provider.set_auto_mode(true);
  SessionFixture fixture;
  RecordingTtsListener listener;
  auto opened = provider.open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());

  ASSERT_TRUE(opened.value()->synthesize(1, "Hello there.", false).is_ok());
  EXPECT_EQ(listener.done_count(1), 0);
  ASSERT_TRUE(opened.value()->synthesize(1, " How are you?", true).is_ok());
  EXPECT_EQ(listener.audio(1).size(), 5U * 50 * 8);
  EXPECT_EQ(listener.done_count(1), 1);
  const auto words = listener.words(1);
  ASSERT_EQ(words.size(), 5U);
  EXPECT_EQ(words[2].text, "How");
  EXPECT_EQ(words[2].start_ms, 100);
  EXPECT_EQ(words[4].end_ms, 250);
}

TEST(FakeEventSink, KeepsCopiesOfEveryEvent) {
  FakeEventSink sink;
  {
    const std::string payload = R"({"speaker":"caller","text":"hi"})";
    sink.publish(Event{event_type::transcript_message, "conv-1", 1000, payload});
    sink.publish(Event{event_type::call_ended, "conv-1", 2000, R"({"reason":"hangup"})"});
  }  // the views die here; the sink's copies must not
  EXPECT_EQ(sink.event_count(), 2U);
  const auto messages = sink.events_of_type(event_type::transcript_message);
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].payload_json, R"({"speaker":"caller","text":"hi"})");
  EXPECT_EQ(messages[0].timestamp_unix_ms, 1000);
  ASSERT_TRUE(sink.last_event_of_type(event_type::call_ended).has_value());
  EXPECT_FALSE(sink.last_event_of_type(event_type::dtmf).has_value());
  EXPECT_TRUE(sink.wait_for_events(event_type::call_ended, 1, 1ms));
  EXPECT_TRUE(sink.flush(100ms).is_ok());
  EXPECT_EQ(sink.flush_count(), 1);
}

TEST(FakeStateStore, StoresExpiresAndGoesDownOnRequest) {
  FakeStateStore store;
  ASSERT_TRUE(store.put("a", "1", 10s).is_ok());
  auto claimed = store.put_if_absent("a", "2", 10s);
  ASSERT_TRUE(claimed.is_ok());
  EXPECT_FALSE(claimed.value());
  EXPECT_EQ(store.get("a").value(), std::optional<std::string>("1"));
  EXPECT_EQ(store.ttl_of("a"), std::optional<std::chrono::seconds>(10s));

  store.advance_time(10s);
  EXPECT_EQ(store.get("a").value(), std::nullopt);
  EXPECT_TRUE(store.put_if_absent("a", "3", 5s).value());
  EXPECT_EQ(store.value_of("a"), std::optional<std::string>("3"));

  store.set_unavailable(true);
  EXPECT_EQ(store.get("a").status().code(), ErrorCode::unavailable);
  EXPECT_EQ(store.put("b", "x", 1s).code(), ErrorCode::unavailable);
  EXPECT_EQ(store.erase("a").code(), ErrorCode::unavailable);
  EXPECT_EQ(store.ping().code(), ErrorCode::unavailable);
  store.set_unavailable(false);
  EXPECT_TRUE(store.erase("a").is_ok());
  EXPECT_EQ(store.size(), 0U);

  const auto counts = store.counts();
  EXPECT_EQ(counts.get, 3);
  EXPECT_EQ(counts.put, 2);
  EXPECT_EQ(counts.put_if_absent, 2);
  EXPECT_EQ(counts.erase, 2);
  EXPECT_EQ(counts.ping, 1);
}

// ===== (B) fake plugins' logic ===========================================================

using fake_plugins::AutonomousLlmProvider;
using fake_plugins::AutonomousSttProvider;
using fake_plugins::AutonomousTtsProvider;

template <typename Provider>
std::unique_ptr<Provider> create_plugin(std::string_view config_json, RecordingLogger& logger) {
  auto created = Provider::create(ProviderContext{config_json, logger, ""});
  EXPECT_TRUE(created.is_ok()) << created.status().message();
  return created.is_ok() ? std::move(created).value() : nullptr;
}

// Streams `audio` as 20 ms chunks on the timeline from `start_ms`; returns where it ended.
std::int64_t stream_audio(SttSession& session, const std::vector<std::uint8_t>& audio, std::int64_t start_ms) {
  constexpr std::size_t kChunkBytes = 160;
  std::int64_t offset_ms = start_ms;
  for (std::size_t offset = 0; offset < audio.size(); offset += kChunkBytes) {
    const std::vector<std::uint8_t> chunk(audio.begin() + static_cast<std::ptrdiff_t>(offset),
                                          audio.begin() + static_cast<std::ptrdiff_t>(std::min(offset + kChunkBytes, audio.size())));
    EXPECT_TRUE(session.send_audio(mulaw_chunk(chunk, offset_ms)).is_ok());
    offset_ms += static_cast<std::int64_t>(chunk.size() / fake_plugins::kMulawBytesPerMs);
  }
  return offset_ms;
}

std::vector<std::uint8_t> speech_then_silence(std::int64_t speech_ms, std::int64_t silence_ms) {
  auto audio = fake_plugins::mulaw_tone(400.0, speech_ms);
  fake_plugins::append_mulaw_silence(audio, silence_ms);
  return audio;
}

TEST(FakeSttPlugin, HearsToneThenSilenceAsOneScriptedUtterance) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousSttProvider>(
      R"({"transcripts": ["I would like a table", "for two people"]})", fixture.logger);
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->input_format().encoding, AudioEncoding::mulaw);
  RecordingSttListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  SttSession& session = *opened.value();

  const std::int64_t end_ms = stream_audio(session, speech_then_silence(1000, 500), 0);
  EXPECT_THAT(listener.speech_started_ms(), ElementsAre(0));
  const auto finals = listener.finals();
  ASSERT_EQ(finals.size(), 1U);
  EXPECT_EQ(finals[0].transcript, "I would like a table");
  EXPECT_TRUE(finals[0].speech_final);
  EXPECT_EQ(finals[0].start_ms, 0);
  EXPECT_EQ(finals[0].duration_ms, 1000);
  ASSERT_EQ(finals[0].words.size(), 5U);
  EXPECT_EQ(finals[0].words[0].start_ms, 0);
  EXPECT_EQ(finals[0].words[4].end_ms, 1000);
  EXPECT_THAT(listener.utterance_end_ms(), ElementsAre(1000));
  // Interims came first, each a growing prefix of the line.
  const auto results = listener.results();
  ASSERT_GE(results.size(), 2U);
  EXPECT_FALSE(results[0].is_final);
  EXPECT_EQ(results[0].transcript, "I");
  EXPECT_THAT(results[results.size() - 2].transcript, StartsWith("I would"));

  // The next utterance gets the next line; finalize() settles it without speech_final.
  stream_audio(session, speech_then_silence(600, 100), end_ms);
  session.finalize();
  ASSERT_EQ(listener.finals().size(), 2U);
  EXPECT_EQ(listener.finals()[1].transcript, "for two people");
  EXPECT_FALSE(listener.finals()[1].speech_final);
  EXPECT_EQ(listener.finals()[1].start_ms, end_ms);

  session.close();
  EXPECT_EQ(session.send_audio(mulaw_chunk(std::vector<std::uint8_t>(160, 0), 0)).code(), ErrorCode::cancelled);
  EXPECT_EQ(fixture.logger.count(LogLevel::info, "session open"), 1U);
  EXPECT_EQ(fixture.logger.count(LogLevel::info, "session closed"), 1U);
  EXPECT_EQ(fixture.logger.count(LogLevel::debug, "I would like a table"), 1U);
}

TEST(FakeSttPlugin, SilenceAloneReportsNothing) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousSttProvider>(R"({"transcripts": ["x"], "interim": false})", fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingSttListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  stream_audio(*opened.value(), speech_then_silence(0, 2000), 0);
  EXPECT_TRUE(listener.results().empty());
  EXPECT_TRUE(listener.speech_started_ms().empty());
}

TEST(FakeLlmPlugin, EchoModeStreamsTheEchoWordByWord) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousLlmProvider>(R"({"first_token_delay_ms": 0, "token_interval_ms": 0})",
                                                       fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingLlmListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());

  ASSERT_TRUE(opened.value()->generate(user_request(1, "I need a table for two.")).is_ok());
  ASSERT_TRUE(listener.wait_for_finish(1));
  EXPECT_EQ(listener.text(1), "You said: I need a table for two. What else can I do for you?");
  EXPECT_EQ(listener.delta_count(1), 15);  // one per word
  EXPECT_EQ(listener.finish(1), FinishReason::stop);
}

TEST(FakeLlmPlugin, CancelStopsTheStreamForGood) {
  SessionFixture fixture;
  // A long pause between tokens: the cancel surely lands inside it.
  auto provider = create_plugin<AutonomousLlmProvider>(R"({"first_token_delay_ms": 0, "token_interval_ms": 5000})",
                                                       fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingLlmListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  auto session = std::move(opened).value();

  ASSERT_TRUE(session->generate(user_request(1, "tell me a long story")).is_ok());
  ASSERT_TRUE(listener.wait_for_deltas(1, 1));
  session->cancel(1);
  session.reset();  // joins the worker: whatever it would still send would have come by now
  EXPECT_EQ(listener.delta_count(1), 1);
  EXPECT_EQ(listener.finish(1), std::nullopt);
}

TEST(FakeLlmPlugin, NewRequestReplacesTheOneInFlight) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousLlmProvider>(
      R"({"mode": "script", "replies": ["alpha beta gamma delta", "ok"], "first_token_delay_ms": 0,
          "token_interval_ms": 5000})",
      fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingLlmListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  auto session = std::move(opened).value();

  ASSERT_TRUE(session->generate(user_request(1, "first")).is_ok());
  ASSERT_TRUE(listener.wait_for_deltas(1, 1));
  ASSERT_TRUE(session->generate(user_request(2, "second")).is_ok());
  ASSERT_TRUE(listener.wait_for_finish(2));
  EXPECT_EQ(listener.text(2), "ok");
  session.reset();
  EXPECT_EQ(listener.text(1), "alpha");
  EXPECT_EQ(listener.finish(1), std::nullopt);
}

TEST(FakeLlmPlugin, CallsEndCallWhenTheCallerAsksAndTheToolIsOffered) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousLlmProvider>(R"({"first_token_delay_ms": 0})", fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingLlmListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());

  ASSERT_TRUE(opened.value()->generate(user_request(1, "Please HANG UP now", /*offer_end_call=*/true)).is_ok());
  ASSERT_TRUE(listener.wait_for_finish(1));
  ASSERT_EQ(listener.tool_calls(1).size(), 1U);
  EXPECT_EQ(listener.tool_calls(1)[0].name, "end_call");
  EXPECT_EQ(listener.tool_calls(1)[0].arguments_json, R"({"reason":"caller asked"})");
  EXPECT_EQ(listener.finish(1), FinishReason::tool_calls);
  EXPECT_EQ(listener.delta_count(1), 0);

  // Without the tool on offer, the words are just echoed.
  ASSERT_TRUE(opened.value()->generate(user_request(2, "please hang up")).is_ok());
  ASSERT_TRUE(listener.wait_for_finish(2));
  EXPECT_THAT(listener.text(2), HasSubstr("You said: please hang up."));
}

TEST(FakeTtsPlugin, SpeaksEachCharacterForItsConfiguredTime) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousTtsProvider>(R"({"first_audio_delay_ms": 0, "ms_per_character": 10})",
                                                       fixture.logger);
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(provider->voice_key(), "fake_tts:10");
  EXPECT_EQ(provider->output_format().encoding, AudioEncoding::mulaw);
  RecordingTtsListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());

  ASSERT_TRUE(opened.value()->synthesize(3, "hello world", false).is_ok());
  ASSERT_TRUE(opened.value()->synthesize(3, "again", false).is_ok());
  ASSERT_TRUE(opened.value()->synthesize(3, "", true).is_ok());
  ASSERT_TRUE(listener.wait_for_done(3));
  // 11 + 5 characters at 10 ms, 8 bytes per ms.
  EXPECT_EQ(listener.audio(3).size(), 160U * 8);
  const auto chunks = listener.chunks(3);
  ASSERT_FALSE(chunks.empty());
  EXPECT_EQ(chunks[0].bytes.size(), 160U);
  EXPECT_EQ(chunks.back().stream_offset_ms, 150);  // "again" fills 110..160 ms
  const auto words = listener.words(3);
  ASSERT_EQ(words.size(), 3U);
  EXPECT_EQ(words[0].text, "hello");
  EXPECT_EQ(words[0].start_ms, 0);
  EXPECT_EQ(words[0].end_ms, 40);  // its 60 ms less the 20 ms gap
  EXPECT_EQ(words[1].start_ms, 60);
  EXPECT_EQ(words[1].end_ms, 110);
  EXPECT_EQ(words[2].start_ms, 110);
  EXPECT_EQ(words[2].end_ms, 160);
  EXPECT_EQ(listener.done_count(3), 1);
}

TEST(FakeTtsPlugin, CancelStopsTheUtterance) {
  SessionFixture fixture;
  auto provider = create_plugin<AutonomousTtsProvider>(R"({"first_audio_delay_ms": 0, "realtime": true})",
                                                       fixture.logger);
  ASSERT_NE(provider, nullptr);
  RecordingTtsListener listener;
  auto opened = provider->open_session(fixture.context, listener);
  ASSERT_TRUE(opened.is_ok());
  auto session = std::move(opened).value();

  // 60 characters at 50 ms: 3 s of audio paced in real time.
  ASSERT_TRUE(session->synthesize(1, "This sentence is long enough to keep speaking for seconds.", true).is_ok());
  ASSERT_TRUE(listener.wait_for_audio(1));
  session->cancel(1);
  const std::size_t bytes_at_cancel = listener.audio(1).size();
  ASSERT_TRUE(session->synthesize(2, "next", true).is_ok());
  ASSERT_TRUE(listener.wait_for_done(2));
  session.reset();
  EXPECT_EQ(listener.audio(1).size(), bytes_at_cancel);
  EXPECT_LT(bytes_at_cancel, 58U * 50 * 8);
  EXPECT_EQ(listener.done_count(1), 0);
  EXPECT_EQ(listener.audio(2).size(), 4U * 50 * 8);
}

TEST(FakePluginConfig, RefusesBadConfigNamingTheKey) {
  const auto error_of = [](const Status& status) {
    EXPECT_EQ(status.code(), ErrorCode::invalid_config) << status.message();
    return status.message();
  };
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config("{}")), StartsWith("transcripts: required"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": []})")), StartsWith("transcripts:"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": ["a", 2]})")),
              StartsWith("transcripts[1]: expected a string"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": ["a"], "endpointing_ms": "fast"})")),
              StartsWith("endpointing_ms: expected an integer"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": ["a"], "endpointing_ms": -1})")),
              StartsWith("endpointing_ms:"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": ["a"], "interim": 1})")),
              StartsWith("interim: expected true or false"));
  EXPECT_THAT(error_of(AutonomousSttProvider::validate_config(R"({"transcripts": ["a"], "model": "x"})")),
              StartsWith("model: unknown key"));
  EXPECT_TRUE(AutonomousSttProvider::validate_config(R"({"transcripts": ["a"], "endpointing_ms": 0})").is_ok());

  EXPECT_TRUE(AutonomousLlmProvider::validate_config("").is_ok());
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config(R"({"mode": "poetry"})")), StartsWith("mode: expected"));
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config(R"({"mode": "script"})")), StartsWith("replies: required"));
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config(R"({"token_interval_ms": 1.5})")),
              StartsWith("token_interval_ms:"));
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config(R"({"end_call_on": false})")),
              StartsWith("end_call_on: expected a string"));
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config("[1]")), HasSubstr("JSON object"));
  EXPECT_THAT(error_of(AutonomousLlmProvider::validate_config("{nope")), HasSubstr("not JSON"));

  EXPECT_TRUE(AutonomousTtsProvider::validate_config(R"({"realtime": true})").is_ok());
  EXPECT_THAT(error_of(AutonomousTtsProvider::validate_config(R"({"ms_per_character": 0})")),
              StartsWith("ms_per_character:"));
  EXPECT_THAT(error_of(AutonomousTtsProvider::validate_config(R"({"realtime": "yes"})")), StartsWith("realtime:"));
  EXPECT_THAT(error_of(AutonomousTtsProvider::validate_config(R"({"voice": "x"})")), StartsWith("voice: unknown key"));

  RecordingLogger logger;
  const auto refused = AutonomousSttProvider::create(ProviderContext{"{}", logger, ""});
  EXPECT_EQ(refused.status().code(), ErrorCode::invalid_config);
}

}  // namespace
}  // namespace callagent::testing
