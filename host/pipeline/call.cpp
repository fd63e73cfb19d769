#include "host/pipeline/call.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "host/pipeline/call_tools.h"
#include "host/pipeline/dtmf_tones.h"
#include "host/twilio/twiml.h"

namespace callagent::pipeline {

using namespace std::chrono_literals;

namespace {

constexpr AudioFormat kTwilioFormat{AudioEncoding::mulaw, 8000};
constexpr auto kDtmfCollectTimeout = 1500ms;
constexpr auto kStreamCloseGrace = 5s;
constexpr int kMaxConsecutiveLlmFailures = 2;

bool ends_sentence(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '"' || text.back() == '\'')) {
    text.remove_suffix(1);
  }
  return !text.empty() && (text.back() == '.' || text.back() == '?' || text.back() == '!');
}

std::string append_words(const std::string& left, std::string_view right) {
  if (right.empty()) return left;
  if (left.empty()) return std::string(right);
  return left + " " + std::string(right);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Per-call state records.

struct Call::CallerTurn {
  std::string final_text;              // settled words of this turn
  std::string interim_text;            // the STT's current guess for what follows
  bool heard_speech = false;           // VAD or STT heard the caller in this turn
  bool heard_sound = false;            // the VAD heard a loud chunk in this turn, speech or not
  std::string started_at;              // ISO time of the first speech
  std::optional<host::TimePoint> stt_final_at;
  std::optional<host::TimePoint> speech_end_at;
};

struct Call::Response {
  std::uint64_t id = 0;                // the player's utterance id
  bool interruptible = true;
  std::uint64_t llm_request_id = 0;    // 0: a fixed phrase, not a generation
  bool text_complete = false;          // no more text will come
  std::string full_text;
  std::vector<SpokenSegment> segments;
  std::vector<std::vector<std::uint8_t>> waiting_audio;  // per segment, until its turn to play
  std::size_t playing_segment = 0;     // segments before it have all their audio queued
  std::vector<ToolCall> tool_calls;
  std::string hang_up_reason;          // non-empty: hang up once this has played
  std::string cache_text;              // a phrase to cache once fully synthesised
  std::vector<std::uint8_t> cache_audio;
  std::optional<std::size_t> history_index;  // its assistant message in history_, once added
  std::function<void(Call&)> after_played;   // e.g. a tool's result once its tones were heard
  std::string started_at;
  bool audio_started = false;
  bool finished_to_player = false;
};

struct Call::TurnMetrics {
  std::uint64_t turn = 0;
  std::optional<host::TimePoint> caller_speech_end, stt_final, llm_request, llm_first_token,
      first_sentence, tts_request, tts_first_audio, first_frame_sent, first_mark_back;
  bool published = false;
  bool observed = false;  // fed to the latency histograms
  // The turn ended (on the STT's word) before the VAD placed the end of speech: the VAD's
  // answer, arriving a moment later, replaces the estimate.
  bool caller_speech_end_estimated = false;
};

// ---------------------------------------------------------------------------------------
// Listener adapters: called on plugin threads; they copy what they get and post it.

// What the three adapters share: a weak reference to the call and a post that never throws
// back into the plugin.
// Hands a plugin's callbacks to the call: run at once on the plugin's thread when the
// call is idle, queued otherwise (Call::dispatch_from).
class Call::CallbackAdapter {
 public:
  CallbackAdapter(std::weak_ptr<Call> call, PluginKind plugin) : call_(std::move(call)), plugin_(plugin) {}

 protected:
  template <typename Task>
  void post(Task task) noexcept {
    try {
      if (auto call = call_.lock()) call->dispatch_from(plugin_, std::move(task));
    } catch (...) {
      // Out of memory while queueing: drop the event rather than unwind into the plugin.
    }
  }
  // Same, and the task also gets the time the event arrived (barge-in reaction time).
  template <typename Task>
  void post_timed(Task task) noexcept {
    try {
      if (auto call = call_.lock()) {
        call->dispatch_from(plugin_, [task = std::move(task), received_at = call->now()](Call& self) {
          task(self, received_at);
        });
      }
    } catch (...) {
    }
  }

 private:
  std::weak_ptr<Call> call_;
  const PluginKind plugin_;
};

class Call::SttAdapter final : public SttListener, private CallbackAdapter {
 public:
  explicit SttAdapter(std::weak_ptr<Call> call) : CallbackAdapter(std::move(call), PluginKind::stt) {}
  void on_result(const SttResult& result) noexcept override {
    post_timed([result](Call& call, host::TimePoint received_at) { call.handle_stt_result(result, received_at); });
  }
  void on_speech_started(std::int64_t) noexcept override {
    post_timed([](Call& call, host::TimePoint received_at) { call.handle_speech_started(received_at); });
  }
  void on_utterance_end(std::int64_t) noexcept override {
    post([](Call& call) { call.handle_utterance_end(); });
  }
  void on_error(const Status& error, bool recoverable) noexcept override {
    post([error, recoverable](Call& call) { call.handle_stt_error(error, recoverable); });
  }

};

class Call::LlmAdapter final : public LlmListener, private CallbackAdapter {
 public:
  explicit LlmAdapter(std::weak_ptr<Call> call) : CallbackAdapter(std::move(call), PluginKind::llm) {}
  void on_text_delta(std::uint64_t request_id, std::string_view delta) noexcept override {
    post([request_id, text = std::string(delta)](Call& call) { call.handle_llm_delta(request_id, text); });
  }
  void on_tool_call(std::uint64_t request_id, const ToolCall& tool_call) noexcept override {
    post([request_id, tool_call](Call& call) { call.handle_llm_tool_call(request_id, tool_call); });
  }
  void on_complete(std::uint64_t request_id, FinishReason reason, const LlmUsage&) noexcept override {
    post([request_id, reason](Call& call) { call.handle_llm_complete(request_id, reason); });
  }
  void on_error(std::uint64_t request_id, const Status& error) noexcept override {
    post([request_id, error](Call& call) { call.handle_llm_error(request_id, error); });
  }

};

class Call::TtsAdapter final : public TtsListener, private CallbackAdapter {
 public:
  explicit TtsAdapter(std::weak_ptr<Call> call) : CallbackAdapter(std::move(call), PluginKind::tts) {}
  void on_audio(std::uint64_t utterance_id, const AudioChunk& chunk) noexcept override {
    post([utterance_id, audio = std::vector<std::uint8_t>(chunk.data, chunk.data + chunk.size_bytes)](
             Call& call) mutable { call.handle_tts_audio(utterance_id, std::move(audio)); });
  }
  void on_word_timings(std::uint64_t utterance_id, const std::vector<TtsWordTiming>& words) noexcept override {
    post([utterance_id, words](Call& call) { call.handle_tts_words(utterance_id, words); });
  }
  void on_utterance_done(std::uint64_t utterance_id) noexcept override {
    post([utterance_id](Call& call) { call.handle_tts_done(utterance_id); });
  }
  void on_error(std::uint64_t utterance_id, const Status& error) noexcept override {
    post([utterance_id, error](Call& call) { call.handle_tts_error(utterance_id, error); });
  }

};

// ---------------------------------------------------------------------------------------
// Construction and start.

Call::Call(const CallServices& services, config::AgentConfig agent, telephony::CallRecord record,
           std::shared_ptr<telephony::MediaStreamSender> sender)
    : services_(services),
      agent_(std::move(agent)),
      record_(std::move(record)),
      sender_(std::move(sender)),
      strand_(std::make_shared<host::Strand>(*services.workers)),
      record_saves_(services.blocking != nullptr ? std::make_shared<host::Strand>(*services.blocking) : nullptr),
      goodbye_phrases_(agent_.goodbye_phrases),
      backchannels_(default_backchannel_phrases()),
      caller_(std::make_unique<CallerTurn>()) {
  call_info_.conversation_id = record_.conversation_id;
  call_info_.call_sid = record_.call_sid;
  call_info_.from = record_.from;
  call_info_.to = record_.to;
  call_info_.direction = record_.direction;
  call_info_.language = agent_.language;
  started_at_ = services_.timers->time().now();
  started_unix_ms_ = telephony::unix_ms_now();
}

Call::~Call() = default;

Result<std::shared_ptr<Call>> Call::start(const CallServices& services, config::AgentConfig agent,
                                          telephony::CallRecord record,
                                          const twilio::StartMessage& start,
                                          std::shared_ptr<telephony::MediaStreamSender> sender) {
  if (!services.stt || !services.llm || !services.tts) {
    return Status(ErrorCode::invalid_config,
                  "the config names no stt, llm or tts provider: calls cannot be answered");
  }
  if (record.call_sid.empty()) record.call_sid = start.call_sid;
  std::shared_ptr<Call> call(new Call(services, std::move(agent), std::move(record), std::move(sender)));
  call->stt_listener_ = std::make_unique<SttAdapter>(call);
  call->llm_listener_ = std::make_unique<LlmAdapter>(call);
  call->tts_listener_ = std::make_unique<TtsAdapter>(call);
  std::weak_ptr<Call> weak = call;
  call->player_ = std::make_unique<OutboundAudioPlayer>(
      call->sender_, *services.timers,
      [weak](host::TimePoint deadline, host::Task task) -> host::TimerId {
        auto locked = weak.lock();
        return locked ? locked->schedule_at(deadline, std::move(task),
                                            std::chrono::milliseconds(locked->services_.player.pacing_slack_ms))
                      : 0;
      },
      [weak](std::uint64_t response_id) {
        if (auto locked = weak.lock()) locked->handle_response_played(response_id);
      },
      services.player);
  if (const Status opened = call->open_sessions(); !opened) return opened;
  call->post([](Call& self) { self.begin(); });
  return call;
}

Status Call::open_sessions() {
  const auto& id = record_.conversation_id;
  stt_logger_ = services_.session_logger(PluginKind::stt, id);
  llm_logger_ = services_.session_logger(PluginKind::llm, id);
  tts_logger_ = services_.session_logger(PluginKind::tts, id);

  const AudioFormat stt_format = services_.stt->input_format();
  auto to_stt = AudioFormatConverter::create(kTwilioFormat, stt_format);
  if (!to_stt) return to_stt.status();
  to_stt_format_ = std::move(to_stt).value();
  to_stt_ = std::make_unique<SttAudioBatcher>(agent_.stt_batch_ms, stt_format);
  auto from_tts = AudioFormatConverter::create(services_.tts->output_format(), kTwilioFormat);
  if (!from_tts) return from_tts.status();
  from_tts_format_ = std::move(from_tts).value();

  auto stt = services_.stt->open_session(SessionContext{call_info_, *stt_logger_}, *stt_listener_);
  if (!stt) return Status(stt.status().code(), "stt: " + stt.status().message());
  stt_ = std::move(stt).value();
  auto llm = services_.llm->open_session(SessionContext{call_info_, *llm_logger_}, *llm_listener_);
  if (!llm) return Status(llm.status().code(), "llm: " + llm.status().message());
  llm_ = std::move(llm).value();
  auto tts = services_.tts->open_session(SessionContext{call_info_, *tts_logger_}, *tts_listener_);
  if (!tts) return Status(tts.status().code(), "tts: " + tts.status().message());
  tts_ = std::move(tts).value();
  return Status::ok();
}

void Call::begin() {
  record_.status = "in-progress";
  record_.started_at = telephony::iso8601_from_unix_ms(started_unix_ms_);
  if (services_.metrics) services_.metrics->call_started();
  save_record_async();
  publish(event_type::call_started, {{"conversation_id", record_.conversation_id},
                                     {"call_sid", record_.call_sid},
                                     {"from", record_.from},
                                     {"to", record_.to},
                                     {"direction", record_.direction},
                                     {"started_at", record_.started_at}});
  history_.push_back({ChatRole::system, agent_.prompt_preamble, {}, {}});
  max_duration_timer_ = schedule_after(std::chrono::seconds(agent_.max_call_duration_seconds),
                                       [](Call& call) {
                                         spdlog::info("[call {}] maximum duration reached",
                                                      call.record_.conversation_id);
                                         call.say(call.agent_.goodbye_message, false, end_reason::max_duration);
                                       });
  if (!agent_.initial_message.empty()) {
    say(agent_.initial_message, agent_.greeting_interruptible);
  } else {
    arm_idle_timer();
  }
}

// ---------------------------------------------------------------------------------------
// Posting and timers.

void Call::post(std::function<void(Call&)> task) {
  strand_->post([self = shared_from_this(), task = std::move(task)] {
    if (!self->finished_) task(*self);
  });
}

void Call::dispatch(std::function<void(Call&)> task) {
  strand_->dispatch([self = shared_from_this(), task = std::move(task)] {
    if (!self->finished_) task(*self);
  });
}

namespace {
// The call whose task runs on this thread inside one of its plugins' callbacks, and which
// plugin: set only around dispatch_from's inline run, so a task that was queued and runs
// later on a worker sees nothing here.
struct InsideCallback {
  const void* call = nullptr;
  PluginKind plugin = PluginKind::stt;
};
thread_local InsideCallback inside_callback;
}  // namespace

void Call::dispatch_from(PluginKind plugin, std::function<void(Call&)> task) {
  // Restores the outer value however dispatch_one leaves (a nested callback, or a throw).
  struct Scope {
    InsideCallback outer;
    ~Scope() { inside_callback = outer; }
  } scope{std::exchange(inside_callback, InsideCallback{this, plugin})};
  strand_->dispatch_one([self = shared_from_this(), task = std::move(task)] {
    if (!self->finished_) task(*self);
  });
}

bool Call::inside_callback_of(PluginKind plugin) const noexcept {
  return inside_callback.call == this && inside_callback.plugin == plugin;
}

void Call::with_session(PluginKind plugin, std::function<void(Call&)> work) {
  if (inside_callback_of(plugin)) {
    post(std::move(work));  // queued behind the running task; dispatch_one hands it to a worker
    return;
  }
  work(*this);
}

host::TimerId Call::schedule_at(host::TimePoint deadline, host::Task task, host::Clock::duration slack) {
  std::weak_ptr<Call> weak = weak_from_this();
  return services_.timers->schedule_at(deadline, slack, strand_, [weak, task = std::move(task)] {
    if (auto call = weak.lock(); call && !call->finished_) task();
  });
}

host::TimerId Call::schedule_after(std::chrono::milliseconds delay, std::function<void(Call&)> task) {
  std::weak_ptr<Call> weak = weak_from_this();
  return services_.timers->schedule_after(delay, strand_, [weak, task = std::move(task)] {
    if (auto call = weak.lock(); call && !call->finished_) task(*call);
  });
}

void Call::cancel_timer(std::optional<host::TimerId>& timer) {
  if (timer) services_.timers->cancel(*timer);
  timer.reset();
}

// ---------------------------------------------------------------------------------------
// MediaStreamReceiver (connection thread → strand).

void Call::on_caller_audio(std::int64_t stream_offset_ms, std::vector<std::uint8_t> mulaw_audio) {
  // Inline on the stream's reader thread when the call is idle: no worker wake-up per frame.
  dispatch([stream_offset_ms, audio = std::move(mulaw_audio), received_at = now()](Call& call) {
    call.handle_caller_audio(stream_offset_ms, audio, received_at);
  });
}

void Call::on_mark(std::string name) {
  dispatch([name = std::move(name)](Call& call) {
    call.player_->on_mark(name);
    if (call.metrics_ && !call.metrics_->first_mark_back && call.metrics_->first_frame_sent) {
      call.metrics_->first_mark_back = call.services_.timers->time().now();
      call.publish_turn_metrics();
    }
  });
}

void Call::on_dtmf(std::string digit) {
  post([digit = std::move(digit)](Call& call) { call.handle_dtmf(digit); });
}

void Call::on_stop() {
  post([](Call& call) {
    if (!call.ending_) {
      call.ending_ = true;
      call.end_reason_ = std::string(end_reason::hangup);
      spdlog::info("[call {}] the caller hung up", call.record_.conversation_id);
    }
  });
}

void Call::on_stream_closed(std::string_view reason) {
  post([reason = std::string(reason)](Call& call) {
    if (!call.ending_) {
      call.ending_ = true;
      call.end_reason_ = std::string(end_reason::hangup);
      spdlog::info("[call {}] stream closed: {}", call.record_.conversation_id, reason);
    }
    call.finish();
  });
}

void Call::request_end(std::string reason) {
  post([reason = std::move(reason)](Call& call) {
    if (call.ending_) return;
    call.say(call.agent_.goodbye_message, false, reason);
  });
}

// ---------------------------------------------------------------------------------------
// Caller side.

void Call::handle_caller_audio(std::int64_t stream_offset_ms, const std::vector<std::uint8_t>& audio,
                               host::TimePoint received_at) {
  if (ending_) return;
  const VadEvent vad_event = vad_.process(audio, stream_offset_ms);
  if (vad_.heard_sound()) caller_->heard_sound = true;
  const bool now = must_reach_stt_at_once(CallerAudioMoment{
      .loud = vad_.heard_sound(),
      .turn_has_sound = caller_->heard_sound || caller_->heard_speech,
      .ms_since_sound = vad_.ms_since_sound(),
      .agent_interruptible = response_ && response_->interruptible && player_->busy()});
  const auto duration_ms = static_cast<std::int64_t>(audio.size()) / (kTwilioFormat.sample_rate_hz / 1000);
  if (to_stt_format_->is_identity()) {
    (void)to_stt_->forward(*stt_, audio, stream_offset_ms, duration_ms, now);
  } else {
    conversion_buffer_.clear();
    to_stt_format_->convert(audio, conversion_buffer_);
    (void)to_stt_->forward(*stt_, conversion_buffer_, stream_offset_ms, duration_ms, now);
  }
  if (vad_event == VadEvent::speech_started) {
    handle_speech_started(received_at);
  } else if (vad_event == VadEvent::speech_ended) {
    const auto speech_end = services_.timers->time().now() - std::chrono::milliseconds(vad_.silence_ms());
    if (caller_->heard_speech) {
      caller_->speech_end_at = speech_end;
    } else if (metrics_ && metrics_->caller_speech_end_estimated && !metrics_->observed && !metrics_->published) {
      // The end of the speech of the turn that already ended, not of the next one.
      metrics_->caller_speech_end = speech_end;
      metrics_->caller_speech_end_estimated = false;
    }
  }
  maybe_end_turn_on_silence();
}

void Call::handle_speech_started(host::TimePoint received_at) {
  if (ending_) return;
  cancel_timer(idle_timer_);
  idle_checks_done_ = 0;
  if (!caller_->heard_speech) {
    caller_->heard_speech = true;
    caller_->started_at = telephony::iso8601_now();
  }
  if (agent_.interrupt_sensitivity == "high" && should_barge_in("")) barge_in("speech onset", received_at);
}

bool Call::should_barge_in(std::string_view heard_words) const {
  if (!response_ || !response_->interruptible || !player_->busy()) return false;
  if (agent_.interrupt_sensitivity == "high") return true;
  // "low": words that are not only listening noises ("mm-hm", "okay").
  return !normalize_words(heard_words).empty() && !backchannels_.consists_only_of_phrases(heard_words);
}

void Call::handle_stt_result(const SttResult& result, host::TimePoint received_at) {
  if (ending_) return;
  const std::string text = result.transcript;
  if (text.empty()) return;
  cancel_timer(idle_timer_);
  idle_checks_done_ = 0;
  const bool agent_audible = response_ && player_->busy();
  if (agent_audible) {
    const std::string candidate = append_words(caller_->final_text, text);
    if (should_barge_in(candidate)) {
      barge_in(result.is_final ? "final transcript" : "interim transcript", received_at);
    } else if (result.is_final) {
      // A backchannel over the agent's speech: heard, logged, not a turn.
      spdlog::debug("[call {}] ignored backchannel \"{}\"", record_.conversation_id, text);
      return;
    }
  }
  if (!caller_->heard_speech) {
    caller_->heard_speech = true;
    caller_->started_at = telephony::iso8601_now();
  }
  if (!result.is_final) {
    caller_->interim_text = text;
    return;
  }
  caller_->final_text = append_words(caller_->final_text, text);
  caller_->interim_text.clear();
  caller_->stt_final_at = services_.timers->time().now();
  if (result.speech_final && agent_.endpointing_mode == "stt") end_caller_turn("speech_final");
}

void Call::handle_utterance_end() {
  if (ending_) return;
  if (agent_.endpointing_mode != "time" && !caller_->final_text.empty()) end_caller_turn("utterance_end");
}

void Call::maybe_end_turn_on_silence() {
  if (caller_->final_text.empty() || vad_.speaking()) return;
  const std::int64_t silence_ms = vad_.silence_ms();
  const std::int64_t full_silence_ms = agent_.endpointing_silence_ms;
  bool turn_over = false;
  if (agent_.endpointing_mode == "time") {
    turn_over = silence_ms >= full_silence_ms;
  } else if (agent_.endpointing_mode == "punctuation") {
    turn_over = silence_ms >= full_silence_ms ||
                (ends_sentence(caller_->final_text) && silence_ms >= std::min<std::int64_t>(300, full_silence_ms));
  } else {
    // "stt": the STT decides; this is only the safety net for a provider that never
    // sends speech_final or UtteranceEnd.
    turn_over = silence_ms >= 2 * full_silence_ms;
  }
  if (turn_over) end_caller_turn("silence");
}

void Call::end_caller_turn(std::string_view trigger) {
  const std::string text = caller_->final_text;
  if (text.empty()) return;
  const auto now = services_.timers->time().now();
  publish_turn_metrics();  // the previous turn's, if its first mark never came back
  metrics_ = std::make_unique<TurnMetrics>();
  metrics_->turn = ++turn_number_;
  metrics_->caller_speech_end = caller_->speech_end_at.value_or(now);
  metrics_->caller_speech_end_estimated = !caller_->speech_end_at.has_value();
  metrics_->stt_final = caller_->stt_final_at.value_or(now);
  const std::string started_at = caller_->started_at.empty() ? telephony::iso8601_now() : caller_->started_at;
  *caller_ = CallerTurn{};
  spdlog::debug("[call {}] caller turn ended ({}): {}", record_.conversation_id, trigger, text);
  with_session(PluginKind::stt, [](Call& call) {
    if (!call.stt_) return;
    (void)call.to_stt_->flush(*call.stt_);
    call.stt_->finalize();
  });

  // A reply still being prepared but not yet heard is replaced: the caller said more.
  if (response_ && !response_->audio_started) {
    cancel_response_work();
    response_.reset();
  }
  add_turn("caller", text, started_at, false);
  history_.push_back({ChatRole::user, text, {}, {}});

  if (agent_.end_conversation_on_goodbye && goodbye_phrases_.contains_phrase(text)) {
    say(agent_.goodbye_message, false, end_reason::goodbye);
    return;
  }
  respond_with_llm();
}

void Call::barge_in(std::string_view trigger, host::TimePoint received_at) {
  const auto position = player_->interrupt();
  if (services_.metrics) {
    // should_barge_in() saw the player busy, so interrupt() has just sent the clear.
    const auto reaction = std::chrono::duration_cast<std::chrono::milliseconds>(now() - received_at);
    services_.metrics->barge_in_reaction_ms.observe(static_cast<double>(std::max<std::int64_t>(reaction.count(), 0)));
  }
  cancel_response_work();
  std::string heard;
  if (position && response_ && position->utterance_id == response_->id) {
    heard = heard_text(response_->segments, position->piece_index, position->piece_bytes_heard);
  }
  spdlog::info("[call {}] barge-in ({}) after the caller heard \"{}\"", record_.conversation_id,
               trigger, heard);
  if (response_) {
    record_agent_turn(heard, true);
    if (!response_->hang_up_reason.empty()) {
      // The closing line was cut off; the call still ends as intended.
      hang_up(response_->hang_up_reason);
      return;
    }
    response_.reset();
  }
}

void Call::handle_dtmf(const std::string& digit) {
  if (ending_) return;
  publish(event_type::dtmf, {{"digits", digit}});
  cancel_timer(idle_timer_);
  dtmf_digits_ += digit;
  cancel_timer(dtmf_timer_);
  if (digit == "#") {
    flush_dtmf();
    return;
  }
  dtmf_timer_ = schedule_after(std::chrono::duration_cast<std::chrono::milliseconds>(kDtmfCollectTimeout),
                               [](Call& call) { call.flush_dtmf(); });
}

void Call::flush_dtmf() {
  dtmf_timer_.reset();
  if (dtmf_digits_.empty()) return;
  // The agent receives keypad input as text, like speech.
  caller_->final_text = append_words(caller_->final_text, "[keypad: " + dtmf_digits_ + "]");
  dtmf_digits_.clear();
  end_caller_turn("dtmf");
}

void Call::handle_stt_error(const Status& error, bool recoverable) {
  if (services_.metrics) services_.metrics->provider_error(PluginKind::stt, error.code());
  if (recoverable) {
    spdlog::warn("[call {}] speech recognition hiccup (recovered): {}", record_.conversation_id,
                 error.message());
    return;
  }
  handle_provider_failure("stt", error, /*fatal=*/true);
}

// ---------------------------------------------------------------------------------------
// Agent side.

std::uint64_t Call::new_response(bool interruptible) {
  if (response_) {
    if (player_->busy()) {
      const auto position = player_->interrupt();
      std::string heard;
      if (position && position->utterance_id == response_->id) {
        heard = heard_text(response_->segments, position->piece_index, position->piece_bytes_heard);
      }
      record_agent_turn(heard, true);
    }
    cancel_response_work();
  }
  splitter_.reset();
  response_ = std::make_unique<Response>();
  response_->id = next_response_id_++;
  response_->interruptible = interruptible;
  response_->started_at = telephony::iso8601_now();
  cancel_timer(idle_timer_);
  return response_->id;
}

void Call::respond_with_llm() {
  new_response(true);
  response_->llm_request_id = next_llm_request_id_++;
  LlmRequest request;
  request.request_id = response_->llm_request_id;
  request.messages = history_;
  request.tools = tool_definitions(agent_.tools);
  if (metrics_) metrics_->llm_request = services_.timers->time().now();
  with_session(PluginKind::llm, [request = std::move(request)](Call& call) {
    // Deferred out of an LLM callback, the reply may have been replaced meanwhile.
    if (!call.response_ || call.response_->llm_request_id != request.request_id) return;
    if (const Status started = call.llm_->generate(request); !started) {
      call.handle_llm_error(request.request_id, started);
      return;
    }
    call.first_token_timer_ = call.schedule_after(
        std::chrono::milliseconds(call.agent_.llm_first_token_timeout_ms), [id = request.request_id](Call& self) {
          self.handle_llm_error(id, Status(ErrorCode::timeout, "no reply from the language model in time"));
        });
  });
}

void Call::say(const std::string& text, bool interruptible, std::string_view hang_up_reason) {
  if (text.empty()) {
    if (!hang_up_reason.empty()) hang_up(hang_up_reason);
    return;
  }
  new_response(interruptible);
  response_->hang_up_reason = std::string(hang_up_reason);
  response_->full_text = text;
  response_->text_complete = true;
  history_.push_back({ChatRole::assistant, text, {}, {}});
  response_->history_index = history_.size() - 1;
  if (!hang_up_reason.empty()) ending_ = true;  // no new turns once the closing line starts
  if (!hang_up_reason.empty()) end_reason_ = std::string(hang_up_reason);
  const auto cached = services_.phrases ? services_.phrases->find(services_.tts->voice_key(), text) : nullptr;
  if (cached) {
    response_->segments.push_back({text, cached->size(), true, {}});
    response_->waiting_audio.emplace_back();
    response_->playing_segment = 1;
    response_->audio_started = true;
    player_->enqueue(response_->id, 0, *cached);
    response_->finished_to_player = true;
    player_->finish_utterance(response_->id);
    return;
  }
  response_->cache_text = text;
  synthesize_segment(text);
  finish_response_text();
}

void Call::synthesize_segment(const std::string& text) {
  const std::uint64_t tts_id = next_tts_id_++;
  segment_of_tts_id_[tts_id] = response_->segments.size();
  response_->segments.push_back({text, 0, false, {}});
  response_->waiting_audio.emplace_back();
  const auto now = services_.timers->time().now();
  if (metrics_ && !metrics_->tts_request) metrics_->tts_request = now;
  if (!first_audio_timer_ && !response_->audio_started) {
    first_audio_timer_ = schedule_after(std::chrono::milliseconds(agent_.tts_first_audio_timeout_ms),
                                        [tts_id](Call& call) {
                                          call.handle_tts_error(tts_id, Status(ErrorCode::timeout,
                                                                               "no audio from the TTS in time"));
                                        });
  }
  with_session(PluginKind::tts, [tts_id, text](Call& call) {
    // Deferred out of a TTS callback, the segment may have been cancelled meanwhile.
    if (call.segment_of_tts_id_.count(tts_id) == 0) return;
    if (const Status accepted = call.tts_->synthesize(tts_id, text, true); !accepted) {
      call.handle_tts_error(tts_id, accepted);
    }
  });
}

void Call::handle_llm_delta(std::uint64_t request_id, std::string_view delta) {
  if (!response_ || response_->llm_request_id != request_id || response_->text_complete) return;
  cancel_timer(first_token_timer_);
  consecutive_llm_failures_ = 0;
  const auto now = services_.timers->time().now();
  if (metrics_ && !metrics_->llm_first_token) metrics_->llm_first_token = now;
  response_->full_text += delta;
  for (const auto& piece : splitter_.add(delta)) {
    if (metrics_ && !metrics_->first_sentence) metrics_->first_sentence = now;
    synthesize_segment(piece);
  }
}

void Call::handle_llm_tool_call(std::uint64_t request_id, const ToolCall& call) {
  if (!response_ || response_->llm_request_id != request_id) return;
  cancel_timer(first_token_timer_);
  response_->tool_calls.push_back(call);
}

void Call::handle_llm_complete(std::uint64_t request_id, FinishReason reason) {
  if (!response_ || response_->llm_request_id != request_id || response_->text_complete) return;
  cancel_timer(first_token_timer_);
  if (reason == FinishReason::cancelled) return;
  const std::string rest = splitter_.flush();
  if (!rest.empty()) synthesize_segment(rest);
  response_->text_complete = true;
  history_.push_back({ChatRole::assistant, response_->full_text, response_->tool_calls, {}});
  response_->history_index = history_.size() - 1;
  if (agent_.end_conversation_on_goodbye && response_->tool_calls.empty() &&
      goodbye_phrases_.contains_phrase(response_->full_text)) {
    response_->hang_up_reason = std::string(end_reason::goodbye);
    ending_ = true;
    end_reason_ = std::string(end_reason::goodbye);
  }
  if (response_->segments.empty()) {
    // Nothing to say (only tool calls, or an empty reply): act at once.
    auto calls = std::move(response_->tool_calls);
    response_.reset();
    if (!calls.empty()) {
      run_tools(std::move(calls));
    } else {
      arm_idle_timer();
    }
    return;
  }
  finish_response_text();
}

void Call::finish_response_text() {
  response_->text_complete = true;
  forward_playable_audio();
}

void Call::handle_llm_error(std::uint64_t request_id, const Status& error) {
  if (!response_ || response_->llm_request_id != request_id || response_->text_complete) return;
  cancel_timer(first_token_timer_);
  if (services_.metrics) services_.metrics->provider_error(PluginKind::llm, error.code());
  if (response_->audio_started) {
    // Part of the reply is already playing: end it there rather than apologise mid-sentence.
    spdlog::error("[call {}] language model failed mid-reply: {}", record_.conversation_id, error.message());
    response_->text_complete = true;
    const std::string rest = splitter_.flush();
    if (!rest.empty()) synthesize_segment(rest);
    history_.push_back({ChatRole::assistant, response_->full_text, {}, {}});
    response_->history_index = history_.size() - 1;
    forward_playable_audio();
    return;
  }
  with_session(PluginKind::llm, [request_id](Call& call) { call.llm_->cancel(request_id); });
  ++consecutive_llm_failures_;
  handle_provider_failure("llm", error, consecutive_llm_failures_ >= kMaxConsecutiveLlmFailures);
}

void Call::handle_tts_audio(std::uint64_t segment_id, std::vector<std::uint8_t> audio) {
  const auto found = segment_of_tts_id_.find(segment_id);
  if (!response_ || found == segment_of_tts_id_.end() || audio.empty()) return;
  cancel_timer(first_audio_timer_);
  if (metrics_ && !metrics_->tts_first_audio) metrics_->tts_first_audio = services_.timers->time().now();
  std::vector<std::uint8_t> mulaw;
  if (from_tts_format_->is_identity()) {
    mulaw = std::move(audio);
  } else {
    from_tts_format_->convert(audio, mulaw);
  }
  const std::size_t index = found->second;
  response_->segments[index].audio_bytes += mulaw.size();
  auto& waiting = response_->waiting_audio[index];
  waiting.insert(waiting.end(), mulaw.begin(), mulaw.end());
  forward_playable_audio();
}

void Call::handle_tts_words(std::uint64_t segment_id, std::vector<TtsWordTiming> words) {
  const auto found = segment_of_tts_id_.find(segment_id);
  if (!response_ || found == segment_of_tts_id_.end()) return;
  auto& segment_words = response_->segments[found->second].words;
  segment_words.insert(segment_words.end(), words.begin(), words.end());
}

void Call::handle_tts_done(std::uint64_t segment_id) {
  const auto found = segment_of_tts_id_.find(segment_id);
  if (!response_ || found == segment_of_tts_id_.end()) return;
  response_->segments[found->second].audio_complete = true;
  segment_of_tts_id_.erase(found);
  forward_playable_audio();
}

void Call::forward_playable_audio() {
  Response& response = *response_;
  // Segments play strictly in order: audio of a later one waits for the earlier ones.
  while (response.playing_segment < response.segments.size()) {
    const std::size_t index = response.playing_segment;
    auto& waiting = response.waiting_audio[index];
    if (!waiting.empty()) {
      if (!response.audio_started && metrics_) metrics_->first_frame_sent = services_.timers->time().now();
      response.audio_started = true;
      player_->enqueue(response.id, index, waiting);
      if (!response.cache_text.empty()) {
        response.cache_audio.insert(response.cache_audio.end(), waiting.begin(), waiting.end());
      }
      waiting.clear();
      waiting.shrink_to_fit();
    }
    if (!response.segments[index].audio_complete) break;
    ++response.playing_segment;
  }
  const bool all_audio_queued =
      response.text_complete && response.playing_segment == response.segments.size();
  if (all_audio_queued && !response.finished_to_player) {
    response.finished_to_player = true;
    player_->finish_utterance(response.id);
  }
}

void Call::handle_tts_error(std::uint64_t segment_id, const Status& error) {
  if (!response_ || !segment_of_tts_id_.contains(segment_id)) return;
  cancel_timer(first_audio_timer_);
  if (services_.metrics) services_.metrics->provider_error(PluginKind::tts, error.code());
  handle_provider_failure("tts", error, /*fatal=*/true);
}

void Call::handle_response_played(std::uint64_t response_id) {
  if (!response_ || response_->id != response_id) return;
  if (!response_->cache_text.empty() && services_.phrases && !response_->cache_audio.empty()) {
    // Played whole: keep it, so the next call says this phrase without waiting for the TTS.
    services_.phrases->store(services_.tts->voice_key(), response_->cache_text,
                             std::move(response_->cache_audio));
  }
  record_agent_turn(response_->full_text, false);
  const std::string hang_up_reason = response_->hang_up_reason;
  auto tool_calls = std::move(response_->tool_calls);
  auto after_played = std::move(response_->after_played);
  response_.reset();
  if (after_played) {
    after_played(*this);
    return;
  }
  if (!hang_up_reason.empty()) {
    hang_up(hang_up_reason);
    return;
  }
  if (!tool_calls.empty()) {
    run_tools(std::move(tool_calls));
    return;
  }
  arm_idle_timer();
}

void Call::cancel_response_work() {
  cancel_timer(first_token_timer_);
  cancel_timer(first_audio_timer_);
  if (!response_) return;
  if (response_->llm_request_id != 0 && !response_->text_complete) {
    with_session(PluginKind::llm, [request_id = response_->llm_request_id](Call& call) { call.llm_->cancel(request_id); });
  }
  if (!segment_of_tts_id_.empty()) {
    std::vector<std::uint64_t> tts_ids;
    for (const auto& [tts_id, segment] : segment_of_tts_id_) tts_ids.push_back(tts_id);
    with_session(PluginKind::tts, [tts_ids = std::move(tts_ids)](Call& call) {
      for (const std::uint64_t tts_id : tts_ids) call.tts_->cancel(tts_id);
    });
  }
  segment_of_tts_id_.clear();
  splitter_.reset();
  // The history keeps only what the caller heard: a reply never heard leaves no trace.
  if (!response_->audio_started) cut_response_history("");
}

void Call::cut_response_history(const std::string& heard) {
  if (!response_ || !response_->history_index) return;
  const std::size_t index = *response_->history_index;
  response_->history_index.reset();
  if (index >= history_.size()) return;
  if (heard.empty()) {
    history_.erase(history_.begin() + static_cast<std::ptrdiff_t>(index));
    return;
  }
  history_[index].content = heard;
  // Tools of a reply cut short never ran; a dangling tool call would confuse the model.
  history_[index].tool_calls.clear();
}

void Call::record_agent_turn(const std::string& text, bool interrupted) {
  if (interrupted) cut_response_history(text);
  if (text.empty()) return;
  const std::string started_at = response_ ? response_->started_at : telephony::iso8601_now();
  add_turn("agent", text, started_at, interrupted);
}

// ---------------------------------------------------------------------------------------
// Tools.

void Call::run_tools(std::vector<ToolCall> calls) {
  for (const auto& call : calls) {
    publish(event_type::tool_call, {{"id", call.id},
                                    {"name", call.name},
                                    {"arguments", nlohmann::json::parse(call.arguments_json, nullptr, false)
                                                      .is_discarded()
                                                      ? nlohmann::json::object()
                                                      : nlohmann::json::parse(call.arguments_json)}});
    const auto enabled = std::find(agent_.tools.begin(), agent_.tools.end(), call.name) != agent_.tools.end();
    if (!enabled) {
      complete_tool(call, false, "unknown tool " + call.name, true);
      continue;
    }
    if (call.name == kEndCallTool) {
      complete_tool(call, true, "the call is ending", false);
      hang_up(end_reason::tool_end_call);
      return;
    }
    if (call.name == kTransferCallTool) {
      if (!services_.rest || record_.call_sid.empty()) {
        complete_tool(call, false, "transfers are not available on this line", true);
        continue;
      }
      const auto twiml = twilio::dial_twiml(agent_.transfer_phone_number, record_.to);
      std::weak_ptr<Call> weak = weak_from_this();
      services_.blocking->post([weak, rest = services_.rest, call_sid = record_.call_sid, twiml, call] {
        const Status transferred = rest->update_twiml(call_sid, twiml);
        if (auto self = weak.lock()) {
          self->post([transferred, call](Call& me) {
            if (transferred) {
              me.complete_tool(call, true, "transferred", false);
              me.ending_ = true;
              me.end_reason_ = std::string(end_reason::transfer);
              // Twilio moves the call to the <Dial>; the stream closes by itself.
            } else {
              spdlog::error("[call {}] transfer failed: {}", me.record_.conversation_id, transferred.message());
              me.complete_tool(call, false, transferred.message(), true);
            }
          });
        }
      });
      continue;
    }
    if (call.name == kSendDtmfTool) {
      const auto arguments = nlohmann::json::parse(call.arguments_json, nullptr, false);
      const std::string digits = arguments.is_object() ? arguments.value("digits", std::string()) : "";
      const auto audio = dtmf_audio(digits);
      if (digits.empty() || !audio) {
        complete_tool(call, false, "digits must be 0-9, *, #, A-D or w", true);
        continue;
      }
      new_response(false);
      response_->text_complete = true;
      response_->tool_calls.clear();
      response_->segments.push_back({"", audio->size(), true, {}});
      response_->waiting_audio.emplace_back();
      response_->playing_segment = 1;
      response_->audio_started = true;
      response_->after_played = [call, digits](Call& self) {
        self.complete_tool(call, true, "pressed " + digits, true);
      };
      player_->enqueue(response_->id, 0, *audio);
      response_->finished_to_player = true;
      player_->finish_utterance(response_->id);
      continue;
    }
  }
}

void Call::complete_tool(const ToolCall& call, bool ok, const std::string& result,
                         bool continue_conversation) {
  publish(event_type::tool_result, {{"id", call.id}, {"name", call.name}, {"ok", ok}, {"result", result}});
  history_.push_back({ChatRole::tool, result, {}, call.id});
  if (continue_conversation && !ending_) respond_with_llm();
}

// ---------------------------------------------------------------------------------------
// Idle checks, failures, hang-up.

void Call::arm_idle_timer() {
  cancel_timer(idle_timer_);
  if (ending_) return;
  idle_timer_ = schedule_after(std::chrono::seconds(agent_.allowed_idle_time_seconds),
                               [](Call& call) { call.handle_idle_timeout(); });
}

void Call::handle_idle_timeout() {
  idle_timer_.reset();
  if (ending_ || response_ || vad_.speaking() || !caller_->final_text.empty()) return;
  if (idle_checks_done_ >= agent_.num_check_human_present_times) {
    spdlog::info("[call {}] no answer after {} idle checks: hanging up", record_.conversation_id,
                 idle_checks_done_);
    say(agent_.goodbye_message, false, end_reason::idle);
    return;
  }
  ++idle_checks_done_;
  say(agent_.idle_check_message, true);
}

void Call::handle_provider_failure(std::string_view provider, const Status& error, bool fatal) {
  spdlog::error("[call {}] {} failed ({}): {}", record_.conversation_id, provider, to_string(error.code()),
                error.message());
  const bool tts_broken = provider == "tts";
  const auto apology = services_.phrases
                           ? services_.phrases->find(services_.tts->voice_key(), agent_.apology_message)
                           : nullptr;
  if (response_) {
    if (player_->busy()) (void)player_->interrupt();
    cancel_response_work();
    response_.reset();
  }
  if (tts_broken && !apology) {
    // Nothing can be said: end cleanly rather than leave the caller in silence.
    hang_up(end_reason::error);
    return;
  }
  if (fatal || tts_broken) {
    say(agent_.apology_message, false, end_reason::error);
  } else {
    say(agent_.apology_message, true);
  }
}

void Call::hang_up(std::string_view reason) {
  if (finished_) return;
  ending_ = true;
  if (end_reason_.empty() || reason != end_reason::hangup) end_reason_ = std::string(reason);
  spdlog::info("[call {}] hanging up ({})", record_.conversation_id, end_reason_);
  sender_->close(1000, "call ended");
  // The stream's close arrives as on_stream_closed; finish anyway if it never does.
  cancel_timer(hang_up_timer_);
  hang_up_timer_ = schedule_after(std::chrono::duration_cast<std::chrono::milliseconds>(kStreamCloseGrace),
                                  [](Call& call) { call.finish(); });
}

void Call::finish() {
  if (finished_) return;
  if (end_reason_.empty()) end_reason_ = std::string(end_reason::hangup);
  observe_turn_latencies();
  if (services_.metrics) services_.metrics->call_ended(end_reason_);
  // What the caller heard of a reply cut off by the hang-up is part of the transcript.
  if (response_ && response_->audio_started) {
    std::string heard;
    if (const auto position = player_->last_heard(); position && position->utterance_id == response_->id) {
      heard = heard_text(response_->segments, position->piece_index, position->piece_bytes_heard);
    }
    add_turn("agent", heard, response_->started_at, true);
  }
  if (!caller_->final_text.empty()) add_turn("caller", caller_->final_text, caller_->started_at, false);
  cancel_response_work();
  for (auto* timer : {&idle_timer_, &max_duration_timer_, &first_token_timer_, &first_audio_timer_,
                      &dtmf_timer_, &hang_up_timer_}) {
    cancel_timer(*timer);
  }
  finished_ = true;
  sender_->close(1000, "call ended");

  const std::int64_t ended_unix_ms = telephony::unix_ms_now();
  const double duration_seconds = static_cast<double>(ended_unix_ms - started_unix_ms_) / 1000.0;
  spdlog::info("[call {}] ended ({}) after {:.1f} s, {} turns", record_.conversation_id, end_reason_,
               duration_seconds, turns_.size());
  publish(event_type::call_ended, {{"reason", end_reason_}, {"duration", duration_seconds}});
  std::string transcript_text;
  for (const auto& turn : turns_) {
    transcript_text += (turn["speaker"] == "caller" ? "Caller: " : "Agent: ") + turn["text"].get<std::string>() + "\n";
  }
  publish(event_type::transcript_complete,
          {{"conversation_id", record_.conversation_id},
           {"user_id", record_.from},
           {"transcript", transcript_text},
           {"timestamp", telephony::iso8601_from_unix_ms(started_unix_ms_)},
           {"duration", duration_seconds},
           {"call_sid", record_.call_sid},
           {"from", record_.from},
           {"to", record_.to},
           {"direction", record_.direction},
           {"ended_reason", end_reason_},
           {"turns", turns_}});
  record_.status = "completed";
  record_.ended_at = telephony::iso8601_from_unix_ms(ended_unix_ms);
  record_.duration_seconds = duration_seconds;
  record_.ended_reason = end_reason_;
  record_.turns = turns_;
  save_record_async();

  // The STT gets the whole call's audio, up to its last (quiet) batch — unless this runs in
  // the STT's own callback, where its session must not be called; the rest is silence.
  if (stt_ && !inside_callback_of(PluginKind::stt)) (void)to_stt_->flush(*stt_);
  // Sessions may join plugin threads while closing: do it off the strand. The listeners
  // go with them and are destroyed after them.
  struct Teardown {
    std::unique_ptr<SttAdapter> stt_listener;
    std::unique_ptr<LlmAdapter> llm_listener;
    std::unique_ptr<TtsAdapter> tts_listener;
    std::shared_ptr<Logger> stt_logger, llm_logger, tts_logger;
    std::unique_ptr<SttSession> stt;
    std::unique_ptr<LlmSession> llm;
    std::unique_ptr<TtsSession> tts;
  };
  auto teardown = std::make_shared<Teardown>(Teardown{
      std::move(stt_listener_), std::move(llm_listener_), std::move(tts_listener_), stt_logger_,
      llm_logger_, tts_logger_, std::move(stt_), std::move(llm_), std::move(tts_)});
  services_.blocking->post([teardown] {
    if (teardown->stt) teardown->stt->close();
    teardown->stt.reset();
    teardown->llm.reset();
    teardown->tts.reset();
  });
}

// ---------------------------------------------------------------------------------------
// Records and events.

void Call::publish(std::string_view type, const nlohmann::json& payload) const {
  if (services_.events) services_.events->publish(type, record_.conversation_id, payload);
}

void Call::save_record_async() {
  if (services_.records == nullptr || record_saves_ == nullptr) return;
  // A failed save waits in the write-back (logged there once per outage): the call goes on.
  record_saves_->post([records = services_.records, record = record_] { (void)records->save_or_keep(record); });
}

std::int64_t Call::since_start_ms(host::TimePoint when) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - started_at_).count();
}

void Call::observe_turn_latencies() {
  if (!metrics_ || metrics_->observed || services_.metrics == nullptr) return;
  metrics_->observed = true;
  auto observe = [](metrics::Histogram& histogram, const std::optional<host::TimePoint>& from,
                    const std::optional<host::TimePoint>& to) {
    if (!from || !to) return;
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(*to - *from).count();
    histogram.observe(static_cast<double>(std::max<std::int64_t>(elapsed, 0)));
  };
  const metrics::CallMetrics& stages = *services_.metrics;
  observe(stages.stt_final_ms, metrics_->caller_speech_end, metrics_->stt_final);
  observe(stages.llm_first_token_ms, metrics_->llm_request, metrics_->llm_first_token);
  observe(stages.tts_first_audio_ms, metrics_->tts_request, metrics_->tts_first_audio);
  observe(stages.voice_to_voice_ms, metrics_->caller_speech_end, metrics_->first_frame_sent);
}

void Call::publish_turn_metrics() {
  observe_turn_latencies();
  if (!metrics_ || metrics_->published) return;
  metrics_->published = true;
  auto field = [this](const std::optional<host::TimePoint>& when) {
    return when ? nlohmann::json(since_start_ms(*when)) : nlohmann::json(nullptr);
  };
  publish(event_type::turn_metrics, {{"turn", metrics_->turn},
                                     {"caller_speech_end_ms", field(metrics_->caller_speech_end)},
                                     {"stt_final_ms", field(metrics_->stt_final)},
                                     {"llm_request_ms", field(metrics_->llm_request)},
                                     {"llm_first_token_ms", field(metrics_->llm_first_token)},
                                     {"first_sentence_ms", field(metrics_->first_sentence)},
                                     {"tts_request_ms", field(metrics_->tts_request)},
                                     {"tts_first_audio_ms", field(metrics_->tts_first_audio)},
                                     {"first_frame_sent_ms", field(metrics_->first_frame_sent)},
                                     {"first_mark_back_ms", field(metrics_->first_mark_back)}});
}

void Call::add_turn(std::string_view speaker, const std::string& text, const std::string& started_at,
                    bool interrupted) {
  const std::string ended_at = telephony::iso8601_now();
  nlohmann::json turn = {{"speaker", speaker},
                         {"text", text},
                         {"started_at", started_at},
                         {"ended_at", ended_at},
                         {"interrupted", interrupted}};
  spdlog::debug("[call {}] {}: {}{}", record_.conversation_id, speaker, text, interrupted ? " (interrupted)" : "");
  publish(event_type::transcript_message, turn);
  turns_.push_back(std::move(turn));
  // GET /call/{id} shows the conversation as it goes, from any host.
  record_.turns = turns_;
  save_record_async();
}

}  // namespace callagent::pipeline
