#include "decoder_pool.h"

#include <utility>

namespace callagent::plugins::pocketsphinx {

DecoderPool::DecoderPool(DecoderSettings settings, std::size_t idle_limit)
    : settings_(std::move(settings)), idle_limit_(idle_limit) {}

Status DecoderPool::fill(std::size_t count) {
  while (idle_count() < count) {
    auto loaded = load();
    if (!loaded) return loaded.status();
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(loaded).value());
  }
  return Status::ok();
}

std::unique_ptr<SphinxDecoder> DecoderPool::try_take() {
  std::lock_guard lock(mutex_);
  if (idle_.empty()) return nullptr;
  auto decoder = std::move(idle_.back());
  idle_.pop_back();
  return decoder;
}

Result<std::unique_ptr<SphinxDecoder>> DecoderPool::load() {
  auto loaded = SphinxDecoder::create(settings_);
  if (loaded) {
    std::lock_guard lock(mutex_);
    ++loaded_count_;
  }
  return loaded;
}

void DecoderPool::give_back(std::unique_ptr<SphinxDecoder> decoder) {
  if (!decoder) return;
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < idle_limit_) {
      idle_.push_back(std::move(decoder));
      return;
    }
  }
  decoder.reset();  // freed here, outside the lock: ps_free of the models takes a while
}

std::size_t DecoderPool::idle_count() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::size_t DecoderPool::loaded_count() const {
  std::lock_guard lock(mutex_);
  return loaded_count_;
}

}  // namespace callagent::plugins::pocketsphinx
