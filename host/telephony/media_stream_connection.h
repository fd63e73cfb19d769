// One Twilio Media Stream WebSocket, from upgrade to close.
//
// Reading takes whatever one recv(2) returns, takes every whole frame out of it
// (host/http/websocket_frames.h), refuses bad ones (counted, logged, never fatal alone; a
// flood closes the socket with 1008), fills timestamp gaps with silence, answers pings,
// and hands each event to the call's MediaStreamReceiver. Two ways to read:
//   - a plain TCP stream is a SocketReactor client: on_readable() reads what has arrived
//     without blocking, on a reactor thread shared by many streams; timeouts come from
//     on_tick(), which shuts the socket's reading side so on_readable() sees the end;
//   - a TLS stream (the host serving HTTPS itself) is read by run() on the HTTP thread
//     that accepted it, blocking, since a TLS record can be half-arrived when the socket
//     looks readable.
// Writes come from the call's strand through the MediaStreamSender side, serialised by
// a mutex; a chunk of audio and its mark go out in one send(2).
//
// Ownership: shared — the reactor (or the HTTP thread in run()) and the call (as its
// sender). Lifetime: when the stream ends the socket is closed, the call told, and the
// sender side becomes a no-op. Threading: run() or on_readable() on one thread at a
// time; on_tick(), on_stop() and the sender methods from any thread.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <Poco/Net/StreamSocket.h>

#include "host/http/socket_reactor.h"
#include "host/http/websocket_frames.h"
#include "host/http/websocket_upgrade.h"
#include "host/runtime/clock.h"
#include "host/telephony/bad_frame_policy.h"
#include "host/telephony/call_record.h"
#include "host/telephony/media_gap_filler.h"
#include "host/telephony/media_stream_port.h"
#include "host/telephony/message_rate_limit.h"
#include "host/telephony/telephony_counters.h"

namespace callagent::telephony {

struct MediaStreamLimits {
  // Larger text frames are dropped and counted (Twilio's are a few hundred bytes; a
  // start with many parameters a few KiB).
  std::size_t max_frame_bytes = 64 * 1024;
  // Beyond this the frame cannot even be read safely: the socket closes with 1009.
  std::size_t max_readable_frame_bytes = 1024 * 1024;
  // No frame at all for this long means the peer is gone (Twilio sends 50 a second).
  std::chrono::milliseconds receive_timeout{30000};
  std::size_t max_bad_frames_per_window = 50;
  std::chrono::milliseconds bad_frame_window{10000};
  // Messages a second, and how many may come at once (Twilio: 50 a second, bunched by
  // jitter). Beyond it each message is dropped as a bad frame ("too_fast").
  double max_messages_per_second = 200;
  std::size_t max_message_burst = 500;
};

class MediaStreamConnection final : public MediaStreamSender,
                                    public host::SocketReactor::Client,
                                    public std::enable_shared_from_this<MediaStreamConnection> {
 public:
  // `on_finished` runs once, after the stream ended and the call was told.
  MediaStreamConnection(host::AcceptedWebSocket socket, CallRecord record, CallStarter& starter,
                        TelephonyCounters& counters, const host::TimeSource& time,
                        MediaStreamLimits limits = {}, std::function<void()> on_finished = {});

  // Blocking: reads until the stream ends. Never throws.
  void run();
  // Reactor mode: starts the stream (call once, before the reactor watches the socket)
  // and handles the bytes already read with the upgrade. False: it has already ended.
  bool begin();
  int socket_fd() const;
  bool on_readable(bool peer_closing) override;
  void on_tick() override;
  void on_stop() override;

  void send_media(std::span<const std::uint8_t> mulaw_audio) override;
  void send_mark(std::string_view name) override;
  void send_media_with_mark(std::span<const std::uint8_t> mulaw_audio, std::string_view name) override;
  void send_clear() override;
  void close(std::uint16_t code, std::string_view reason) override;

 private:
  enum class Phase { awaiting_start, streaming, closing };

  // Handles every whole frame received so far. False: the stream ends (end_reason_ set).
  bool handle_received();
  // false: stop reading.
  bool handle_frame(const host::WebSocketFrame& frame);
  // The host closed the stream while Twilio may still send: stop sending, and take in
  // what still arrives until Twilio closes too (run(): at once, for a second at most;
  // the reactor: over the next on_readable calls, until on_tick's deadline).
  void linger_before_close();
  void start_lingering();
  // Closes the socket, tells the call, runs on_finished. Once.
  void finish();
  // Reactor mode: the end of the stream as on_readable saw it.
  bool end_reactor_stream();
  void shut_reading_side();
  std::int64_t now_ms() const;
  bool handle_text_frame(std::string_view text);
  bool handle_bad_frame(std::size_t problem_slot, std::string_view problem, std::string_view detail);
  void handle_start(const twilio::StartMessage& start);
  void handle_media(twilio::MediaMessage& media);
  // Appends `text` (a serialised message) to the frames waiting in send_frames_.
  void frame_text_locked(const std::string& text);
  // Sends send_frames_ in one write and empties it.
  void flush_locked();
  void send_frame_locked(host::WebSocketOpcode opcode, std::string_view payload);

  Poco::Net::StreamSocket socket_;
  host::WebSocketFrameReader reader_;
  CallRecord record_;
  CallStarter& starter_;
  TelephonyCounters& counters_;
  const host::TimeSource& time_;
  MediaStreamLimits limits_;
  BadFramePolicy bad_frames_;
  MessageRateLimit message_rate_;
  MediaGapFiller gap_filler_;
  std::string log_prefix_;

  std::function<void()> on_finished_;
  int socket_fd_ = -1;

  // Reader-thread state.
  Phase phase_ = Phase::awaiting_start;
  std::string end_reason_ = "stream closed";
  bool peer_finished_ = false;  // Twilio closed (a close frame or the TCP connection)
  bool lingering_ = false;
  bool finished_ = false;

  // Reactor timeouts: written by the reader, read by on_tick (steady ms).
  std::atomic<std::int64_t> last_received_ms_{0};
  std::atomic<std::int64_t> linger_deadline_ms_{0};   // 0: not lingering
  std::atomic<std::int64_t> close_sent_ms_{0};        // 0: no close sent
  std::atomic<bool> timed_out_{false};
  std::atomic<bool> stop_requested_{false};
  // Orders finish()'s close of the socket before any later shut_reading_side (on_tick and
  // on_stop come from other threads).
  std::mutex fd_mutex_;
  bool socket_closed_ = false;  // guarded by fd_mutex_
  std::string stream_sid_;
  std::shared_ptr<MediaStreamReceiver> receiver_;
  std::size_t bad_frames_logged_ = 0;

  // Sender state, guarded by send_mutex_.
  std::mutex send_mutex_;
  std::string send_buffer_;  // one serialised message
  std::string send_frames_;  // the frames of one write
  std::size_t frames_pending_ = 0;
  std::string outbound_stream_sid_;
  bool send_closed_ = false;
};

}  // namespace callagent::telephony
