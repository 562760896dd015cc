#include "env/backoff.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <memory>
#include <mutex>
#include <random>
#include <string>

namespace bulwark::env {

JitterSource DefaultJitter() {
  struct State {
    std::mutex mu;
    std::mt19937_64 rng{std::random_device{}()};
  };
  auto state = std::make_shared<State>();
  return [state] {
    std::lock_guard lock(state->mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(state->rng);
  };
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       double jitter) {
  using std::chrono::milliseconds;
  if (retry_after) return std::min(*retry_after, policy.max_retry_after);
  int shift = std::clamp(failed_attempts - 1, 0, 40);
  long long base = policy.initial_backoff.count();
  for (int i = 0; i < shift && base < policy.max_backoff.count(); ++i) base *= 2;
  base = std::min(base, static_cast<long long>(policy.max_backoff.count()));
  jitter = std::clamp(jitter, 0.0, 1.0);
  long long wait = 0;
  if (policy.jitter == JitterMode::kFull) {
    wait = static_cast<long long>(jitter * static_cast<double>(base));
  } else {
    wait = base / 2 + static_cast<long long>(jitter * static_cast<double>(base / 2));
  }
  return std::max(milliseconds(wait), policy.min_backoff);
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, TimePoint now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  long long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  std::tm tm{};
  std::string text(value);
  const char* rest = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (rest == nullptr || *rest != '\0') return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&tm));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

}  // namespace bulwark::env
