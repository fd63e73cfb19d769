// The session's I/O thread: connects to Deepgram, reads results, sends control messages
// and queued audio, and reconnects with backoff when the stream breaks.
//
// Caller audio normally does not go through this thread: send_audio's caller writes the
// chunk to the live socket itself (send_audio_now) when nothing is queued before it and
// the socket is free, so a 20 ms frame costs one send(2) on a thread that is awake anyway
// instead of an eventfd write plus a wake-up of this thread (50 a second per call). Only
// when that cannot be done at once — no connection, older audio still queued, the worker
// reading, the kernel's send queue filling up — the chunk joins the backlog and this
// thread sends it. Every use of the socket, from either thread, holds `socket_mutex_`
// (Poco's WebSocket and TLS session are not safe for concurrent use); the caller's side
// only ever try-locks it, so a call never waits on Deepgram.
//
// Between events the worker sleeps in one poll(2) on the socket and a wake-up eventfd
// (event_wait.h, wakeup_signal.h): queued audio, finalize and close signal the eventfd;
// the only timeouts are the timers (KeepAlive, the close drain; the reconnect backoff
// waits on a condition variable). Audio queued while there is no connection waits in the
// backlog and goes out on the next one: the call loses nothing short of the backlog's
// bound.
//
// Timeline: Deepgram times each connection from its first audio byte; the worker adds
// the call offset of the first frame it sent on that connection.
//
// Threading: run() on its own thread; send_audio_now(), queue_audio(), request_close(),
// request_finalize(), gate() and the counters are safe from any thread. Lifetime: shared
// by the session and its thread (shared_ptr), so a thread left behind in a blocking
// connect never touches freed memory.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "audio_backlog.h"
#include "deepgram_config.h"
#include "listen_url.h"
#include "listener_gate.h"
#include "vendor_socket.h"
#include "wakeup_signal.h"

namespace callagent::plugins::deepgram {

class StreamWorker {
 public:
  // 10 s of μ-law 8 kHz: enough for a reconnect with backoff and a slow handshake.
  static constexpr std::size_t kBacklogBytes = 80'000;
  // How long close() lets Deepgram deliver the last Results and Metadata.
  static constexpr std::chrono::milliseconds kCloseDrain{1000};
  // The most audio one binary frame carries (250 ms). Normally a frame is the one 20 ms
  // chunk that woke the worker; several go together only when they queued up meanwhile
  // (a busy CPU, a reconnect's backlog, which goes out as frames of this size).
  static constexpr std::size_t kMaxFrameBytes = 2'000;

  // Throws std::system_error when no eventfd can be made.
  StreamWorker(DeepgramConfig config, Endpoint endpoint, SttListener& listener, Logger& logger,
               ProviderMetrics& metrics);

  void run();

  // Sends the chunk on the live connection from the calling thread, when that can be done
  // at once and in order: connected, nothing queued, the socket not in use, the kernel's
  // send queue short. Never waits for the socket. False: the caller queues it instead.
  bool send_audio_now(std::span<const std::uint8_t> audio, std::int64_t stream_offset_ms);
  // Queues caller audio and wakes the worker if it may be asleep. Returns the bytes of
  // old audio dropped to make room (0 normally).
  std::size_t queue_audio(AudioFrame frame);
  ListenerGate& gate() { return gate_; }
  void request_finalize();
  // Asks run() to send CloseStream, drain and return; wakes a backoff wait.
  void request_close();
  // Waits until run() returned, at most `limit`; true when it did.
  bool wait_finished(std::chrono::milliseconds limit);
  std::size_t malformed_messages() const { return malformed_messages_.load(); }

 private:
  // Streams on one connection until it breaks (a retryable or fatal failure) or close
  // was requested (ok status).
  ConnectFailure stream(VendorSocket& connection, bool& healthy);
  // Holds socket_mutex_ for the lot (as do the reads and drain_and_close below).
  void send_queued(Poco::Net::WebSocket& socket);
  void send_text(Poco::Net::WebSocket& socket, std::string_view text);
  // Reads the frame the socket signalled, then any that already sit in memory above the
  // fd (Poco's handshake read-ahead, a TLS record holding several frames), which the
  // fd's readiness does not show. Returns a failure when the stream ended.
  std::optional<ConnectFailure> read_arrived(Poco::Net::WebSocket& socket, bool& healthy);
  // After a send failed: reads the frames already received, without waiting; returns the
  // failure they end with (Deepgram's close frame), if any.
  std::optional<ConnectFailure> read_what_arrived(Poco::Net::WebSocket& socket, bool& healthy);
  // Reads one frame; returns a failure when the stream ended.
  std::optional<ConnectFailure> read_frame(Poco::Net::WebSocket& socket, bool& healthy);
  void handle_text(std::string_view text);
  void drain_and_close(Poco::Net::WebSocket& socket);
  bool close_requested() const { return close_requested_.load(); }
  void wait_backoff(std::chrono::milliseconds delay);
  void log(LogLevel level, std::string_view message) { gate_.log(level, message); }

  const DeepgramConfig config_;
  const Endpoint endpoint_;
  const std::string target_;
  ListenerGate gate_;
  AudioBacklog backlog_{kBacklogBytes};
  WakeupSignal wakeup_;
  std::atomic<int> finalize_requests_{0};
  std::atomic<bool> close_requested_{false};
  std::atomic<std::size_t> malformed_messages_{0};
  // Every use of the live socket holds this (see the top of the file).
  std::mutex socket_mutex_;
  // The connection send_audio_now may write to; null between connections. Guarded by
  // socket_mutex_, like the two below.
  Poco::Net::WebSocket* live_socket_ = nullptr;
  int live_socket_fd_ = -1;
  int direct_sends_since_check_ = 0;  // direct sends since the send queue was last looked at
  // Call offset of the first audio sent on the current connection (-1: none yet).
  std::int64_t timeline_offset_ms_ = -1;
  // When audio or a message last went to Deepgram (KeepAlive is due after a quiet
  // interval). Written by both threads.
  std::atomic<std::chrono::steady_clock::rep> last_sent_ticks_{0};
  // The frame being sent; kept so its capacity is reused (worker thread only).
  std::vector<std::uint8_t> send_buffer_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool finished_ = false;
};

}  // namespace callagent::plugins::deepgram
