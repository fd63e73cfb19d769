// One call's conversation with an OpenAI-compatible server: each generate() becomes one
// streamed POST /chat/completions, run on the session's own worker thread.
//
// Threading: generate() and cancel() come from the call's strand and never block on the
// network; they hand the request to the worker and abort the in-flight one. Every
// listener callback is made under mutex_ after checking the request is still the live,
// uncancelled one, and cancel() marks it under the same mutex — so once cancel() (or a
// newer generate()) returns, nothing more arrives for the old request.
// Lifetime: `listener` and `logger` outlive the session; the destructor aborts the
// connection and joins the worker, so no callback comes after it returns.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "callagent/plugin_api.h"
#include "http_stream_client.h"
#include "openai_config.h"

namespace callagent::plugins::openai {

// What every session of a provider shares. Immutable after the provider is created.
struct SessionSettings {
  OpenAiConfig config;
  HttpEndpoint endpoint;
  Poco::Net::Context::Ptr tls_context;  // null for http:// servers
  HttpStreamClient::Headers headers;    // Authorization, Accept, User-Agent, extras
  std::vector<std::string> secrets;     // redacted from every message we pass on
  bool prewarm = true;                  // open the connection when the session opens
  // The provider's vendor counts (plugin API 1.1); outlives every session. Never null.
  ProviderMetrics* metrics = &no_provider_metrics();
};

class OpenAiLlmSession final : public LlmSession {
 public:
  OpenAiLlmSession(std::shared_ptr<const SessionSettings> settings, LlmListener& listener, Logger& logger);
  ~OpenAiLlmSession() override;
  OpenAiLlmSession(const OpenAiLlmSession&) = delete;
  OpenAiLlmSession& operator=(const OpenAiLlmSession&) = delete;

  Status generate(const LlmRequest& request) noexcept override;
  void cancel(std::uint64_t request_id) noexcept override;

 private:
  struct Job {
    std::uint64_t request_id = 0;
    std::string body;  // the JSON request body, built on the strand
  };
  enum class Phase { connecting, waiting, streaming };
  struct AttemptOutcome {
    enum class Kind { finished, cancelled, failed } kind = Kind::finished;
    Status error;                                          // Kind::failed
    bool retryable = false;                                // worth another attempt
    std::optional<std::chrono::milliseconds> retry_after;  // what the server asked for
  };

  void run_worker();
  void prewarm();
  void run_job(const Job& job);
  AttemptOutcome run_attempt(const Job& job, bool& delivered);
  AttemptOutcome read_stream(const Job& job, bool& delivered);
  AttemptOutcome http_failure(int http_status, const HttpResponseHead& head, const std::string& body);
  // Waits `delay` unless the job is cancelled or the session stops; false if it was.
  bool wait_before_retry(std::chrono::milliseconds delay);
  bool job_cancelled();
  // Runs `callback` under mutex_ when `request_id` is still live; false otherwise.
  template <typename Callback>
  bool emit(std::uint64_t request_id, Callback&& callback);

  const std::shared_ptr<const SessionSettings> settings_;
  LlmListener& listener_;
  Logger& logger_;
  HttpStreamClient client_;   // worker only, except abort()
  std::minstd_rand jitter_;   // worker only

  std::mutex mutex_;
  std::condition_variable wake_;
  std::optional<Job> pending_;        // guarded: the next request for the worker
  std::uint64_t active_id_ = 0;       // guarded: the request the worker runs
  bool active_ = false;               // guarded
  bool active_cancelled_ = false;     // guarded
  // The active request's on_complete went out: the worker only drains the body's last bytes
  // so the connection can carry the next request, which must not abort it for that.
  bool active_completed_ = false;     // guarded
  bool stopping_ = false;             // guarded

  std::thread worker_;  // last: started after everything it uses exists
};

}  // namespace callagent::plugins::openai
