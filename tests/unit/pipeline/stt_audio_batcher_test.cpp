// What reaches the STT session: audio in batches on the caller's timeline, the chunks a
// decision waits on at once with whatever was held before them.
#include "host/pipeline/stt_audio_batcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace callagent::pipeline {
namespace {

using ::testing::ElementsAre;

struct SentChunk {
  std::int64_t offset_ms;
  std::size_t bytes;
  std::uint8_t first_byte;
  bool operator==(const SentChunk&) const = default;
};

class RecordingSession final : public SttSession {
 public:
  Status send_audio(const AudioChunk& chunk) noexcept override {
    sent.push_back({chunk.stream_offset_ms, chunk.size_bytes, chunk.size_bytes > 0 ? chunk.data[0] : std::uint8_t{0}});
    encodings.push_back(chunk.encoding);
    return status;
  }
  void finalize() noexcept override {}
  void close() noexcept override {}

  std::vector<SentChunk> sent;
  std::vector<AudioEncoding> encodings;
  Status status = Status::ok();
};

constexpr AudioFormat kMulaw{AudioEncoding::mulaw, 8000};

// 20 ms of μ-law whose bytes all carry `marker`, so a test can tell frames apart.
std::vector<std::uint8_t> frame(std::uint8_t marker) { return std::vector<std::uint8_t>(160, marker); }

TEST(SttAudioBatcherTest, TheSilenceAfterTheCallersSoundGoesAtOnceForTheEndpointingWindow) {
  const CallerAudioMoment after_sound{.loud = false, .turn_has_sound = true, .ms_since_sound = 20};
  EXPECT_TRUE(must_reach_stt_at_once(after_sound));
  CallerAudioMoment long_after = after_sound;
  long_after.ms_since_sound = kEndpointingWindowMs;
  EXPECT_FALSE(must_reach_stt_at_once(long_after)) << "a cough whose turn never ended";
  CallerAudioMoment no_turn = after_sound;
  no_turn.turn_has_sound = false;
  EXPECT_FALSE(must_reach_stt_at_once(no_turn)) << "silence while the caller listens";
}

TEST(SttAudioBatcherTest, SoundGoesAtOnceOnlyWhenTheCallerMayBeInterruptingTheAgent) {
  const CallerAudioMoment speech{.loud = true, .turn_has_sound = true, .ms_since_sound = 0};
  EXPECT_FALSE(must_reach_stt_at_once(speech)) << "mid-utterance: nothing waits on it";
  CallerAudioMoment over_agent = speech;
  over_agent.agent_interruptible = true;
  EXPECT_TRUE(must_reach_stt_at_once(over_agent));
}

TEST(SttAudioBatcherTest, QuietAudioGoesOutInBatchesThatStartAtTheirFirstFrame) {
  SttAudioBatcher batcher(100, kMulaw);
  RecordingSession session;
  for (int index = 0; index < 12; ++index) {
    const auto audio = frame(static_cast<std::uint8_t>(index));
    ASSERT_TRUE(batcher.forward(session, audio, index * 20, 20, /*now=*/false));
  }
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 800, 0}, SentChunk{100, 800, 5}));
  EXPECT_EQ(batcher.held_ms(), 40);
}

TEST(SttAudioBatcherTest, AudioSentNowGoesOutTogetherWithWhatWasHeld) {
  SttAudioBatcher batcher(100, kMulaw);
  RecordingSession session;
  (void)batcher.forward(session, frame(1), 0, 20, false);
  (void)batcher.forward(session, frame(2), 20, 20, false);
  EXPECT_TRUE(session.sent.empty());
  (void)batcher.forward(session, frame(3), 40, 20, /*now=*/true);
  (void)batcher.forward(session, frame(4), 60, 20, /*now=*/true);
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 480, 1}, SentChunk{60, 160, 4}));
  EXPECT_EQ(batcher.held_ms(), 0);
}

TEST(SttAudioBatcherTest, AFrameThatDoesNotFollowTheHeldAudioSendsTheHeldAudioFirst) {
  SttAudioBatcher batcher(100, kMulaw);
  RecordingSession session;
  (void)batcher.forward(session, frame(1), 0, 20, false);
  (void)batcher.forward(session, frame(2), 20, 20, false);
  (void)batcher.forward(session, frame(3), 500, 20, false);  // a gap on the stream
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 320, 1}));
  (void)batcher.flush(session);
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 320, 1}, SentChunk{500, 160, 3}));
}

TEST(SttAudioBatcherTest, ZeroSendsEveryFrameAsItComes) {
  SttAudioBatcher batcher(0, kMulaw);
  RecordingSession session;
  for (int index = 0; index < 3; ++index) (void)batcher.forward(session, frame(7), index * 20, 20, false);
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 160, 7}, SentChunk{20, 160, 7}, SentChunk{40, 160, 7}));
}

TEST(SttAudioBatcherTest, FlushSendsWhatIsHeldOnceAndKeepsTheFormat) {
  SttAudioBatcher batcher(100, AudioFormat{AudioEncoding::pcm16_le, 16000});
  RecordingSession session;
  const std::vector<std::uint8_t> pcm(640, 9);  // 20 ms at 16 kHz, 16-bit
  (void)batcher.forward(session, pcm, 0, 20, false);
  ASSERT_TRUE(batcher.flush(session));
  ASSERT_TRUE(batcher.flush(session));
  EXPECT_THAT(session.sent, ElementsAre(SentChunk{0, 640, 9}));
  EXPECT_THAT(session.encodings, ElementsAre(AudioEncoding::pcm16_le));
}

TEST(SttAudioBatcherTest, ASessionErrorIsReturnedAndTheHeldAudioIsNotResent) {
  SttAudioBatcher batcher(40, kMulaw);
  RecordingSession session;
  session.status = Status(ErrorCode::unavailable, "down");
  (void)batcher.forward(session, frame(1), 0, 20, false);
  const Status status = batcher.forward(session, frame(2), 20, 20, false);
  EXPECT_EQ(status.code(), ErrorCode::unavailable);
  EXPECT_EQ(batcher.held_ms(), 0);
  EXPECT_EQ(session.sent.size(), 1U);
}

}  // namespace
}  // namespace callagent::pipeline
