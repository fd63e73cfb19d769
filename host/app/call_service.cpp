#include "host/app/call_service.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <spdlog/spdlog.h>

#include "host/logging/prefixed_logger.h"
#include "host/pipeline/call_factory.h"
#include "host/pipeline/phrase_warmup.h"
#include "host/runtime/periodic_task.h"
#include "host/runtime/timer_service.h"
#include "host/runtime/worker_pool.h"
#include "host/telephony/call_api.h"
#include "host/telephony/call_capacity.h"
#include "host/telephony/call_repository.h"
#include "host/telephony/media_stream_endpoint.h"
#include "host/telephony/public_url.h"
#include "host/telephony/record_write_back.h"
#include "host/telephony/telephony_metrics.h"
#include "host/telephony/voice_webhook.h"

namespace callagent::host {

struct CallService::Parts {
  SteadyTimeSource time;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<WorkerPool> blocking;
  std::unique_ptr<ThreadedTimerService> timers;
  telephony::TelephonySettings settings;
  telephony::TelephonyCounters counters;
  std::unique_ptr<telephony::CallRepository> calls;
  std::unique_ptr<telephony::RecordWriteBack> records;
  std::unique_ptr<PeriodicTask> record_flusher;  // writes waiting records back every second
  std::unique_ptr<telephony::CallCapacity> capacity;
  std::shared_ptr<const twilio::TwilioRestClient> rest;
  std::unique_ptr<pipeline::CallFactory> factory;
  std::unique_ptr<telephony::VoiceWebhook> webhook;
  std::unique_ptr<SocketReactor> stream_reactor;  // reads the plain-TCP Media Streams
  std::unique_ptr<telephony::MediaStreamEndpoint> streams;
  std::unique_ptr<telephony::CallApi> api;
  std::unique_ptr<metrics::CallMetrics> call_metrics;
  bool pipeline_configured = false;
  std::string not_configured_reason;
};

namespace {

// The state store as the calls see it: records refused while it was down, waiting in
// memory, written back once it returned (RecordWriteBack).
void register_record_metrics(metrics::Registry& registry, const telephony::RecordWriteBack& records) {
  using metrics::MetricType;
  using metrics::Sample;
  registry.add_callback("callagent_call_records_waiting",
                        "Call records kept in memory until the state store answers again.", MetricType::gauge, {},
                        [&records] { return std::vector<Sample>{{{}, static_cast<double>(records.waiting())}}; });
  registry.add_callback("callagent_state_store_write_failures_total",
                        "Call record writes the state store refused (each kept to be written back).",
                        MetricType::counter, {},
                        [&records] { return std::vector<Sample>{{{}, static_cast<double>(records.failed_saves())}}; });
  registry.add_callback("callagent_call_records_written_back_total",
                        "Call records written to the state store after an outage.", MetricType::counter, {},
                        [&records] { return std::vector<Sample>{{{}, static_cast<double>(records.written_back())}}; });
  registry.add_callback("callagent_call_records_dropped_total",
                        "Call records given up on during a long outage (too many waiting).", MetricType::counter, {},
                        [&records] { return std::vector<Sample>{{{}, static_cast<double>(records.dropped())}}; });
}

Result<std::string> public_base_url(const config::HostConfig& config) {
  if (!config.server.base_url.empty()) return config.server.base_url;
  if (!config.server.ngrok_api_url.empty()) {
    auto discovered = telephony::discover_ngrok_url(config.server.ngrok_api_url, std::chrono::seconds(5));
    if (!discovered) {
      return Status(ErrorCode::invalid_config,
                    "server.ngrok_api_url: " + discovered.status().message() +
                        " (or set server.base_url to the public URL Twilio reaches)");
    }
    spdlog::info("public URL from ngrok: {}", discovered.value());
    return discovered;
  }
  if (config.twilio.validate_signatures) {
    return Status(ErrorCode::invalid_config,
                  "server.base_url: required to check Twilio signatures (Twilio signs the public "
                  "URL it calls): set it to e.g. https://your-host.example.com, or set "
                  "server.ngrok_api_url when using ngrok");
  }
  spdlog::warn("server.base_url is not set: Twilio cannot be pointed at this host; each request's "
               "Host header is used instead (fine for tools/call-sim on this machine)");
  return std::string();
}

std::string local_host_name(std::uint16_t port) {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "localhost:" + std::to_string(port);
  return std::string(name) + ":" + std::to_string(port);
}

}  // namespace

CallService::CallService(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

CallService::~CallService() { stop(); }

int CallService::http_threads_needed(const config::HostConfig& config) {
  return config.server.http_threads + config.server.max_calls;
}

Result<std::unique_ptr<CallService>> CallService::create(const config::HostConfig& config,
                                                         const ProviderSet& providers,
                                                         std::uint16_t listening_port,
                                                         metrics::Registry* metrics) {
  auto base_url = public_base_url(config);
  if (!base_url) return base_url.status();

  auto parts = std::make_unique<Parts>();
  auto& settings = parts->settings;
  settings.configured_base_url = base_url.value();
  settings.auth_token = config.twilio.auth_token;
  settings.validate_signatures = config.twilio.validate_signatures;
  settings.language = config.agent.language;
  settings.apology_message = config.agent.apology_message;
  settings.host_name = local_host_name(listening_port);
  settings.api_token = config.server.api_token;

  parts->workers = std::make_unique<WorkerPool>(static_cast<std::size_t>(config.server.worker_threads), "call");
  parts->blocking = std::make_unique<WorkerPool>(4, "blocking");
  parts->timers = std::make_unique<ThreadedTimerService>();
  // A live call's keys outlive its longest possible duration; an ended call's are kept for
  // the configured retention.
  const auto record_ttl = std::chrono::seconds(config.agent.max_call_duration_seconds + 3600);
  parts->calls = std::make_unique<telephony::CallRepository>(
      providers.state, record_ttl, std::chrono::seconds(config.server.finished_call_retention_seconds));
  parts->records = std::make_unique<telephony::RecordWriteBack>(*parts->calls);
  parts->record_flusher = std::make_unique<PeriodicTask>(std::chrono::seconds(1), [records = parts->records.get()] {
    if (records->waiting() > 0) (void)records->flush();
  });
  parts->capacity = std::make_unique<telephony::CallCapacity>(
      static_cast<std::size_t>(config.server.max_calls), parts->time);
  if (!config.twilio.account_sid.empty() && !config.twilio.auth_token.empty()) {
    parts->rest = std::make_shared<twilio::TwilioRestClient>(twilio::RestClientSettings{
        config.twilio.api_base_url, config.twilio.account_sid, config.twilio.auth_token,
        std::chrono::milliseconds(10000)});
  }

  pipeline::CallServices services;
  services.workers = parts->workers.get();
  services.timers = parts->timers.get();
  services.blocking = parts->blocking.get();
  services.stt = providers.stt;
  services.llm = providers.llm;
  services.tts = providers.tts;
  services.events = std::make_shared<pipeline::EventPublisher>(providers.events);
  services.records = parts->records.get();
  services.rest = parts->rest;
  services.phrases = std::make_shared<pipeline::PhraseCache>();
  std::map<PluginKind, std::string> plugin_names;
  if (config.providers.stt) plugin_names[PluginKind::stt] = config.providers.stt->plugin;
  if (config.providers.llm) plugin_names[PluginKind::llm] = config.providers.llm->plugin;
  if (config.providers.tts) plugin_names[PluginKind::tts] = config.providers.tts->plugin;
  services.session_logger = [plugin_names](PluginKind kind,
                                           const std::string& conversation_id) -> std::shared_ptr<Logger> {
    const auto found = plugin_names.find(kind);
    const std::string name = found == plugin_names.end() ? std::string(to_string(kind)) : found->second;
    return PrefixedLogger::for_plugin(kind, name)->for_call(conversation_id);
  };
  if (metrics != nullptr) {
    metrics::PipelinePluginNames names;
    if (config.providers.stt) names.stt = config.providers.stt->plugin;
    if (config.providers.llm) names.llm = config.providers.llm->plugin;
    if (config.providers.tts) names.tts = config.providers.tts->plugin;
    parts->call_metrics = std::make_unique<metrics::CallMetrics>(*metrics, std::move(names), pipeline::end_reason::all);
    services.metrics = parts->call_metrics.get();
    telephony::register_telephony_metrics(*metrics, parts->counters, *parts->capacity);
    register_record_metrics(*metrics, *parts->records);
  }
  parts->pipeline_configured = providers.stt && providers.llm && providers.tts;
  if (!parts->pipeline_configured) {
    spdlog::warn("providers.stt, providers.llm and providers.tts are not all configured: calls will "
                 "be answered with an apology");
  }
  if (providers.tts) {
    const auto& agent = config.agent;
    parts->blocking->post([tts = providers.tts, phrases = services.phrases,
                           tts_name = config.providers.tts ? config.providers.tts->plugin : std::string("tts"),
                           texts = std::vector<std::string>{agent.initial_message, agent.goodbye_message,
                                                            agent.idle_check_message, agent.apology_message}] {
      auto logger = PrefixedLogger::for_plugin(PluginKind::tts, tts_name)->for_call("warmup");
      const std::size_t cached = pipeline::warm_phrase_cache(*tts, *logger, *phrases, texts, std::chrono::seconds(20));
      spdlog::info("phrase cache: {} fixed phrases synthesised ahead of calls", cached);
    });
  }
  parts->factory = std::make_unique<pipeline::CallFactory>(services, config.agent);
  parts->webhook = std::make_unique<telephony::VoiceWebhook>(settings, *parts->calls, *parts->capacity,
                                                             parts->counters);
  // Half the cores by default: one thread carries several hundred streams, and fewer
  // threads find more sockets ready per wake-up (BENCHMARKS.md).
  const std::size_t stream_threads =
      config.server.stream_threads > 0 ? static_cast<std::size_t>(config.server.stream_threads)
                                       : std::max<std::size_t>(1, std::thread::hardware_concurrency() / 2);
  parts->stream_reactor = std::make_unique<SocketReactor>(stream_threads, "streams");
  parts->streams = std::make_unique<telephony::MediaStreamEndpoint>(
      settings, *parts->calls, *parts->capacity, *parts->factory, parts->counters, parts->time,
      telephony::MediaStreamLimits{}, parts->stream_reactor.get());
  parts->api = std::make_unique<telephony::CallApi>(settings, *parts->calls, parts->rest);
  return std::unique_ptr<CallService>(new CallService(std::move(parts)));
}

void CallService::register_routes(Router& router) {
  Parts* parts = parts_.get();
  router.add("POST", "/inbound_call", [parts](auto& request, auto& response, const PathParams&) {
    if (!parts->pipeline_configured) {
      // Still authenticate: an unsigned request gets no TwiML at all.
      parts->webhook->handle_unavailable(request, response);
      return;
    }
    parts->webhook->handle(request, response, "");
  });
  router.add("POST", "/outbound_call/{conversation_id}", [parts](auto& request, auto& response, const PathParams& params) {
    parts->webhook->handle(request, response, params.get("conversation_id"));
  });
  router.add("GET", "/connect_call/{conversation_id}", [parts](auto& request, auto& response, const PathParams& params) {
    parts->streams->handle(request, response, params.get("conversation_id"));
  });
  router.add("GET", "/call/{conversation_id}", [parts](auto& request, auto& response, const PathParams& params) {
    parts->api->get_call(request, response, params.get("conversation_id"));
  });
  router.add("POST", "/call/{conversation_id}/hangup", [parts](auto& request, auto& response, const PathParams& params) {
    parts->api->hang_up(request, response, params.get("conversation_id"));
  });
  router.add("POST", "/calls", [parts](auto& request, auto& response, const PathParams&) {
    parts->api->create_outbound_call(request, response);
  });
  router.add("POST", "/call_status", [parts](auto& request, auto& response, const PathParams&) {
    parts->api->status_callback(request, response);
  });
}

namespace {

// After the grace period, how long the remaining calls get to say the closing line and
// hang up (a short line plays in a few seconds; this bounds a stuck one).
constexpr auto kClosingLineAllowance = std::chrono::seconds(10);

bool wait_for_no_calls(const pipeline::CallFactory& factory, std::chrono::steady_clock::time_point deadline) {
  while (factory.live_calls() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return factory.live_calls() == 0;
}

}  // namespace

void CallService::end_calls(std::chrono::milliseconds grace) {
  if (!parts_ || !parts_->workers) return;
  // Readiness turns false and webhooks get the busy answer from here on.
  parts_->capacity->close_for_new_calls();
  const std::size_t live = parts_->factory->live_calls();
  if (live == 0) return;
  spdlog::info("draining: {} live calls may finish within {} ms", live, grace.count());
  if (wait_for_no_calls(*parts_->factory, std::chrono::steady_clock::now() + grace)) {
    spdlog::info("draining: every call finished");
    return;
  }
  spdlog::info("draining: saying goodbye to the {} calls still running", parts_->factory->live_calls());
  parts_->factory->end_all_calls(std::string(pipeline::end_reason::shutdown));
  (void)wait_for_no_calls(*parts_->factory, std::chrono::steady_clock::now() + kClosingLineAllowance);
}

void CallService::stop() {
  if (!parts_ || !parts_->workers) return;
  parts_->capacity->close_for_new_calls();
  // Streams still open end now (the reactor's, and those the server's stop closed); their
  // calls hear of it as posts: give them a moment.
  parts_->stream_reactor->stop(std::chrono::seconds(2));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (parts_->factory->live_calls() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (const auto left = parts_->factory->live_calls(); left > 0) {
    spdlog::error("{} calls did not finish at shutdown; their transcripts may be incomplete", left);
  }
  // Timers first (nothing new gets posted), then the calls' strands, then blocking work
  // (record writes, session teardown) so every write a call started completes.
  parts_->timers->stop();
  parts_->workers->stop();
  parts_->blocking->stop();
  parts_->workers.reset();
  // Records still waiting for the state store get one last try.
  parts_->record_flusher->stop();
  if (parts_->records->waiting() > 0) (void)parts_->records->flush();
  if (const auto left = parts_->records->waiting(); left > 0) {
    spdlog::error("{} call records could not be written: the state store is still unavailable "
                  "(the transcripts went to the event sinks)", left);
  }
}

std::size_t CallService::live_calls() const { return parts_->factory->live_calls(); }

CapacityState CallService::capacity_state() const {
  const auto& capacity = *parts_->capacity;
  return {capacity.live_calls(), capacity.reserved_calls(), capacity.max_calls(),
          capacity.closed_for_new_calls()};
}

bool CallService::pipeline_configured() const { return parts_->pipeline_configured; }

}  // namespace callagent::host
