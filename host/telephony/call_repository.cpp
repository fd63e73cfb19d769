#include "host/telephony/call_repository.h"

namespace callagent::telephony {
namespace {

std::string record_key(std::string_view conversation_id) {
  return "callagent:call:" + std::string(conversation_id);
}

std::string stream_claim_key(std::string_view conversation_id) {
  return "callagent:stream:" + std::string(conversation_id);
}

}  // namespace

CallRepository::CallRepository(std::shared_ptr<StateStore> store, std::chrono::seconds record_ttl,
                               std::chrono::seconds finished_retention)
    : store_(std::move(store)), record_ttl_(record_ttl), finished_retention_(finished_retention) {}

Status CallRepository::save(const CallRecord& record) const {
  if (!record.ended()) return store_->put(record_key(record.conversation_id), record.to_json().dump(), record_ttl_);
  // The record first: a failure leaves the claim and index at their (longer) live TTL,
  // and the write-back retries the whole save.
  if (Status saved = store_->put(record_key(record.conversation_id), record.to_json().dump(), finished_retention_);
      !saved) {
    return saved;
  }
  if (!record.host.empty()) {
    if (Status claimed = store_->put(stream_claim_key(record.conversation_id), record.host, finished_retention_);
        !claimed) {
      return claimed;
    }
  }
  if (!record.call_sid.empty()) {
    return store_->put("callagent:sid:" + record.call_sid, record.conversation_id, finished_retention_);
  }
  return Status::ok();
}

Result<std::optional<CallRecord>> CallRepository::load(std::string_view conversation_id) const {
  auto stored = store_->get(record_key(conversation_id));
  if (!stored) return stored.status();
  if (!stored.value()) return std::optional<CallRecord>();
  auto record = CallRecord::from_json(*stored.value());
  if (!record) {
    return Status(ErrorCode::internal,
                  "the stored call record for " + std::string(conversation_id) + " is not JSON");
  }
  return std::optional<CallRecord>(std::move(*record));
}

Result<bool> CallRepository::claim_stream(std::string_view conversation_id,
                                          std::string_view host_name) const {
  return store_->put_if_absent(stream_claim_key(conversation_id), host_name, record_ttl_);
}

Status CallRepository::ping() const { return store_->ping(); }

Status CallRepository::index_call_sid(std::string_view call_sid,
                                      std::string_view conversation_id) const {
  return store_->put("callagent:sid:" + std::string(call_sid), conversation_id, record_ttl_);
}

Result<std::optional<std::string>> CallRepository::find_by_call_sid(std::string_view call_sid) const {
  return store_->get("callagent:sid:" + std::string(call_sid));
}

}  // namespace callagent::telephony
