#include "memory_state.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

#include "callagent/plugin_api/exception_boundary.h"

namespace callagent::plugins {
namespace {

using TimePoint = MemoryStateStore::TimePoint;

constexpr std::string_view kKnownKeys = "max_entries";
// A bad value is quoted in its error; a huge subtree is cut so it cannot flood a log line.
constexpr std::size_t kMaxQuotedValueChars = 60;

struct MemoryStateConfig {
  std::size_t max_entries = MemoryStateStore::kDefaultMaxEntries;
};

Status config_error(std::string message) {
  return Status(ErrorCode::invalid_config, std::move(message));
}

std::string quote(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > kMaxQuotedValueChars) {
    text.resize(kMaxQuotedValueChars);
    text += "...";
  }
  return text;
}

Result<MemoryStateConfig> parse_config(std::string_view config_json) {
  MemoryStateConfig config;
  if (config_json.find_first_not_of(" \t\r\n") == std::string_view::npos) return config;

  nlohmann::json root;
  try {
    root = nlohmann::json::parse(config_json.begin(), config_json.end());
  } catch (const nlohmann::json::parse_error& error) {
    return config_error("config must be a JSON object; this text is not JSON (error at byte " +
                        std::to_string(error.byte) + ")");
  }
  if (!root.is_object()) {
    return config_error(std::string("config must be a JSON object, got ") + root.type_name());
  }

  // nlohmann keeps object keys sorted, so with several errors the one reported is stable.
  for (const auto& item : root.items()) {
    const std::string& key = item.key();
    const nlohmann::json& value = item.value();
    if (key == "max_entries") {
      // Parsed text holds every non-negative integer as unsigned, so this also refuses
      // negatives, fractions and strings.
      if (!value.is_number_unsigned() || value.get<std::size_t>() < 1) {
        return config_error("max_entries: expected an integer >= 1, got " + quote(value));
      }
      config.max_entries = value.get<std::size_t>();
    } else {
      return config_error(key + ": unknown key (known: " + std::string(kKnownKeys) + ")");
    }
  }
  return config;
}

TimePoint steady_now() { return std::chrono::steady_clock::now(); }

// now + ttl, saturated: a TTL past the end of the clock's range (about 292 years of
// nanoseconds from its epoch) never expires, rather than overflowing into the past.
TimePoint deadline_after(TimePoint now, std::chrono::seconds ttl) noexcept {
  const auto headroom =
      std::chrono::floor<std::chrono::seconds>(TimePoint::max() - std::max(now, TimePoint{}));
  return ttl >= headroom ? TimePoint::max() : now + ttl;
}

Status invalid_ttl(std::chrono::seconds ttl) {
  return Status(ErrorCode::invalid_argument,
                "ttl must be > 0 seconds, got " + std::to_string(ttl.count()));
}

}  // namespace

Status MemoryStateStore::validate_config(std::string_view config_json) {
  return parse_config(config_json).status();
}

Result<std::unique_ptr<MemoryStateStore>> MemoryStateStore::create(const ProviderContext& context) {
  auto config = parse_config(context.config_json);
  if (!config) return config.status();
  const std::size_t max_entries = config.value().max_entries;
  context.logger.info("in-memory state for this host only, at most " + std::to_string(max_entries) +
                      " keys; it is lost on restart");
  return std::make_unique<MemoryStateStore>(max_entries, steady_now);
}

MemoryStateStore::MemoryStateStore(std::size_t max_entries, NowFunction now)
    : max_entries_(max_entries), now_(now ? std::move(now) : NowFunction(steady_now)) {}

Result<std::optional<std::string>> MemoryStateStore::get(std::string_view key) noexcept {
  return without_exceptions("state_memory", [&]() -> Result<std::optional<std::string>> {
    std::lock_guard lock(mutex_);
    // Reads leave reclaiming to writes, so an expired entry may still be here.
    const auto position = entries_.find(key);
    if (position == entries_.end() || position->second.expiry->first <= now_()) {
      return std::optional<std::string>();
    }
    return std::optional<std::string>(position->second.value);
  });
}

Status MemoryStateStore::put(std::string_view key, std::string_view value,
                             std::chrono::seconds ttl) noexcept {
  return without_exceptions("state_memory", [&]() -> Status {
    if (ttl <= std::chrono::seconds::zero()) return invalid_ttl(ttl);
    std::lock_guard lock(mutex_);
    const TimePoint now = now_();
    drop_expired(now);
    const TimePoint deadline = deadline_after(now, ttl);
    if (const auto position = entries_.find(key); position != entries_.end()) {
      overwrite(position, value, deadline);
      return Status::ok();
    }
    if (Status room = check_room_for_new_key(); !room) return room;
    insert_new(key, value, deadline);
    return Status::ok();
  });
}

Result<bool> MemoryStateStore::put_if_absent(std::string_view key, std::string_view value,
                                             std::chrono::seconds ttl) noexcept {
  return without_exceptions("state_memory", [&]() -> Result<bool> {
    if (ttl <= std::chrono::seconds::zero()) return invalid_ttl(ttl);
    std::lock_guard lock(mutex_);
    const TimePoint now = now_();
    drop_expired(now);
    // Every entry left is live, so a stored key is a present one.
    if (entries_.contains(key)) return false;
    if (Status room = check_room_for_new_key(); !room) return room;
    insert_new(key, value, deadline_after(now, ttl));
    return true;
  });
}

Status MemoryStateStore::erase(std::string_view key) noexcept {
  return without_exceptions("state_memory", [&]() -> Status {
    std::lock_guard lock(mutex_);
    drop_expired(now_());
    if (const auto position = entries_.find(key); position != entries_.end()) {
      expiry_index_.erase(position->second.expiry);
      entries_.erase(position);
    }
    return Status::ok();
  });
}

Status MemoryStateStore::ping() noexcept { return Status::ok(); }

std::size_t MemoryStateStore::size_for_testing() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t MemoryStateStore::expiry_index_size_for_testing() const {
  std::lock_guard lock(mutex_);
  return expiry_index_.size();
}

void MemoryStateStore::drop_expired(TimePoint now) noexcept {
  while (!expiry_index_.empty() && expiry_index_.begin()->first <= now) {
    const auto oldest = expiry_index_.begin();
    entries_.erase(entries_.find(*oldest->second));
    expiry_index_.erase(oldest);
  }
}

Status MemoryStateStore::check_room_for_new_key() const {
  if (entries_.size() < max_entries_) return Status::ok();
  return Status(ErrorCode::capacity,
                "state store full: it holds max_entries (" + std::to_string(max_entries_) +
                    ") live keys; a new key fits once one expires or is erased");
}

void MemoryStateStore::insert_new(std::string_view key, std::string_view value, TimePoint deadline) {
  const auto position = entries_.emplace(std::string(key), Entry{std::string(value), {}}).first;
  try {
    position->second.expiry = expiry_index_.emplace(deadline, &position->first);
  } catch (...) {
    entries_.erase(position);  // never leave an entry without its expiry node
    throw;
  }
}

void MemoryStateStore::overwrite(Entries::iterator position, std::string_view value,
                                 TimePoint deadline) {
  Entry& entry = position->second;
  // A string of exactly the value's size: assign() would keep the old capacity, grown
  // geometrically, and a call record rewritten after every turn would then hold up to
  // twice its size for the whole TTL.
  std::string stored(value);  // the only step that may throw, before anything else changes
  entry.value.swap(stored);
  // Move the key's own node to its new deadline: no allocation, still one node per key.
  auto node = expiry_index_.extract(entry.expiry);
  node.key() = deadline;
  entry.expiry = expiry_index_.insert(std::move(node));
}

}  // namespace callagent::plugins
