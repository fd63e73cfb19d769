// Call records in the state store, under namespaced keys with a time to live:
//   callagent:call:<conversation_id>    the CallRecord as JSON
//   callagent:stream:<conversation_id>  claimed by the one host that serves the stream
//   callagent:sid:<CallSid>             the conversation id of a Twilio call
// While a call lives its keys outlive every write by `record_ttl`; once its record says it
// ended, all three are written again to expire after `finished_retention` (how long GET
// /call/{id} and late status callbacks still find it), so a host on state_memory holds
// finished calls only that long.
//
// Ownership: holds a shared reference to the state store provider.
// Threading: thread-safe (the store is). Every method may block up to the store's
// timeout: call from HTTP threads or the blocking executor, never from a call's strand.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "callagent/plugin_api/state_store.h"
#include "host/telephony/call_record.h"

namespace callagent::telephony {

class CallRepository {
 public:
  // `record_ttl`: how long a live call's record outlives its last write (covers the longest
  // call). `finished_retention`: how long an ended call's keys are kept.
  CallRepository(std::shared_ptr<StateStore> store, std::chrono::seconds record_ttl,
                 std::chrono::seconds finished_retention);

  Status save(const CallRecord& record) const;
  // nullopt when absent (never created, or expired); an error when the store fails or
  // the stored value is not a record.
  Result<std::optional<CallRecord>> load(std::string_view conversation_id) const;
  // Atomically claims the right to serve this conversation's stream, across every host
  // sharing the store: true for the first claim only.
  Result<bool> claim_stream(std::string_view conversation_id, std::string_view host_name) const;
  Status ping() const;
  // Twilio's status callbacks name the call by CallSid only; this index finds its record.
  Status index_call_sid(std::string_view call_sid, std::string_view conversation_id) const;
  Result<std::optional<std::string>> find_by_call_sid(std::string_view call_sid) const;

  std::chrono::seconds record_ttl() const noexcept { return record_ttl_; }
  std::chrono::seconds finished_retention() const noexcept { return finished_retention_; }

 private:
  std::shared_ptr<StateStore> store_;
  std::chrono::seconds record_ttl_;
  std::chrono::seconds finished_retention_;
};

}  // namespace callagent::telephony
