// Up to `size` Redis connections shared by the store's operations.
//
// Connects lazily (the first operations open connections, up to `size`), hands each
// operation one connection through a Lease, and takes it back when the Lease ends. A
// connection whose command failed (I/O error or timeout) is closed instead of returned; an
// I/O error also closes the idle connections, which most likely died with it (a server
// restart), so the next operation connects afresh instead of failing on a dead socket.
// When every connection is in use, acquire() waits up to `wait_timeout` for one, then
// fails with `timeout`. Every acquire() first asks the OutageTracker, so during an outage
// it fails fast without touching the network.
//
// The host blocks at most one pool connection per in-flight store call, so a pool as large
// as the number of threads that call the store at once never makes an operation wait.
//
// Threading: acquire() and Lease are thread-safe; a Lease itself belongs to one thread.
// Lifetime: every Lease must end before the pool; the pool keeps references to the tracker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "outage_tracker.h"
#include "redis_connection.h"

namespace callagent::plugins::redis {

class ConnectionPool {
 public:
  using Connect = std::function<OpenResult()>;

  ConnectionPool(std::size_t size, std::chrono::milliseconds wait_timeout, Connect connect,
                 OutageTracker& outage);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // One connection for one operation; returned to the pool (or closed, if broken) when the
  // Lease is destroyed. Move-only.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    RedisConnection& connection() noexcept { return *connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<RedisConnection> connection, std::uint64_t generation) noexcept;
    ConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
    std::uint64_t generation_;
  };

  // A connection, or: unavailable (outage, or connect failed), unauthenticated or
  // invalid_config (the server refused AUTH or SELECT), timeout (all connections busy).
  Result<Lease> acquire();

  std::size_t size() const noexcept { return size_; }
  // Connections open now, in use or idle.
  std::size_t open_count() const;
  std::size_t idle_count() const;

 private:
  void release(std::unique_ptr<RedisConnection> connection, std::uint64_t generation) noexcept;
  Result<Lease> connect_new(std::unique_lock<std::mutex>& lock, bool probe);

  const std::size_t size_;
  const std::chrono::milliseconds wait_timeout_;
  const Connect connect_;
  OutageTracker& outage_;

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mutex_
  std::size_t open_ = 0;        // guarded by mutex_: idle + leased + being connected
  std::uint64_t generation_ = 0;  // guarded by mutex_: bumped when idle connections are dropped
};

}  // namespace callagent::plugins::redis
