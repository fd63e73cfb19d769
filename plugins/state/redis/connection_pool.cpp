#include "connection_pool.h"

#include <utility>

namespace callagent::plugins::redis {

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<RedisConnection> connection,
                             std::uint64_t generation) noexcept
    : pool_(pool), connection_(std::move(connection)), generation_(generation) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::move(other.connection_)),
      generation_(other.generation_) {}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr && connection_ != nullptr) pool_->release(std::move(connection_), generation_);
}

ConnectionPool::ConnectionPool(std::size_t size, std::chrono::milliseconds wait_timeout,
                               Connect connect, OutageTracker& outage)
    : size_(size), wait_timeout_(wait_timeout), connect_(std::move(connect)), outage_(outage) {}

ConnectionPool::~ConnectionPool() = default;

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + wait_timeout_;
  std::unique_lock lock(mutex_);
  while (true) {
    const OutageTracker::Admission admission = outage_.admit();
    if (!admission.refusal) return admission.refusal;
    // A probe always connects: the point is to learn whether a new connection works.
    if (!admission.probe && !idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection), generation_);
    }
    if (open_ < size_) return connect_new(lock, admission.probe);
    if (admission.probe) outage_.probe_abandoned();
    if (slot_freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= size_) {
      return Status(ErrorCode::timeout,
                    "all " + std::to_string(size_) + " redis connections (pool_size) stayed busy for " +
                        std::to_string(wait_timeout_.count()) + " ms");
    }
  }
}

Result<ConnectionPool::Lease> ConnectionPool::connect_new(std::unique_lock<std::mutex>& lock, bool probe) {
  ++open_;
  std::uint64_t generation = generation_;
  lock.unlock();
  OpenResult opened;
  try {
    opened = connect_();
  } catch (...) {
    lock.lock();
    --open_;
    slot_freed_.notify_one();
    if (probe) outage_.probe_abandoned();
    throw;
  }
  if (opened.connection != nullptr) {
    outage_.connect_succeeded();
    lock.lock();
    generation = generation_;
    return Lease(this, std::move(opened.connection), generation);
  }
  Status error = opened.unreachable ? outage_.connect_failed(opened.error.message(), probe)
                                    : opened.error;
  // A reachable server that refused AUTH or SELECT is not an outage.
  if (!opened.unreachable) outage_.connect_succeeded();
  lock.lock();
  --open_;
  slot_freed_.notify_one();
  if (opened.unreachable) {
    // Idle connections to a server that refuses new ones are suspect: drop them.
    ++generation_;
    std::vector<std::unique_ptr<RedisConnection>> dropped;
    dropped.swap(idle_);
    open_ -= dropped.size();
  }
  return error;
}

void ConnectionPool::release(std::unique_ptr<RedisConnection> connection, std::uint64_t generation) noexcept {
  std::vector<std::unique_ptr<RedisConnection>> dropped;  // closed after the lock is released
  {
    std::lock_guard lock(mutex_);
    const auto health = connection->health();
    if (health == RedisConnection::Health::lost) {
      ++generation_;
      dropped.swap(idle_);
      open_ -= dropped.size();
    }
    if (health == RedisConnection::Health::healthy && generation == generation_) {
      try {
        idle_.push_back(std::move(connection));
      } catch (...) {
        --open_;  // no room to keep it: close it
      }
    } else {
      --open_;
    }
    slot_freed_.notify_all();
  }
  connection.reset();
}

std::size_t ConnectionPool::open_count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace callagent::plugins::redis
