#include "host/pipeline/phrase_cache.h"

namespace callagent::pipeline {
namespace {

std::string key_of(std::string_view voice_key, std::string_view text) {
  std::string key(voice_key);
  key += '\n';
  key += text;
  return key;
}

}  // namespace

PhraseCache::Audio PhraseCache::find(std::string_view voice_key, std::string_view text) const {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key_of(voice_key, text));
  return found == entries_.end() ? nullptr : found->second;
}

void PhraseCache::store(std::string_view voice_key, std::string_view text,
                        std::vector<std::uint8_t> mulaw_audio) {
  if (mulaw_audio.empty()) return;
  auto audio = std::make_shared<const std::vector<std::uint8_t>>(std::move(mulaw_audio));
  std::lock_guard lock(mutex_);
  entries_.insert_or_assign(key_of(voice_key, text), std::move(audio));
}

std::size_t PhraseCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace callagent::pipeline
