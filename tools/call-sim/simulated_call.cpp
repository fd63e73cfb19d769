#include "tools/call-sim/simulated_call.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <variant>

#include <fmt/format.h>

#include "tools/call-sim/caller_audio_pacer.h"
#include "tools/call-sim/host_frame_parser.h"
#include "tools/call-sim/playback_model.h"
#include "tools/call-sim/script_runner.h"
#include "tools/call-sim/twilio_message_writer.h"
#include "tools/call-sim/twilio_sids.h"
#include "tools/call-sim/twiml_stream_parser.h"
#include "tools/call-sim/webhook_client.h"

namespace callagent::callsim {
namespace {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

constexpr auto kFrameInterval = std::chrono::milliseconds(kFrameDurationMs);
// Behind schedule by more than this (a stalled machine), the sender restarts its cadence
// instead of bursting the missed frames at the host.
constexpr auto kMaxCatchUp = std::chrono::milliseconds(200);
// A send that fails is only the call's failure if the reader has not reported the host's
// close by then: both usually notice the same dead connection within milliseconds.
constexpr auto kSendFailureGrace = std::chrono::milliseconds(200);
constexpr auto kCloseAnswerWait = std::chrono::milliseconds(2000);

std::string last_path_segment(std::string_view url) {
  const auto query = url.find_first_of("?#");
  if (query != std::string_view::npos) url = url.substr(0, query);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const auto slash = url.rfind('/');
  return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

std::string body_excerpt(std::string_view body) {
  constexpr std::size_t kMaxExcerpt = 300;
  std::string excerpt(body.substr(0, kMaxExcerpt));
  std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
  while (!excerpt.empty() && excerpt.back() == ' ') excerpt.pop_back();
  if (body.size() > kMaxExcerpt) excerpt += "…";
  return excerpt.empty() ? std::string("(empty body)") : excerpt;
}

std::string join_url(std::string_view base, std::string_view path) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (!path.empty() && path.front() != '/') url += '/';
  url += path;
  return url;
}

}  // namespace

// Everything below `mutex_` is guarded by it: the frame thread, the WebSocket reader and
// the listener calls all take it, so sequence numbers go out in order and the playback
// model sees one caller at a time. The frame thread holds it except while it waits for
// its next frame or mark (condition variable). The lock is never held while joining the
// reader (StreamClient::close), which itself takes it from on_host_closed.
class SimulatedCall::Impl {
 public:
  Impl(CallSettings settings, CallScript script, CallEventListener listener)
      : settings_(std::move(settings)),
        script_(std::move(script)),
        listener_(std::move(listener)),
        playback_(settings_.keep_recording) {}

  CallReport run();

  std::atomic<bool> hang_up_requested{false};

 private:
  ConnectionSettings connection_settings() const;
  Status place_call();
  Status open_stream();
  // Runs the frames on this thread, sleeping between serve_frames_locked() passes.
  void run_frames();
  // The same on settings_.driver's thread (a timer); blocks until the frames are over.
  void run_frames_on_driver();
  // Sends every frame due by `now` (a 20 ms tick each) and returns marks that have played;
  // returns when to come back (the next tick or mark), or nullopt when the frames are over.
  std::optional<TimePoint> serve_frames_locked(TimePoint now);
  // One 20 ms tick; false when the call's frames are over.
  bool tick_locked(TimePoint now, ScriptRunner& runner);
  void hang_up_and_close();
  void finish_report();

  void on_host_text(std::string_view text, TimePoint received_at);
  void on_host_closed(const StreamCloseInfo& close);

  void apply_locked(const PlaybackUpdate& update, TimePoint now);
  bool send_locked(const std::string& text, TimePoint now);
  void emit_locked(CallEvent event, TimePoint at);
  void fail_locked(std::string error, TimePoint now);
  ScriptObservation observe_locked(TimePoint now) const;
  TimePoint model_time_locked(TimePoint now);

  const CallSettings settings_;
  CallScript script_;
  const CallEventListener listener_;
  TimePoint call_started_at_{};
  std::string stream_connect_url_;

  std::mutex mutex_;
  std::condition_variable wake_frame_thread_;  // a mark was queued: recompute when to wake
  // The frames' state between passes; with a driver, its timer and the frames' end.
  std::optional<ScriptRunner> runner_;
  TimePoint next_tick_{};
  CallDriver::TimerId driven_timer_ = 0;
  bool driven_frames_over_ = false;
  CallReport report_;
  std::string failure_;
  PlaybackModel playback_;
  TimePoint model_time_{};  // the latest `now` given to playback_: it must not go back
  CallerAudioPacer pacer_;
  std::optional<TwilioMessageWriter> writer_;
  std::unique_ptr<StreamClient> stream_;
  bool host_closed_ = false;
  std::string host_close_description_;
  bool stop_sent_ = false;
  bool should_hang_up_ = false;
  std::string send_error_;
  TimePoint send_error_at_{};
  int turn_index_ = 0;
  std::string next_turn_label_;
  std::size_t next_turn_bytes_ = 0;
};

ConnectionSettings SimulatedCall::Impl::connection_settings() const {
  ConnectionSettings connection;
  connection.verify_tls_certificates = settings_.verify_tls_certificates;
  connection.connect_timeout = settings_.connect_timeout;
  connection.io_timeout = settings_.io_timeout;
  return connection;
}

CallReport SimulatedCall::Impl::run() {
  // Speech is rendered before the clock starts: Flite's time is not the host's latency.
  if (Status rendered = script_.render_speech(); !rendered) {
    report_.error = rendered.message();
    return std::move(report_);
  }
  call_started_at_ = Clock::now();
  model_time_ = call_started_at_;
  report_.account_sid = settings_.account_sid.empty() ? random_sid("AC") : settings_.account_sid;
  report_.call_sid = random_sid("CA");
  report_.stream_sid = random_sid("MZ");

  if (Status placed = place_call(); !placed) {
    std::lock_guard lock(mutex_);
    fail_locked(placed.message(), Clock::now());
  } else if (Status opened = open_stream(); !opened) {
    std::lock_guard lock(mutex_);
    fail_locked(opened.message(), Clock::now());
  } else {
    if (settings_.driver) {
      run_frames_on_driver();
    } else {
      run_frames();
    }
    hang_up_and_close();
  }
  finish_report();
  return std::move(report_);
}

Status SimulatedCall::Impl::place_call() {
  WebhookRequest request;
  request.connect_url = join_url(settings_.host_url, settings_.webhook_path);
  request.signed_url = join_url(
      settings_.public_base_url.empty() ? settings_.host_url : settings_.public_base_url,
      settings_.webhook_path);
  request.auth_token = settings_.auth_token;
  request.params = incoming_call_params(report_.call_sid, report_.account_sid, settings_.from, settings_.to);

  auto answered = post_voice_webhook(request, connection_settings());
  if (!answered) return answered.status();
  const WebhookResponse& response = answered.value();
  {
    std::lock_guard lock(mutex_);
    report_.webhook_status = response.status;
    report_.webhook_body = response.body;
    CallEvent event;
    event.kind = CallEventKind::webhook_answered;
    event.status = response.status;
    emit_locked(std::move(event), Clock::now());
  }
  if (response.status != 200) {
    return Status(ErrorCode::unavailable,
                  fmt::format("webhook answered {}: {}", response.status, body_excerpt(response.body)));
  }
  auto instruction = parse_stream_twiml(response.body);
  if (!instruction) return instruction.status();
  if (!instruction.value().bidirectional) {
    return Status(ErrorCode::invalid_argument,
                  "TwiML asks for a one-way <Start><Stream>; an agent needs <Connect><Stream>");
  }
  report_.stream_url = instruction.value().url;
  report_.stream_parameters = instruction.value().parameters;
  report_.conversation_id = find_parameter(instruction.value(), "conversation_id");
  if (report_.conversation_id.empty()) report_.conversation_id = last_path_segment(report_.stream_url);

  if (settings_.connect_stream_via_host) {
    auto rebased = rebase_url(report_.stream_url, settings_.host_url);
    if (!rebased) {
      return Status(ErrorCode::invalid_argument,
                    fmt::format("TwiML <Stream url> {}: {}", report_.stream_url, rebased.status().message()));
    }
    stream_connect_url_ = std::move(rebased).value();
  } else {
    stream_connect_url_ = report_.stream_url;
  }
  return Status::ok();
}

Status SimulatedCall::Impl::open_stream() {
  StreamConnectRequest request;
  request.connect_url = stream_connect_url_;
  request.signed_url = report_.stream_url;
  request.auth_token = settings_.auth_token;

  StreamClient::Handlers handlers;
  handlers.on_text = [this](std::string_view text, TimePoint received_at) { on_host_text(text, received_at); };
  handlers.on_closed = [this](const StreamCloseInfo& close) { on_host_closed(close); };

  // Held across the connect so the reader cannot handle a frame before `start` is out
  // and stream_ is set.
  std::lock_guard lock(mutex_);
  writer_.emplace(StreamIdentity{report_.stream_sid, report_.account_sid, report_.call_sid});
  auto connected = StreamClient::connect(request, connection_settings(), std::move(handlers), settings_.driver.get());
  if (!connected) return connected.status();
  stream_ = std::move(connected).value();
  CallEvent opened;
  opened.kind = CallEventKind::stream_opened;
  opened.text = stream_connect_url_;
  emit_locked(std::move(opened), Clock::now());

  Status sent = stream_->send_text(writer_->connected());
  if (sent) sent = stream_->send_text(writer_->start(report_.stream_parameters));
  if (!sent) return Status(ErrorCode::unavailable, fmt::format("cannot send connected/start: {}", sent.message()));
  CallEvent started;
  started.kind = CallEventKind::start_sent;
  started.text = report_.stream_sid;
  emit_locked(std::move(started), Clock::now());
  return Status::ok();
}

void SimulatedCall::Impl::run_frames() {
  std::unique_lock lock(mutex_);
  runner_.emplace(script_);
  next_tick_ = Clock::now();
  while (const auto wake_at = serve_frames_locked(Clock::now())) {
    // Releases the lock while waiting; the reader notifies when it queues a mark.
    wake_frame_thread_.wait_until(lock, *wake_at);
  }
}

void SimulatedCall::Impl::run_frames_on_driver() {
  std::unique_lock lock(mutex_);
  runner_.emplace(script_);
  next_tick_ = Clock::now();
  // Under the lock: the timer's first run waits for it, so driven_timer_ is set by then.
  driven_timer_ = settings_.driver->add_timer(next_tick_, [this](TimePoint now) {
    std::lock_guard timer_lock(mutex_);
    const auto wake_at = serve_frames_locked(now);
    if (!wake_at) {
      driven_frames_over_ = true;
      wake_frame_thread_.notify_one();
    }
    return wake_at;
  });
  wake_frame_thread_.wait(lock, [this] { return driven_frames_over_; });
  lock.unlock();
  settings_.driver->remove_timer(driven_timer_);
}

std::optional<TimePoint> SimulatedCall::Impl::serve_frames_locked(TimePoint now) {
  while (now >= next_tick_) {
    if (!tick_locked(now, *runner_)) return std::nullopt;
    next_tick_ += kFrameInterval;
    if (now - next_tick_ > kMaxCatchUp) next_tick_ = now;
  }
  // Between frames, come back exactly when playback reaches a mark: Twilio returns a mark
  // the moment the audio before it has played, not at the caller's next frame.
  const TimePoint played_until = model_time_locked(now);
  apply_locked(playback_.advance(played_until), played_until);
  TimePoint wake_at = next_tick_;
  if (const auto mark_due = playback_.next_mark_due(); mark_due && *mark_due < wake_at) wake_at = *mark_due;
  return wake_at;
}

bool SimulatedCall::Impl::tick_locked(TimePoint wall_now, ScriptRunner& runner) {
  const TimePoint now = model_time_locked(wall_now);
  apply_locked(playback_.advance(now), now);

  if (!failure_.empty()) {
    should_hang_up_ = !host_closed_;
    return false;
  }
  if (!send_error_.empty() && !host_closed_ && now - send_error_at_ >= kSendFailureGrace) {
    fail_locked(send_error_, now);
    return false;
  }
  const auto elapsed = now - call_started_at_;
  if (elapsed >= settings_.max_duration) {
    fail_locked(fmt::format("call still running after its maximum of {:.1f} s, at {}",
                            static_cast<double>(settings_.max_duration.count()) / 1000.0,
                            runner.describe_current_step()),
                now);
    should_hang_up_ = !host_closed_;
    return false;
  }
  if (hang_up_requested.load() || (settings_.hang_up_after && elapsed >= *settings_.hang_up_after)) {
    should_hang_up_ = !host_closed_;
    return false;
  }

  const ScriptAction action = runner.tick(observe_locked(now));
  if (action.speak != nullptr) {
    pacer_.queue_speech(action.speak->mulaw_audio);
    next_turn_label_ = action.speak->label;
    next_turn_bytes_ = action.speak->mulaw_audio.size();
  }
  for (const char digit : action.dtmf_digits) {
    const std::string digit_text(1, digit);
    if (send_locked(writer_->dtmf(digit_text), now)) {
      CallEvent event;
      event.kind = CallEventKind::dtmf_sent;
      event.text = digit_text;
      emit_locked(std::move(event), now);
    }
  }
  if (!action.failure.empty()) fail_locked(action.failure, now);
  if (action.finished) {
    should_hang_up_ = !host_closed_ && (action.hang_up || !action.failure.empty());
    return false;
  }
  if (host_closed_) return true;  // the runner ends the script on its next tick

  const CallerFrame frame = pacer_.next_frame();
  if (frame.starts_speech) {
    CallEvent event;
    event.kind = CallEventKind::caller_turn_started;
    event.index = ++turn_index_;
    event.text = next_turn_label_;
    event.bytes = static_cast<std::int64_t>(next_turn_bytes_);
    emit_locked(std::move(event), now);
  }
  if (send_locked(writer_->media(frame), now)) ++report_.caller_frames_sent;
  if (frame.ends_speech) {
    CallEvent event;
    event.kind = CallEventKind::caller_turn_ended;
    event.index = turn_index_;
    emit_locked(std::move(event), Clock::now());  // the moment the last speech frame went out
  }
  return true;
}

void SimulatedCall::Impl::hang_up_and_close() {
  {
    std::lock_guard lock(mutex_);
    if (should_hang_up_ && !host_closed_ && !stop_sent_) {
      pacer_.cancel_speech();
      const TimePoint now = Clock::now();
      send_locked(writer_->stop(), now);
      stop_sent_ = true;  // no more frames: the caller is gone
      CallEvent event;
      event.kind = CallEventKind::hung_up;
      emit_locked(std::move(event), now);
    }
  }
  // Outside the lock: close() joins the reader, which takes the lock in its handlers.
  if (stream_) stream_->close(1000, "", kCloseAnswerWait);
}

void SimulatedCall::Impl::finish_report() {
  std::lock_guard lock(mutex_);
  if (stream_) report_.stream_close = stream_->close_info();
  report_.ok = failure_.empty();
  report_.error = failure_;
  report_.agent_bytes_played = playback_.played_bytes();
  if (settings_.keep_recording) report_.agent_recording = playback_.recording();
  std::stable_sort(report_.events.begin(), report_.events.end(),
                   [](const CallEvent& left, const CallEvent& right) { return left.at < right.at; });
  report_.latencies = compute_latencies(report_.events);
}

void SimulatedCall::Impl::on_host_text(std::string_view text, TimePoint received_at) {
  std::lock_guard lock(mutex_);
  if (stop_sent_) return;  // Twilio ignores whatever arrives after the caller hung up
  const TimePoint now = model_time_locked(received_at);
  auto parsed = parse_host_frame(text, report_.stream_sid);
  if (!parsed) {
    ++report_.frames_refused;
    CallEvent event;
    event.kind = CallEventKind::frame_refused;
    event.text = parsed.status().message();
    emit_locked(std::move(event), received_at);
    return;
  }
  HostFrame& frame = parsed.value();
  if (auto* media = std::get_if<HostMedia>(&frame)) {
    const bool first = report_.agent_bytes_received == 0;
    report_.agent_bytes_received += media->mulaw_audio.size();
    CallEvent event;
    event.kind = CallEventKind::agent_media;
    event.bytes = static_cast<std::int64_t>(media->mulaw_audio.size());
    emit_locked(event, received_at);
    if (first && !media->mulaw_audio.empty()) {
      event.kind = CallEventKind::first_agent_audio;
      emit_locked(std::move(event), received_at);
    }
    apply_locked(playback_.enqueue_audio(media->mulaw_audio, now), now);
  } else if (auto* mark = std::get_if<HostMark>(&frame)) {
    ++report_.marks_received;
    CallEvent event;
    event.kind = CallEventKind::mark_sent_by_host;
    event.text = mark->name;
    emit_locked(std::move(event), received_at);
    apply_locked(playback_.enqueue_mark(std::move(mark->name), now), now);
    if (playback_.pending_mark_count() > 0) {
      if (!settings_.driver) {
        wake_frame_thread_.notify_one();
      } else if (const auto mark_due = playback_.next_mark_due(); mark_due && driven_timer_ != 0) {
        settings_.driver->run_timer_by(driven_timer_, *mark_due);
      }
    }
  } else {
    ++report_.clears_received;
    const PlaybackUpdate update = playback_.clear(now);
    CallEvent event;
    event.kind = CallEventKind::clear_received;
    event.bytes = static_cast<std::int64_t>(update.dropped_bytes);
    event.count = static_cast<int>(update.returned_marks.size());
    emit_locked(std::move(event), received_at);
    apply_locked(update, now);
  }
}

void SimulatedCall::Impl::on_host_closed(const StreamCloseInfo& close) {
  std::lock_guard lock(mutex_);
  if (close.initiated_by_host) {
    host_closed_ = true;
    host_close_description_ = close.reason.empty() ? fmt::format("code {}", close.code)
                                                   : fmt::format("code {} ({})", close.code, close.reason);
  }
  CallEvent event;
  event.kind = CallEventKind::stream_closed;
  event.status = close.code;
  event.text = close.reason;
  event.count = close.initiated_by_host ? 1 : 0;
  emit_locked(std::move(event), Clock::now());
}

void SimulatedCall::Impl::apply_locked(const PlaybackUpdate& update, TimePoint now) {
  if (update.finished_at) {
    CallEvent event;
    event.kind = CallEventKind::agent_audio_finished;
    emit_locked(std::move(event), *update.finished_at);
  }
  if (update.started_at) {
    CallEvent event;
    event.kind = CallEventKind::agent_audio_started;
    emit_locked(std::move(event), *update.started_at);
  }
  for (const std::string& name : update.returned_marks) {
    if (!send_locked(writer_->mark(name), now)) continue;
    ++report_.marks_returned;
    CallEvent event;
    event.kind = CallEventKind::mark_returned;
    event.text = name;
    emit_locked(std::move(event), now);
  }
}

bool SimulatedCall::Impl::send_locked(const std::string& text, TimePoint now) {
  if (!stream_ || host_closed_ || stop_sent_) return false;
  const Status sent = stream_->send_text(text);
  if (sent) return true;
  if (send_error_.empty()) {
    send_error_ = sent.message();
    send_error_at_ = now;
  }
  return false;
}

void SimulatedCall::Impl::emit_locked(CallEvent event, TimePoint at) {
  event.at = std::chrono::duration_cast<std::chrono::microseconds>(at - call_started_at_);
  if (listener_) listener_(event);
  report_.events.push_back(std::move(event));
}

void SimulatedCall::Impl::fail_locked(std::string error, TimePoint now) {
  if (!failure_.empty()) return;  // the first failure is the cause; later ones follow from it
  failure_ = std::move(error);
  CallEvent event;
  event.kind = CallEventKind::call_failed;
  event.text = failure_;
  emit_locked(std::move(event), now);
}

ScriptObservation SimulatedCall::Impl::observe_locked(TimePoint now) const {
  ScriptObservation observation;
  observation.now = now;
  observation.agent_playing = playback_.is_playing();
  observation.agent_playing_since = playback_.playing_since();
  observation.agent_silent_since = playback_.silent_since();
  observation.agent_playback_count = playback_.playback_count();
  observation.caller_speaking = pacer_.has_queued_speech();
  observation.host_closed = host_closed_;
  observation.host_close_description = host_close_description_;
  return observation;
}

TimePoint SimulatedCall::Impl::model_time_locked(TimePoint now) {
  // The reader stamps frames before taking the lock, so its time can trail a tick's.
  model_time_ = std::max(model_time_, now);
  return model_time_;
}

SimulatedCall::SimulatedCall(CallSettings settings, CallScript script, CallEventListener listener)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(script), std::move(listener))) {}

SimulatedCall::~SimulatedCall() = default;

CallReport SimulatedCall::run() {
  return impl_->run();
}

void SimulatedCall::request_hang_up() noexcept {
  impl_->hang_up_requested = true;
}

}  // namespace callagent::callsim
