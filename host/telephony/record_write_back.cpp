#include "host/telephony/record_write_back.h"

#include <algorithm>
#include <vector>

#include <spdlog/spdlog.h>

namespace callagent::telephony {

RecordWriteBack::RecordWriteBack(const CallRepository& calls, std::size_t max_waiting)
    : calls_(calls), max_waiting_(std::max<std::size_t>(max_waiting, 1)) {}

Status RecordWriteBack::save_or_keep(const CallRecord& record) {
  {
    std::lock_guard lock(mutex_);
    if (const auto found = waiting_.find(record.conversation_id); found != waiting_.end()) {
      // An older record of this call is waiting: this one replaces it and waits too, so the
      // store never sees them out of order.
      found->second.record = record;
      found->second.version = next_version_++;
      return Status(ErrorCode::unavailable, "an earlier record of this call is waiting for the state store");
    }
  }
  const Status saved = calls_.save(record);
  if (saved) return saved;
  std::lock_guard lock(mutex_);
  keep_locked(record, saved);
  return saved;
}

void RecordWriteBack::keep_locked(const CallRecord& record, const Status& why) {
  ++failed_saves_;
  if (waiting_.empty()) {
    spdlog::warn("state store unavailable ({}): call records are kept in memory and written back when it "
                 "returns; calls in progress carry on",
                 why.message());
    written_back_this_outage_ = 0;
  }
  auto [position, inserted] = waiting_.try_emplace(record.conversation_id);
  position->second.record = record;
  position->second.version = next_version_++;
  if (inserted) position->second.order = next_order_++;
  if (waiting_.size() <= max_waiting_) return;
  const auto oldest = std::min_element(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
    return a.second.order < b.second.order;
  });
  spdlog::error("state store unavailable: more than {} call records waiting; dropped the record of {}",
                max_waiting_, oldest->first);
  waiting_.erase(oldest);
  ++dropped_;
}

std::size_t RecordWriteBack::flush() {
  struct Snapshot {
    std::string conversation_id;
    CallRecord record;
    std::uint64_t version;
    std::uint64_t order;
  };
  std::vector<Snapshot> batch;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, waiting] : waiting_) batch.push_back({id, waiting.record, waiting.version, waiting.order});
  }
  std::sort(batch.begin(), batch.end(), [](const Snapshot& a, const Snapshot& b) { return a.order < b.order; });
  std::size_t written = 0;
  for (const auto& item : batch) {
    // No lock during the store's I/O: a save arriving meanwhile bumps the version and the
    // newer record stays waiting for the next flush.
    if (!calls_.save(item.record)) break;
    ++written;
    std::lock_guard lock(mutex_);
    const auto found = waiting_.find(item.conversation_id);
    if (found != waiting_.end() && found->second.version == item.version) waiting_.erase(found);
    ++written_back_this_outage_;
    ++written_back_;
    if (waiting_.empty()) {
      spdlog::info("state store available again: {} call records written back", written_back_this_outage_);
    }
  }
  return written;
}

std::size_t RecordWriteBack::waiting() const {
  std::lock_guard lock(mutex_);
  return waiting_.size();
}

std::uint64_t RecordWriteBack::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::uint64_t RecordWriteBack::failed_saves() const {
  std::lock_guard lock(mutex_);
  return failed_saves_;
}

std::uint64_t RecordWriteBack::written_back() const {
  std::lock_guard lock(mutex_);
  return written_back_;
}

}  // namespace callagent::telephony
