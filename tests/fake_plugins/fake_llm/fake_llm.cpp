#include "tests/fake_plugins/fake_llm/fake_llm.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "tests/fake_plugins/common/plugin_config.h"
#include "tests/fake_plugins/common/words.h"

namespace callagent::fake_plugins {
namespace {

constexpr std::int64_t kMaxDelayMs = 60'000;
constexpr std::string_view kEndCallTool = "end_call";
// What echo mode says before the caller has said anything (the greeting turn).
constexpr std::string_view kEchoGreeting = "Hello! What can I do for you?";

const ChatMessage* last_user_message(const LlmRequest& request) {
  const auto found = std::find_if(request.messages.rbegin(), request.messages.rend(),
                                  [](const ChatMessage& message) { return message.role == ChatRole::user; });
  return found == request.messages.rend() ? nullptr : &*found;
}

bool offers_tool(const LlmRequest& request, std::string_view name) {
  return std::any_of(request.tools.begin(), request.tools.end(),
                     [name](const ToolDefinition& tool) { return tool.name == name; });
}

// "I'd like a table." → "I'd like a table", so the echo reads "You said: I'd like a table. …"
std::string without_trailing_punctuation(std::string_view text) {
  while (!text.empty() && (is_blank(text.back()) || text.back() == '.' || text.back() == '!' ||
                           text.back() == '?')) {
    text.remove_suffix(1);
  }
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  return std::string(text);
}

// Streams like a real model: a word per delta, each but the first led by its space, so the
// deltas concatenate to the reply with single spaces.
std::vector<std::string> word_deltas(std::string_view reply) {
  std::vector<std::string> deltas = split_words(reply);
  for (std::size_t index = 1; index < deltas.size(); ++index) deltas[index].insert(0, 1, ' ');
  return deltas;
}

std::int64_t prompt_word_count(const LlmRequest& request) {
  std::int64_t count = 0;
  for (const ChatMessage& message : request.messages) {
    count += static_cast<std::int64_t>(split_words(message.content).size());
  }
  return count;
}

}  // namespace

Result<FakeLlmConfig> parse_fake_llm_config(std::string_view config_json) {
  nlohmann::json root;
  if (Status parsed = parse_config_object(
          config_json, {"mode", "replies", "first_token_delay_ms", "token_interval_ms", "end_call_on"},
          root);
      !parsed) {
    return parsed;
  }
  FakeLlmConfig config;
  std::string mode = "echo";
  if (Status status = read_config_string(root, "mode", mode); !status) return status;
  if (mode == "echo") {
    config.mode = FakeLlmConfig::Mode::echo;
  } else if (mode == "script") {
    config.mode = FakeLlmConfig::Mode::script;
  } else {
    return config_error("mode", "expected \"echo\" or \"script\", got \"" + mode + "\"");
  }
  // Echo mode ignores replies, so a test can flip the mode without editing the list.
  if (Status status = read_config_string_list(root, "replies", /*require_non_empty=*/true, config.replies);
      !status) {
    return status;
  }
  if (config.mode == FakeLlmConfig::Mode::script && config.replies.empty()) {
    return config_error("replies", "required when mode is \"script\"");
  }
  if (Status status = read_config_integer(root, "first_token_delay_ms", 0, kMaxDelayMs,
                                          config.first_token_delay_ms);
      !status) {
    return status;
  }
  if (Status status = read_config_integer(root, "token_interval_ms", 0, kMaxDelayMs,
                                          config.token_interval_ms);
      !status) {
    return status;
  }
  if (Status status = read_config_string(root, "end_call_on", config.end_call_on); !status) {
    return status;
  }
  return config;
}

// --- session ---------------------------------------------------------------------------

AutonomousLlmSession::AutonomousLlmSession(FakeLlmConfig config, LlmListener& listener, Logger& logger)
    : config_(std::move(config)), listener_(listener), logger_(logger),
      worker_([this] { run_worker(); }) {}

AutonomousLlmSession::~AutonomousLlmSession() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  logger_.info("session closed");
}

Status AutonomousLlmSession::generate(const LlmRequest& request) noexcept {
  try {
    Job job = plan_reply(request);
    job.received_at = Clock::now();
    std::lock_guard lock(mutex_);
    ++generation_;  // abandons whatever the worker is playing: one request at a time
    pending_ = std::move(job);
    wake_.notify_all();
    return Status::ok();
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_llm: ") + error.what());
  }
}

void AutonomousLlmSession::cancel(std::uint64_t request_id) noexcept {
  std::lock_guard lock(mutex_);
  if (pending_ && pending_->request_id == request_id) pending_.reset();
  if (playing_request_id_ == request_id) ++generation_;
  wake_.notify_all();
}

AutonomousLlmSession::Job AutonomousLlmSession::plan_reply(const LlmRequest& request) {
  Job job;
  job.request_id = request.request_id;
  job.prompt_words = prompt_word_count(request);
  const ChatMessage* user = last_user_message(request);
  if (user != nullptr && offers_tool(request, kEndCallTool) &&
      contains_ignoring_case(user->content, config_.end_call_on)) {
    job.tool_call = ToolCall{"call_" + std::to_string(request.request_id), std::string(kEndCallTool),
                             R"({"reason":"caller asked"})"};
    logger_.debug("request " + std::to_string(request.request_id) + ": calling end_call");
    return job;
  }
  std::string reply;
  if (config_.mode == FakeLlmConfig::Mode::script) {
    reply = config_.replies[next_reply_index_];
    next_reply_index_ = (next_reply_index_ + 1) % config_.replies.size();
  } else if (user == nullptr) {
    reply = kEchoGreeting;
  } else {
    reply = "You said: " + without_trailing_punctuation(user->content) + ". What else can I do for you?";
  }
  logger_.debug("request " + std::to_string(request.request_id) + ": replying \"" + reply + "\"");
  job.deltas = word_deltas(reply);
  return job;
}

void AutonomousLlmSession::run_worker() {
  try {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      const Job job = std::move(*pending_);
      pending_.reset();
      playing_request_id_ = job.request_id;
      play(lock, job, generation_);
      playing_request_id_.reset();
    }
  } catch (const std::exception& error) {
    // Only a failing mutex could get here; the session then stays silent, and says why.
    logger_.error(std::string("worker stopped: ") + error.what());
  }
}

void AutonomousLlmSession::play(std::unique_lock<std::mutex>& lock, const Job& job,
                                std::uint64_t generation) {
  const auto superseded = [this, generation] { return stopping_ || generation_ != generation; };
  // The lock is held from each check to the callback after it, so a cancel() either comes
  // before the check (and wins) or after the callback.
  auto due = job.received_at + std::chrono::milliseconds(config_.first_token_delay_ms);
  if (wake_.wait_until(lock, due, superseded)) return;
  LlmUsage usage;
  usage.prompt_tokens = job.prompt_words;
  if (job.tool_call) {
    usage.completion_tokens = 1;
    listener_.on_tool_call(job.request_id, *job.tool_call);
    listener_.on_complete(job.request_id, FinishReason::tool_calls, usage);
    return;
  }
  for (std::size_t index = 0; index < job.deltas.size(); ++index) {
    if (index > 0) {
      due += std::chrono::milliseconds(config_.token_interval_ms);
      if (wake_.wait_until(lock, due, superseded)) return;
    }
    listener_.on_text_delta(job.request_id, job.deltas[index]);
  }
  usage.completion_tokens = static_cast<std::int64_t>(job.deltas.size());
  listener_.on_complete(job.request_id, FinishReason::stop, usage);
}

// --- provider --------------------------------------------------------------------------

Status AutonomousLlmProvider::validate_config(std::string_view config_json) {
  return parse_fake_llm_config(config_json).status();
}

Result<std::unique_ptr<AutonomousLlmProvider>> AutonomousLlmProvider::create(
    const ProviderContext& context) {
  auto config = parse_fake_llm_config(context.config_json);
  if (!config) return config.status();
  context.logger.info(std::string(config.value().mode == FakeLlmConfig::Mode::echo ? "echo" : "script") +
                      " mode, first token after " +
                      std::to_string(config.value().first_token_delay_ms) + " ms");
  return std::make_unique<AutonomousLlmProvider>(std::move(config).value());
}

AutonomousLlmProvider::AutonomousLlmProvider(FakeLlmConfig config) : config_(std::move(config)) {}

Result<std::unique_ptr<LlmSession>> AutonomousLlmProvider::open_session(
    const SessionContext& context, LlmListener& listener) noexcept {
  try {
    auto session = std::make_unique<AutonomousLlmSession>(config_, listener, context.logger);
    context.logger.info("session open");
    return std::unique_ptr<LlmSession>(std::move(session));
  } catch (const std::exception& error) {
    return Status(ErrorCode::internal, std::string("fake_llm: ") + error.what());
  }
}

}  // namespace callagent::fake_plugins
