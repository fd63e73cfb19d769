// One phone conversation: the pipeline that turns the caller's audio into the agent's
// replies. ../shared/ARCHITECTURE.md "The call pipeline" is the design; docs/architecture.md
// says how it is built.
//
//   Twilio audio ─▶ VAD + STT ─▶ turn end ─▶ LLM (streamed) ─▶ sentence pieces ─▶ TTS
//        ▲                                                                         │
//        └────────── OutboundAudioPlayer (lead + marks) ◀── audio in piece order ◀─┘
//
// Threading: every input — Twilio frames, STT results, LLM tokens, TTS audio, timers,
// marks — is a task of the call's strand, so the call's state is touched by one thread
// at a time and needs no locks. An idle strand runs the task on the thread that brought
// it (the stream reader, the timer thread, a plugin's thread in its callback); a busy one
// queues it for a worker. Nothing on the strand blocks: state-store writes and Twilio REST
// calls go to the blocking executor, and the results come back as posts. A task running on
// a plugin's thread never calls that plugin's session itself (with_session defers it).
//
// Ownership: shared. The media stream connection holds it (as its receiver) until the
// stream closes; every posted task holds it while it runs; plugin listeners hold only
// weak references. Provider sessions are owned by the call and released, off the strand,
// when the call finishes.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api.h"
#include "host/config/host_config.h"
#include "host/metrics/call_metrics.h"
#include "host/pipeline/audio_format_converter.h"
#include "host/pipeline/event_publisher.h"
#include "host/pipeline/heard_text.h"
#include "host/pipeline/outbound_audio_player.h"
#include "host/pipeline/phrase_cache.h"
#include "host/pipeline/phrase_matcher.h"
#include "host/pipeline/sentence_splitter.h"
#include "host/pipeline/stt_audio_batcher.h"
#include "host/pipeline/voice_activity_detector.h"
#include "host/runtime/executor.h"
#include "host/runtime/strand.h"
#include "host/runtime/timer_service.h"
#include "host/telephony/call_record.h"
#include "host/telephony/call_repository.h"
#include "host/telephony/record_write_back.h"
#include "host/telephony/media_stream_port.h"
#include "host/twilio/rest_client.h"

namespace callagent::pipeline {

// Makes the logger a plugin session uses: "[stt:deepgram call=<id>]".
using SessionLoggerFactory =
    std::function<std::shared_ptr<Logger>(PluginKind kind, const std::string& conversation_id)>;

// What every call shares. References and pointers outlive every call.
struct CallServices {
  host::Executor* workers = nullptr;          // runs the calls' strands
  host::TimerService* timers = nullptr;
  host::Executor* blocking = nullptr;         // state store writes, Twilio REST
  std::shared_ptr<SttProvider> stt;
  std::shared_ptr<LlmProvider> llm;
  std::shared_ptr<TtsProvider> tts;
  std::shared_ptr<const EventPublisher> events;
  // Saves the call's record, keeping it in memory while the state store is down.
  telephony::RecordWriteBack* records = nullptr;        // null: records are not kept
  std::shared_ptr<const twilio::TwilioRestClient> rest;  // null: transfer_call unavailable
  std::shared_ptr<PhraseCache> phrases;
  SessionLoggerFactory session_logger;
  PlayerSettings player;
  const metrics::CallMetrics* metrics = nullptr;         // null: nothing is counted
};

// Why a call ended (the `reason` of call.ended).
namespace end_reason {
inline constexpr std::string_view hangup = "hangup";
inline constexpr std::string_view goodbye = "goodbye";
inline constexpr std::string_view idle = "idle";
inline constexpr std::string_view max_duration = "max_duration";
inline constexpr std::string_view tool_end_call = "tool_end_call";
inline constexpr std::string_view transfer = "transfer";
inline constexpr std::string_view error = "error";
inline constexpr std::string_view shutdown = "shutdown";
inline constexpr std::array<std::string_view, 8> all = {hangup,        goodbye,  idle,  max_duration,
                                                        tool_end_call, transfer, error, shutdown};
}  // namespace end_reason

class Call final : public telephony::MediaStreamReceiver, public std::enable_shared_from_this<Call> {
 public:
  // Opens the provider sessions (STT first, so its connection is up before the caller
  // speaks) and starts the conversation on the call's strand.
  static Result<std::shared_ptr<Call>> start(const CallServices& services, config::AgentConfig agent,
                                             telephony::CallRecord record,
                                             const twilio::StartMessage& start,
                                             std::shared_ptr<telephony::MediaStreamSender> sender);
  ~Call() override;

  // MediaStreamReceiver: called on the connection's thread; each posts to the strand.
  void on_caller_audio(std::int64_t stream_offset_ms, std::vector<std::uint8_t> mulaw_audio) override;
  void on_mark(std::string name) override;
  void on_dtmf(std::string digit) override;
  void on_stop() override;
  void on_stream_closed(std::string_view reason) override;

  // Ends the call from the host's side (graceful drain): the closing line, then hang-up.
  void request_end(std::string reason);

  // Test and operator views; call on the strand (or when the strand is idle).
  const nlohmann::json& transcript_turns() const noexcept { return turns_; }
  bool finished() const noexcept { return finished_; }
  const std::string& conversation_id() const noexcept { return record_.conversation_id; }
  const std::string& ended_reason() const noexcept { return end_reason_; }

 private:
  class CallbackAdapter;
  class SttAdapter;
  class LlmAdapter;
  class TtsAdapter;
  struct Response;
  struct CallerTurn;
  struct TurnMetrics;

  Call(const CallServices& services, config::AgentConfig agent, telephony::CallRecord record,
       std::shared_ptr<telephony::MediaStreamSender> sender);
  Status open_sessions();
  void begin();

  // Posting and timers: tasks run on the strand while the call exists.
  void post(std::function<void(Call&)> task);
  // Runs at once on the calling thread when the strand is idle (Strand::dispatch): for the
  // Media Stream reader's frames only.
  void dispatch(std::function<void(Call&)> task);
  // A plugin's listener callback: runs `task` at once on the plugin's thread when the strand
  // is idle (Strand::dispatch_one; no worker wake-up between the vendor's answer and the
  // call's reaction), else queues it. While it runs there, calls into that same plugin's
  // session are deferred (with_session): the plugin may hold the lock they take.
  void dispatch_from(PluginKind plugin, std::function<void(Call&)> task);
  // Runs `work`, which calls into the `plugin` session, now — or, when this thread is inside
  // that plugin's callback for this call, as the strand's next task on a worker.
  void with_session(PluginKind plugin, std::function<void(Call&)> work);
  bool inside_callback_of(PluginKind plugin) const noexcept;
  host::TimerId schedule_after(std::chrono::milliseconds delay, std::function<void(Call&)> task);
  host::TimerId schedule_at(host::TimePoint deadline, host::Task task,
                            host::Clock::duration slack = host::Clock::duration::zero());
  void cancel_timer(std::optional<host::TimerId>& timer);

  // Caller side.
  // `received_at`: when the event reached the call (before the strand), for the barge-in
  // reaction time.
  void handle_caller_audio(std::int64_t stream_offset_ms, const std::vector<std::uint8_t>& audio,
                           host::TimePoint received_at);
  void handle_stt_result(const SttResult& result, host::TimePoint received_at);
  void handle_speech_started(host::TimePoint received_at);
  void handle_utterance_end();
  void handle_stt_error(const Status& error, bool recoverable);
  void handle_dtmf(const std::string& digit);
  void flush_dtmf();
  void maybe_end_turn_on_silence();
  void end_caller_turn(std::string_view trigger);
  bool should_barge_in(std::string_view heard_words) const;
  void barge_in(std::string_view trigger, host::TimePoint received_at);

  // Agent side.
  void respond_with_llm();
  void say(const std::string& text, bool interruptible, std::string_view hang_up_reason = {});
  std::uint64_t new_response(bool interruptible);
  void handle_llm_delta(std::uint64_t request_id, std::string_view delta);
  void handle_llm_tool_call(std::uint64_t request_id, const ToolCall& call);
  void handle_llm_complete(std::uint64_t request_id, FinishReason reason);
  void handle_llm_error(std::uint64_t request_id, const Status& error);
  void synthesize_segment(const std::string& text);
  void finish_response_text();
  void handle_tts_audio(std::uint64_t segment_id, std::vector<std::uint8_t> audio);
  void handle_tts_words(std::uint64_t segment_id, std::vector<TtsWordTiming> words);
  void handle_tts_done(std::uint64_t segment_id);
  void handle_tts_error(std::uint64_t segment_id, const Status& error);
  void forward_playable_audio();
  void handle_response_played(std::uint64_t response_id);
  void cancel_response_work();
  void cut_response_history(const std::string& heard);
  void record_agent_turn(const std::string& text, bool interrupted);
  void run_tools(std::vector<ToolCall> calls);
  void complete_tool(const ToolCall& call, bool ok, const std::string& result, bool continue_conversation);

  // Timers and failure policy.
  void arm_idle_timer();
  void handle_idle_timeout();
  void handle_provider_failure(std::string_view provider, const Status& error, bool fatal);
  void hang_up(std::string_view reason);
  void finish();

  // Records and events.
  void publish(std::string_view type, const nlohmann::json& payload) const;
  void save_record_async();
  void publish_turn_metrics();
  // Feeds the turn's stage latencies to the metrics histograms, once per turn.
  void observe_turn_latencies();
  host::TimePoint now() const noexcept { return services_.timers->time().now(); }
  std::int64_t since_start_ms(host::TimePoint when) const;
  void add_turn(std::string_view speaker, const std::string& text, const std::string& started_at,
                bool interrupted);

  CallServices services_;
  config::AgentConfig agent_;
  telephony::CallRecord record_;
  std::shared_ptr<telephony::MediaStreamSender> sender_;
  std::shared_ptr<host::Strand> strand_;
  // The record's saves, on the blocking executor: one at a time and in the order made, so
  // an older snapshot (a turn saved just before the end) never lands after the ended
  // record and brings back "in-progress" with a live call's TTL. Null without `blocking`.
  std::shared_ptr<host::Strand> record_saves_;
  CallInfo call_info_;
  host::TimePoint started_at_;
  std::int64_t started_unix_ms_ = 0;

  // Plugin sessions and what they report to. The adapters are declared first so they
  // are destroyed last: a session never outlives its listener.
  std::unique_ptr<SttAdapter> stt_listener_;
  std::unique_ptr<LlmAdapter> llm_listener_;
  std::unique_ptr<TtsAdapter> tts_listener_;
  std::shared_ptr<Logger> stt_logger_, llm_logger_, tts_logger_;
  std::unique_ptr<SttSession> stt_;
  std::unique_ptr<LlmSession> llm_;
  std::unique_ptr<TtsSession> tts_;
  std::unique_ptr<AudioFormatConverter> to_stt_format_;
  std::unique_ptr<AudioFormatConverter> from_tts_format_;
  std::vector<std::uint8_t> conversion_buffer_;
  std::unique_ptr<SttAudioBatcher> to_stt_;

  // Conversation state (strand only).
  std::unique_ptr<OutboundAudioPlayer> player_;
  VoiceActivityDetector vad_;
  SentenceSplitter splitter_;
  PhraseMatcher goodbye_phrases_;
  PhraseMatcher backchannels_;
  std::vector<ChatMessage> history_;
  nlohmann::json turns_ = nlohmann::json::array();
  std::unique_ptr<CallerTurn> caller_;
  std::unique_ptr<Response> response_;
  std::map<std::uint64_t, std::size_t> segment_of_tts_id_;  // TTS utterance id → segment
  std::unique_ptr<TurnMetrics> metrics_;
  std::uint64_t next_response_id_ = 1;
  std::uint64_t next_llm_request_id_ = 1;
  std::uint64_t next_tts_id_ = 1;
  std::uint64_t turn_number_ = 0;
  int idle_checks_done_ = 0;
  int consecutive_llm_failures_ = 0;
  std::string dtmf_digits_;
  std::optional<host::TimerId> idle_timer_;
  std::optional<host::TimerId> max_duration_timer_;
  std::optional<host::TimerId> first_token_timer_;
  std::optional<host::TimerId> first_audio_timer_;
  std::optional<host::TimerId> dtmf_timer_;
  std::optional<host::TimerId> hang_up_timer_;
  bool ending_ = false;
  bool finished_ = false;
  std::string end_reason_;
};

}  // namespace callagent::pipeline
