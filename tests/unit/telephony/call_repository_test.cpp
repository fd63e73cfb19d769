// How long call records live in the state store: a live call's keys outlive its longest
// duration; an ended call's record, stream claim and CallSid index are kept only for the
// configured retention.
#include "host/telephony/call_repository.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_state_store.h"

namespace callagent::telephony {
namespace {

using namespace std::chrono_literals;

class CallRepositoryTest : public ::testing::Test {
 protected:
  CallRepositoryTest() {
    record.conversation_id = "0123456789abcdef0123456789abcdef";
    record.call_sid = "CA0123456789abcdef0123456789abcdef";
    record.host = "host-a";
  }
  std::shared_ptr<testing::FakeStateStore> store = std::make_shared<testing::FakeStateStore>();
  CallRepository calls{store, 5400s, 120s};
  CallRecord record;
};

TEST_F(CallRepositoryTest, ALiveCallsKeysOutliveItsLongestDuration) {
  ASSERT_TRUE(calls.claim_stream(record.conversation_id, record.host));
  ASSERT_TRUE(calls.index_call_sid(record.call_sid, record.conversation_id));
  record.status = "in-progress";
  ASSERT_TRUE(calls.save(record));
  EXPECT_EQ(store->ttl_of("callagent:call:" + record.conversation_id), 5400s);
  EXPECT_EQ(store->ttl_of("callagent:stream:" + record.conversation_id), 5400s);
  EXPECT_EQ(store->ttl_of("callagent:sid:" + record.call_sid), 5400s);
}

TEST_F(CallRepositoryTest, AnEndedCallsRecordClaimAndIndexAreKeptForTheRetention) {
  ASSERT_TRUE(calls.claim_stream(record.conversation_id, record.host));
  ASSERT_TRUE(calls.index_call_sid(record.call_sid, record.conversation_id));
  for (const char* status : {"completed", "busy", "failed", "no-answer", "canceled"}) {
    record.status = status;
    ASSERT_TRUE(calls.save(record)) << status;
    EXPECT_EQ(store->ttl_of("callagent:call:" + record.conversation_id), 120s) << status;
    EXPECT_EQ(store->ttl_of("callagent:stream:" + record.conversation_id), 120s) << status;
    EXPECT_EQ(store->ttl_of("callagent:sid:" + record.call_sid), 120s) << status;
  }
  // Still found by id and by CallSid, and the claim still refuses a second stream.
  const auto loaded = calls.load(record.conversation_id);
  ASSERT_TRUE(loaded && loaded.value());
  EXPECT_EQ(loaded.value()->status, "canceled");
  const auto found = calls.find_by_call_sid(record.call_sid);
  ASSERT_TRUE(found && found.value());
  EXPECT_EQ(*found.value(), record.conversation_id);
  const auto second_claim = calls.claim_stream(record.conversation_id, "host-b");
  ASSERT_TRUE(second_claim);
  EXPECT_FALSE(second_claim.value());
}

TEST_F(CallRepositoryTest, AnEndedCallWithoutAStreamOrCallSidWritesOnlyItsRecord) {
  record.host.clear();
  record.call_sid.clear();
  record.status = "failed";
  ASSERT_TRUE(calls.save(record));
  EXPECT_EQ(store->ttl_of("callagent:call:" + record.conversation_id), 120s);
  EXPECT_FALSE(store->ttl_of("callagent:stream:" + record.conversation_id));
}

}  // namespace
}  // namespace callagent::telephony
