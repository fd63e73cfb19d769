#include "openai_llm_session.h"

#include <Poco/Exception.h>

#include "chat_request.h"
#include "completion_stream.h"
#include "error_body.h"
#include "retry_policy.h"
#include "sse_parser.h"

namespace callagent::plugins::openai {
namespace {

constexpr std::size_t kMaxErrorBodyBytes = 64 * 1024;
constexpr std::size_t kReadBufferBytes = 16 * 1024;
constexpr std::chrono::milliseconds kDrainTimeout{200};

std::string milliseconds_text(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

}  // namespace

OpenAiLlmSession::OpenAiLlmSession(std::shared_ptr<const SessionSettings> settings, LlmListener& listener,
                                   Logger& logger)
    : settings_(std::move(settings)),
      listener_(listener),
      logger_(logger),
      client_(settings_->endpoint, settings_->config.connect_timeout, settings_->tls_context),
      jitter_(std::random_device{}()) {
  worker_ = std::thread([this] {
    name_this_thread("llm-openai");
    run_worker();
  });
}

OpenAiLlmSession::~OpenAiLlmSession() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    active_cancelled_ = true;
    pending_.reset();
  }
  client_.abort();
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status OpenAiLlmSession::generate(const LlmRequest& request) noexcept {
  try {
    const ChatRequestOptions options{settings_->config.model, settings_->config.temperature,
                                     settings_->config.max_tokens, settings_->config.include_usage};
    Result<std::string> body = build_chat_request_body(request, options);
    if (!body) return body.status();
    bool abort_active = false;
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) return Status(ErrorCode::cancelled, "the session is closing");
      // At most one request in flight: a new one supersedes the old (one that already
      // completed is only being drained, and keeps its connection for this one).
      if (active_ && !active_cancelled_ && !active_completed_) {
        active_cancelled_ = true;
        abort_active = true;
      }
      pending_ = Job{request.request_id, std::move(body).value()};
    }
    if (abort_active) client_.abort();
    wake_.notify_all();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("llm_openai: generate failed: ") + error.what());
  }
}

void OpenAiLlmSession::cancel(std::uint64_t request_id) noexcept {
  bool abort_active = false;
  {
    const std::lock_guard lock(mutex_);
    if (pending_ && pending_->request_id == request_id) pending_.reset();
    if (active_ && active_id_ == request_id && !active_cancelled_ && !active_completed_) {
      active_cancelled_ = true;
      abort_active = true;
    }
  }
  if (abort_active) client_.abort();
  wake_.notify_all();  // ends a backoff wait early
}

template <typename Callback>
bool OpenAiLlmSession::emit(std::uint64_t request_id, Callback&& callback) {
  const std::lock_guard lock(mutex_);
  if (!active_ || active_id_ != request_id || active_cancelled_) return false;
  callback();
  return true;
}

bool OpenAiLlmSession::job_cancelled() {
  const std::lock_guard lock(mutex_);
  return active_cancelled_ || stopping_;
}

void OpenAiLlmSession::run_worker() {
  if (settings_->prewarm) prewarm();
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      job = std::move(*pending_);
      pending_.reset();
      active_ = true;
      active_id_ = job.request_id;
      active_cancelled_ = false;
      active_completed_ = false;
      // Under mutex_, so a cancel() from now on reaches this request's connection.
      client_.arm();
    }
    run_job(job);
    {
      const std::lock_guard lock(mutex_);
      active_ = false;
    }
  }
}

void OpenAiLlmSession::prewarm() {
  // Opening the (TLS) connection now takes the handshake off the first turn. A failure
  // is not an error yet: the first request reconnects and reports properly.
  try {
    client_.warm_up();
    logger_.debug("connection to the model server opened ahead of the first request");
  } catch (const HttpAborted&) {
  } catch (const Poco::Exception& error) {
    logger_.debug("could not open the connection ahead of time: " + redact(error.displayText(), settings_->secrets));
  } catch (const std::exception& error) {
    logger_.debug(std::string("could not open the connection ahead of time: ") + error.what());
  }
}

void OpenAiLlmSession::run_job(const Job& job) {
  bool delivered = false;  // a token or tool call reached the listener: never retry after that
  for (int retry = 0;; ++retry) {
    const AttemptOutcome outcome = run_attempt(job, delivered);
    if (outcome.kind != AttemptOutcome::Kind::failed) return;
    if (outcome.error.code() == ErrorCode::rate_limited) settings_->metrics->rate_limited();
    if (job_cancelled()) return;

    const bool may_retry = outcome.retryable && !delivered && retry < settings_->config.max_retries &&
                           (!outcome.retry_after || *outcome.retry_after <= kMaxServerRetryDelay);
    if (!may_retry) {
      logger_.error("request " + std::to_string(job.request_id) + " failed: " + outcome.error.message());
      emit(job.request_id, [&] { listener_.on_error(job.request_id, outcome.error); });
      return;
    }
    const std::chrono::milliseconds delay =
        outcome.retry_after ? *outcome.retry_after
                            : backoff_delay(retry + 1, std::uniform_real_distribution<double>(0.0, 1.0)(jitter_));
    const char* what = outcome.error.code() == ErrorCode::rate_limited ? "rate limited by the model server"
                                                                        : "the model server failed";
    logger_.warn(std::string(what) + " (" + outcome.error.message() + "); retrying in " +
                 describe_seconds(delay) + " (attempt " + std::to_string(retry + 2) + ")");
    settings_->metrics->retry();
    if (!wait_before_retry(delay)) return;
  }
}

bool OpenAiLlmSession::wait_before_retry(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_ || active_cancelled_; });
}

OpenAiLlmSession::AttemptOutcome OpenAiLlmSession::run_attempt(const Job& job, bool& delivered) {
  const OpenAiConfig& config = settings_->config;
  Phase phase = Phase::connecting;
  try {
    client_.warm_up();
    phase = Phase::waiting;
    const HttpResponseHead head =
        client_.send("/chat/completions", job.body, settings_->headers, config.first_token_timeout);
    settings_->metrics->vendor_request(std::to_string(head.status));
    if (head.status != 200) {
      std::string body;
      try {
        body = client_.read_rest(kMaxErrorBodyBytes);
      } catch (const Poco::Exception&) {
        // The status alone still says what happened.
      }
      client_.reset();
      return http_failure(head.status, head, body);
    }
    phase = Phase::streaming;
    return read_stream(job, delivered);
  } catch (const HttpAborted&) {
    client_.reset();
    return {AttemptOutcome::Kind::cancelled, {}, false, std::nullopt};
  } catch (const Poco::TimeoutException&) {
    client_.reset();
    if (job_cancelled()) return {AttemptOutcome::Kind::cancelled, {}, false, std::nullopt};
    if (phase != Phase::streaming) settings_->metrics->vendor_request("timeout");
    if (phase == Phase::connecting) {
      return {AttemptOutcome::Kind::failed,
              Status(ErrorCode::timeout, "could not connect to the model server within " +
                                             milliseconds_text(config.connect_timeout)),
              true, std::nullopt};
    }
    // Not retried: the caller has already waited first_token_timeout in silence.
    const std::string what = delivered ? "the reply stalled for " : "no reply from the model server within ";
    return {AttemptOutcome::Kind::failed, Status(ErrorCode::timeout, what + milliseconds_text(config.first_token_timeout)),
            false, std::nullopt};
  } catch (const Poco::Exception& error) {
    client_.reset();
    if (job_cancelled()) return {AttemptOutcome::Kind::cancelled, {}, false, std::nullopt};
    if (phase != Phase::streaming) settings_->metrics->vendor_request("network_error");
    const std::string where = phase == Phase::connecting ? "could not connect to the model server: "
                                                         : "connection to the model server failed: ";
    return {AttemptOutcome::Kind::failed,
            Status(ErrorCode::unavailable, redact(where + error.displayText(), settings_->secrets)), true,
            std::nullopt};
  } catch (const std::exception& error) {
    client_.reset();
    if (job_cancelled()) return {AttemptOutcome::Kind::cancelled, {}, false, std::nullopt};
    return {AttemptOutcome::Kind::failed, Status(ErrorCode::internal, std::string("llm_openai: ") + error.what()),
            false, std::nullopt};
  }
}

OpenAiLlmSession::AttemptOutcome OpenAiLlmSession::http_failure(int http_status, const HttpResponseHead& head,
                                                                const std::string& body) {
  const std::string message = redact(error_message_from_body(body), settings_->secrets);
  const Status status = status_for_http_error(http_status, message);
  // Like the SDK: 408, 409, 429 and 5xx are worth another try; 401/403/other 4xx are not.
  const bool retryable = http_status == 408 || http_status == 409 || http_status == 429 || http_status >= 500;
  return {AttemptOutcome::Kind::failed, status, retryable, server_retry_delay(head.retry_after_ms, head.retry_after)};
}

OpenAiLlmSession::AttemptOutcome OpenAiLlmSession::read_stream(const Job& job, bool& delivered) {
  SseParser parser;
  CompletionStream stream;
  Status stream_error;
  std::string text;
  const auto on_event = [&](std::string_view data) {
    stream_error = stream.consume(data, text);
    if (!stream_error) return false;
    if (!text.empty()) {
      delivered = true;
      emit(job.request_id, [&] { listener_.on_text_delta(job.request_id, text); });
    }
    return !stream.done();
  };

  std::string buffer(kReadBufferBytes, '\0');
  bool ended = false;  // the body ended (EOF) before [DONE]
  while (stream_error && !stream.done()) {
    const std::size_t got = client_.read_some(buffer.data(), buffer.size());
    if (got == 0) {
      ended = true;
      break;
    }
    parser.feed(std::string_view(buffer.data(), got), on_event);
  }
  if (job_cancelled()) {
    client_.reset();
    return {AttemptOutcome::Kind::cancelled, {}, false, std::nullopt};
  }
  if (!stream_error) {
    client_.reset();  // the rest of the body is unread; the connection cannot be reused
    return {AttemptOutcome::Kind::failed, Status(stream_error.code(), redact(stream_error.message(), settings_->secrets)),
            false, std::nullopt};
  }
  if (ended && !stream.finished()) {
    client_.reset();
    return {AttemptOutcome::Kind::failed,
            Status(ErrorCode::unavailable, "the model server closed the stream before the reply was complete"), true,
            std::nullopt};
  }

  Result<std::vector<ToolCall>> calls = stream.tool_calls();
  if (!calls) {
    client_.reset();
    return {AttemptOutcome::Kind::failed, calls.status(), false, std::nullopt};
  }
  for (const ToolCall& call : calls.value()) {
    delivered = true;
    emit(job.request_id, [&] { listener_.on_tool_call(job.request_id, call); });
  }
  const FinishReason reason = stream.finish_reason();
  const LlmUsage usage = stream.usage();
  emit(job.request_id, [&] {
    active_completed_ = true;  // under mutex_ (emit): from here a new request waits for the drain
    listener_.on_complete(job.request_id, reason, usage);
  });

  // Read the few bytes after [DONE] (the end of the chunked body) so the connection can
  // carry the next turn; the listener already has everything. Briefly: a server that
  // holds the body open after [DONE] must not hold up the next turn.
  if (!ended) {
    try {
      client_.set_receive_timeout(kDrainTimeout);
      if (!client_.read_rest(4096).empty()) client_.reset();
    } catch (...) {
      client_.reset();
    }
  }
  return {AttemptOutcome::Kind::finished, {}, false, std::nullopt};
}

}  // namespace callagent::plugins::openai
