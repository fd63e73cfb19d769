#include "host/pipeline/outbound_audio_player.h"

#include <gtest/gtest.h>

#include "host/runtime/strand.h"
#include "tests/fakes/recording_media_sender.h"

namespace callagent::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::RecordingMediaSender;
using Kind = RecordingMediaSender::Sent::Kind;

class OutboundAudioPlayerTest : public ::testing::Test {
 protected:
  OutboundAudioPlayerTest() {
    player = std::make_unique<OutboundAudioPlayer>(
        sender, timers,
        [this](host::TimePoint deadline, host::Task task) {
          return timers.schedule_at(deadline, executor, std::move(task));
        },
        [this](std::uint64_t id) { played.push_back(id); }, PlayerSettings{160, 80});
  }

  static std::vector<std::uint8_t> audio_ms(int milliseconds) {
    return std::vector<std::uint8_t>(static_cast<std::size_t>(milliseconds) * 8, 0x55);
  }
  // Plays like Twilio: returns every mark sent so far.
  void return_marks() {
    for (const auto& name : sender->take_marks()) player->on_mark(name);
  }

  host::ManualTimerService timers;
  std::shared_ptr<host::InlineExecutor> executor = std::make_shared<host::InlineExecutor>();
  std::shared_ptr<RecordingMediaSender> sender = std::make_shared<RecordingMediaSender>();
  std::vector<std::uint64_t> played;
  std::unique_ptr<OutboundAudioPlayer> player;
};

TEST_F(OutboundAudioPlayerTest, SendsOnlyASmallLeadAheadOfRealTime) {
  player->enqueue(1, 0, audio_ms(1000));
  // 160 ms lead in 80 ms chunks: two chunks now, each followed by a mark.
  EXPECT_EQ(sender->audio_bytes(), 160U * 8);
  EXPECT_EQ(sender->count(Kind::mark), 2U);
  timers.advance(80ms);
  EXPECT_EQ(sender->audio_bytes(), 240U * 8);
  timers.advance(920ms);
  EXPECT_EQ(sender->audio_bytes(), 1000U * 8);
  const auto sent = sender->sent();
  for (std::size_t index = 0; index + 1 < sent.size(); index += 2) {
    EXPECT_EQ(sent[index].kind, Kind::media);
    EXPECT_EQ(sent[index + 1].kind, Kind::mark);
  }
}

// TTS engines deliver a reply in many small chunks, faster than real time: the pacing
// stays one timer, not one more per chunk.
TEST_F(OutboundAudioPlayerTest, ManySmallChunksKeepOnePacingTimer) {
  for (int chunk = 0; chunk < 25; ++chunk) player->enqueue(1, 0, audio_ms(40));
  EXPECT_EQ(timers.pending(), 1U);
  timers.advance(200ms);
  EXPECT_EQ(timers.pending(), 1U);
  timers.advance(1000ms);
  EXPECT_EQ(sender->audio_bytes(), 1000U * 8);
  EXPECT_EQ(timers.pending(), 0U);
}

TEST_F(OutboundAudioPlayerTest, ReportsAnUtteranceOnlyWhenItsLastMarkReturns) {
  player->enqueue(7, 0, audio_ms(100));
  player->finish_utterance(7);
  EXPECT_TRUE(played.empty());
  EXPECT_TRUE(player->busy());
  return_marks();
  EXPECT_EQ(played, std::vector<std::uint64_t>{7});
  EXPECT_FALSE(player->busy());
}

TEST_F(OutboundAudioPlayerTest, HeardPositionFollowsReturnedMarksPerPiece) {
  player->enqueue(1, 0, audio_ms(80));
  player->enqueue(1, 1, audio_ms(200));
  timers.advance(100ms);
  const auto marks = sender->take_marks();
  ASSERT_GE(marks.size(), 2U);
  player->on_mark(marks[0]);
  ASSERT_TRUE(player->last_heard());
  EXPECT_EQ(player->last_heard()->piece_index, 0U);
  EXPECT_EQ(player->last_heard()->piece_bytes_heard, 640U);
  player->on_mark(marks[1]);
  EXPECT_EQ(player->last_heard()->piece_index, 1U);
  EXPECT_EQ(player->last_heard()->piece_bytes_heard, 640U);
}

TEST_F(OutboundAudioPlayerTest, InterruptClearsAndIgnoresMarksTwilioReturnsForClearedAudio) {
  player->enqueue(3, 0, audio_ms(1000));
  player->finish_utterance(3);
  auto marks = sender->take_marks();
  player->on_mark(marks[0]);  // 80 ms heard
  const auto position = player->interrupt();
  ASSERT_TRUE(position);
  EXPECT_EQ(position->utterance_id, 3U);
  EXPECT_EQ(position->piece_bytes_heard, 640U);
  EXPECT_EQ(sender->count(Kind::clear), 1U);
  player->on_mark(marks[1]);  // returned by Twilio because of the clear
  EXPECT_EQ(player->last_heard()->piece_bytes_heard, 640U);
  EXPECT_TRUE(played.empty()) << "an interrupted utterance is never reported as played";
  EXPECT_FALSE(player->busy());
  const auto bytes = sender->audio_bytes();
  timers.advance(2s);
  EXPECT_EQ(sender->audio_bytes(), bytes) << "nothing more is sent after a clear";
}

TEST_F(OutboundAudioPlayerTest, InterruptBeforeAnyMarkMeansNothingWasHeard) {
  player->enqueue(4, 0, audio_ms(500));
  const auto position = player->interrupt();
  ASSERT_TRUE(position);
  EXPECT_EQ(position->utterance_id, 4U);
  EXPECT_EQ(position->piece_bytes_heard, 0U);
  EXPECT_FALSE(player->interrupt()) << "nothing left playing";
}

TEST_F(OutboundAudioPlayerTest, AnUtteranceWithNoAudioFinishesAtOnce) {
  player->finish_utterance(9);
  EXPECT_EQ(played, std::vector<std::uint64_t>{9});
}

}  // namespace
}  // namespace callagent::pipeline

namespace callagent::pipeline {
namespace {

TEST_F(OutboundAudioPlayerTest, CoalescesSmallTtsChunksOfOnePieceIntoFullChunks) {
  // A TTS delivering 1 s in 20 ms blocks, faster than real time: the first blocks go out
  // one by one (nothing waits), then the lead is full and later blocks travel together.
  for (int block = 0; block < 50; ++block) player->enqueue(1, 0, audio_ms(20));
  player->enqueue(1, 1, audio_ms(20));
  timers.advance(std::chrono::seconds(2));
  EXPECT_EQ(sender->audio_bytes(), 1020U * 8);
  const auto media_messages = sender->count(Kind::media);
  EXPECT_LE(media_messages, 8U + 1000U / 80U + 2U);
  const auto sent = sender->sent();
  ASSERT_EQ(sent[sent.size() - 2].kind, Kind::media);
  EXPECT_EQ(sent[sent.size() - 2].audio.size(), 160U) << "a new piece starts a new message";
}

}  // namespace
}  // namespace callagent::pipeline
