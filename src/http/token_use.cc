#include "http/token_use.h"

#include <spdlog/spdlog.h>

namespace bulwark::http {

TokenUseRecorder::TokenUseRecorder(storage::Store& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval), thread_([this] { Loop(); }) {}

TokenUseRecorder::~TokenUseRecorder() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Flush();
}

void TokenUseRecorder::Record(std::int64_t token_id, storage::Time at) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = noted_.emplace(token_id, at);
  if (!inserted && it->second < at) it->second = at;
}

void TokenUseRecorder::Flush() {
  std::lock_guard flushing(flush_mu_);
  std::unordered_map<std::int64_t, storage::Time> uses;
  {
    std::lock_guard lock(mu_);
    uses.swap(noted_);
  }
  for (const auto& [id, at] : uses) {
    if (auto touched = store_.Tokens().TouchLastUsed(id, at); !touched) {
      spdlog::warn("token last use: token_id={} {}", id, touched.error().message);
    }
  }
}

void TokenUseRecorder::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    if (noted_.empty()) continue;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace bulwark::http
