// The hand-over from a call's strand to its session worker: audio chunks and finalize
// requests, in the order the host sent them.
//
// Bounded by the audio it holds, so a worker that falls far behind (an overloaded host)
// costs a bounded amount of memory and latency instead of growing for the whole call.
//
// Threading: push_* and stop() from the strand, pop() and item_done() from the worker;
// one mutex, held only to move an item in or out (never while decoding).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace callagent::plugins::pocketsphinx {

class WorkQueue {
 public:
  struct Item {
    enum class Kind : std::uint8_t { audio, finalize };
    Kind kind = Kind::audio;
    std::vector<std::int16_t> samples;   // audio only
    std::int64_t stream_offset_ms = 0;   // audio only
  };

  explicit WorkQueue(std::size_t max_queued_samples) : max_queued_samples_(max_queued_samples) {}

  // Queues a chunk unless more than max_queued_samples are already waiting; false when
  // the chunk was refused (the caller drops it). Never blocks beyond the mutex.
  bool push_audio(std::vector<std::int16_t> samples, std::int64_t stream_offset_ms);
  void push_finalize();
  // Waits for the next item. Returns nothing once stop() was called: items still queued
  // are discarded, because the call they belong to has ended.
  std::optional<Item> pop();
  // The worker finished the item pop() gave it.
  void item_done();
  void stop();

  // Tests: waits until every queued item was handled (or stop()); false on timeout.
  bool wait_until_idle(std::chrono::milliseconds timeout);

 private:
  const std::size_t max_queued_samples_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> items_;          // guarded by mutex_
  std::size_t queued_samples_ = 0;  // guarded by mutex_
  bool worker_busy_ = false;        // guarded by mutex_: between pop() and item_done()
  bool stopped_ = false;            // guarded by mutex_
};

}  // namespace callagent::plugins::pocketsphinx
