// The plugin's small pure parts: word symbols, the audio timeline, the work queue, and
// the exported entry point.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "callagent/plugin_api.h"
#include "plugins/stt/pocketsphinx/audio_timeline.h"
#include "plugins/stt/pocketsphinx/decoded_words.h"
#include "plugins/stt/pocketsphinx/work_queue.h"

extern "C" const callagent::PluginInfo* callagent_plugin_v1();

using namespace std::chrono_literals;

namespace callagent::plugins::pocketsphinx {
namespace {

TEST(DecodedWordsTest, FillersAreTheBracketedSymbols) {
  for (const char* filler : {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]", "++UH++", ""}) {
    EXPECT_TRUE(is_filler_word(filler)) << filler;
  }
  for (const char* word : {"book", "i'll", "a", "appointment(2)", "+", "<"}) {
    EXPECT_FALSE(is_filler_word(word)) << word;
  }
}

TEST(DecodedWordsTest, DropsOnlyATrailingPronunciationVariant) {
  EXPECT_EQ(without_pronunciation_variant("to(3)"), "to");
  EXPECT_EQ(without_pronunciation_variant("what(12)"), "what");
  EXPECT_EQ(without_pronunciation_variant("a(2)"), "a");
  EXPECT_EQ(without_pronunciation_variant("book"), "book");
  EXPECT_EQ(without_pronunciation_variant("(2)"), "(2)");
  EXPECT_EQ(without_pronunciation_variant("x(y)"), "x(y)");
  EXPECT_EQ(without_pronunciation_variant("x()"), "x()");
}

TEST(AudioTimelineTest, PlacesSamplesFromTheFirstChunksStamp) {
  AudioTimeline timeline(16000);
  timeline.add_chunk(10'000, 320);
  timeline.add_chunk(10'020, 320);
  EXPECT_EQ(timeline.ms_at_sample(0), 10'000);
  EXPECT_EQ(timeline.ms_at_sample(480), 10'030);
  EXPECT_EQ(timeline.end_ms(), 10'040);
  EXPECT_EQ(timeline.samples_fed(), 640);
}

TEST(AudioTimelineTest, AbsorbsResamplerSlackButReanchorsAfterAGap) {
  AudioTimeline timeline(16000);
  timeline.add_chunk(0, 316);     // a resampler's first chunk comes a few samples short
  timeline.add_chunk(20, 320);    // stamped where the input was: within the slack
  EXPECT_EQ(timeline.ms_at_sample(316), 19);
  timeline.add_chunk(5'000, 320);  // audio went missing before this chunk
  EXPECT_EQ(timeline.ms_at_sample(636), 5'000);
  EXPECT_EQ(timeline.ms_at_sample(796), 5'010);
  EXPECT_EQ(timeline.ms_at_sample(100), 6);  // earlier samples keep their own anchor
}

TEST(AudioTimelineTest, ForgetsOldAnchorsButKeepsTheOneInUse) {
  AudioTimeline timeline(16000);
  timeline.add_chunk(0, 320);
  timeline.add_chunk(1'000, 320);
  timeline.add_chunk(2'000, 320);
  timeline.forget_before(400);
  EXPECT_EQ(timeline.ms_at_sample(400), 1'005);  // still on the 1'000 anchor
  EXPECT_EQ(timeline.ms_at_sample(640), 2'000);
  EXPECT_EQ(timeline.end_ms(), 2'020);
  timeline.reset();
  EXPECT_EQ(timeline.samples_fed(), 0);
}

TEST(WorkQueueTest, KeepsOrderAndRefusesAudioBeyondItsBound) {
  WorkQueue queue(640);
  EXPECT_TRUE(queue.push_audio(std::vector<std::int16_t>(320), 0));
  queue.push_finalize();
  EXPECT_TRUE(queue.push_audio(std::vector<std::int16_t>(320), 20));
  EXPECT_TRUE(queue.push_audio(std::vector<std::int16_t>(320), 40));  // 640 queued: still room
  EXPECT_FALSE(queue.push_audio(std::vector<std::int16_t>(320), 60));

  auto first = queue.pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, WorkQueue::Item::Kind::audio);
  queue.item_done();
  auto second = queue.pop();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, WorkQueue::Item::Kind::finalize);
  queue.item_done();
  EXPECT_TRUE(queue.push_audio(std::vector<std::int16_t>(320), 60));  // room again
}

TEST(WorkQueueTest, StopWakesTheWorkerAndDiscardsWhatIsLeft) {
  WorkQueue queue(16000);
  EXPECT_TRUE(queue.push_audio(std::vector<std::int16_t>(320), 0));
  std::thread worker([&] {
    while (auto item = queue.pop()) queue.item_done();
  });
  EXPECT_TRUE(queue.wait_until_idle(10s));
  queue.stop();
  worker.join();
  EXPECT_FALSE(queue.push_audio(std::vector<std::int16_t>(320), 20));
  EXPECT_FALSE(queue.pop().has_value());
}

TEST(PluginEntryTest, DescribesAnSttPluginWithAConfigCheck) {
  const PluginInfo* info = callagent_plugin_v1();
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->kind, PluginKind::stt);
  EXPECT_STREQ(info->name, "stt_pocketsphinx");
  EXPECT_STREQ(info->version, "1.0.0");
  EXPECT_STREQ(info->description, "offline speech recognition with CMU PocketSphinx (en-us)");
  ASSERT_NE(info->validate_config, nullptr);
  EXPECT_EQ(info->validate_config(R"({"decoders": 0})").code(), ErrorCode::invalid_config);
}

}  // namespace
}  // namespace callagent::plugins::pocketsphinx
