// Call records that could not be written because the state store was down, kept in memory
// (the newest one per conversation) and written back when the store answers again. A call
// in progress never stops for its store: it runs from memory and its record catches up.
//
// Ordering: while a conversation has a record waiting, newer saves of it join the wait
// instead of racing ahead, so an older record never overwrites a newer one in the store.
//
// Logging: one warning when records start waiting (the outage), one info line when the
// last waiting record is written (the end of it); never one line per record or per retry.
//
// Ownership: refers to the CallRepository, which must outlive it.
// Threading: thread-safe. save_or_keep() and flush() block on the store (its timeout):
// call them from the blocking executor, never from a call's strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "host/telephony/call_record.h"
#include "host/telephony/call_repository.h"

namespace callagent::telephony {

class RecordWriteBack {
 public:
  // At most `max_waiting` conversations wait (about 2 KB each); beyond that the oldest
  // waiting record is dropped, with an error logged (the transcript still goes to the
  // event sinks; only GET /call/{id} loses it).
  explicit RecordWriteBack(const CallRepository& calls, std::size_t max_waiting = 10000);

  // Saves the record now, or keeps it for flush() when the store fails. Returns the
  // store's answer (an error means the record is waiting, not lost).
  Status save_or_keep(const CallRecord& record);

  // Writes the waiting records, oldest first, until one fails (the store is still down).
  // Returns how many were written.
  std::size_t flush();

  std::size_t waiting() const;
  // Records given up on because more than max_waiting were waiting.
  std::uint64_t dropped() const;
  // Saves the store refused (each kept to wait), and records written back later: for /metrics.
  std::uint64_t failed_saves() const;
  std::uint64_t written_back() const;

 private:
  struct Waiting {
    CallRecord record;
    std::uint64_t version = 0;  // bumped by every newer save while waiting
    std::uint64_t order = 0;    // when it started waiting: flush() writes oldest first
  };
  void keep_locked(const CallRecord& record, const Status& why);

  const CallRepository& calls_;
  const std::size_t max_waiting_;
  mutable std::mutex mutex_;
  std::map<std::string, Waiting> waiting_;  // by conversation id
  std::uint64_t next_version_ = 1;
  std::uint64_t next_order_ = 1;
  std::uint64_t dropped_ = 0;
  std::uint64_t failed_saves_ = 0;
  std::uint64_t written_back_ = 0;
  std::uint64_t written_back_this_outage_ = 0;
};

}  // namespace callagent::telephony
