// Call records wait in memory while the state store is down and are written back, newest
// per call and in order, when it returns; the outage is logged once.
#include "host/telephony/record_write_back.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_state_store.h"

namespace callagent::telephony {
namespace {

using namespace std::chrono_literals;

CallRecord record_of(const std::string& conversation_id, const std::string& status) {
  CallRecord record;
  record.conversation_id = conversation_id;
  record.status = status;
  return record;
}

std::string stored_status(const CallRepository& calls, const std::string& conversation_id) {
  auto loaded = calls.load(conversation_id);
  if (!loaded || !loaded.value()) return "<absent>";
  return loaded.value()->status;
}

class RecordWriteBackTest : public ::testing::Test {
 protected:
  std::shared_ptr<testing::FakeStateStore> store = std::make_shared<testing::FakeStateStore>();
  CallRepository calls{store, 3600s, 3600s};
};

TEST_F(RecordWriteBackTest, SavesAtOnceWhenTheStoreAnswers) {
  RecordWriteBack write_back(calls);
  EXPECT_TRUE(write_back.save_or_keep(record_of("c1", "in-progress")));
  EXPECT_EQ(write_back.waiting(), 0U);
  EXPECT_EQ(stored_status(calls, "c1"), "in-progress");
}

TEST_F(RecordWriteBackTest, KeepsRecordsWhileTheStoreIsDownAndWritesThemBack) {
  RecordWriteBack write_back(calls);
  store->set_unavailable(true);
  EXPECT_FALSE(write_back.save_or_keep(record_of("c1", "in-progress")));
  EXPECT_FALSE(write_back.save_or_keep(record_of("c2", "in-progress")));
  EXPECT_EQ(write_back.waiting(), 2U);
  EXPECT_EQ(write_back.flush(), 0U) << "still down: nothing written";
  EXPECT_EQ(write_back.waiting(), 2U);

  store->set_unavailable(false);
  EXPECT_EQ(write_back.flush(), 2U);
  EXPECT_EQ(write_back.waiting(), 0U);
  EXPECT_EQ(stored_status(calls, "c1"), "in-progress");
  EXPECT_EQ(stored_status(calls, "c2"), "in-progress");
  EXPECT_EQ(write_back.failed_saves(), 2U);
  EXPECT_EQ(write_back.written_back(), 2U);
}

TEST_F(RecordWriteBackTest, TheNewestRecordOfACallWinsAndNeverRacesAhead) {
  RecordWriteBack write_back(calls);
  store->set_unavailable(true);
  (void)write_back.save_or_keep(record_of("c1", "in-progress"));
  store->set_unavailable(false);
  // The store is back, but an older record of c1 waits: this one must not overtake it...
  EXPECT_FALSE(write_back.save_or_keep(record_of("c1", "completed")));
  EXPECT_EQ(stored_status(calls, "c1"), "<absent>");
  // ...and the flush writes the newest.
  EXPECT_EQ(write_back.flush(), 1U);
  EXPECT_EQ(stored_status(calls, "c1"), "completed");
  // Afterwards saves go straight through again.
  EXPECT_TRUE(write_back.save_or_keep(record_of("c1", "ended")));
  EXPECT_EQ(stored_status(calls, "c1"), "ended");
}

TEST_F(RecordWriteBackTest, BeyondItsLimitTheOldestWaitingRecordIsDropped) {
  RecordWriteBack write_back(calls, 2);
  store->set_unavailable(true);
  (void)write_back.save_or_keep(record_of("c1", "in-progress"));
  (void)write_back.save_or_keep(record_of("c2", "in-progress"));
  (void)write_back.save_or_keep(record_of("c3", "in-progress"));
  EXPECT_EQ(write_back.waiting(), 2U);
  EXPECT_EQ(write_back.dropped(), 1U);
  store->set_unavailable(false);
  EXPECT_EQ(write_back.flush(), 2U);
  EXPECT_EQ(stored_status(calls, "c1"), "<absent>");
  EXPECT_EQ(stored_status(calls, "c3"), "in-progress");
}

}  // namespace
}  // namespace callagent::telephony
