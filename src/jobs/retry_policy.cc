#include "jobs/retry_policy.h"

#include <fmt/format.h>

namespace bulwark::jobs {

using std::chrono::duration_cast;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

env::RetryPolicy WebhookRetryPolicy() {
  return env::RetryPolicy{.max_attempts = 50,
                          .initial_backoff = seconds(30),
                          .max_backoff = hours(1),
                          .max_retry_after = hours(1),
                          .max_elapsed = hours(24),
                          .jitter = env::JitterMode::kFull,
                          .min_backoff = seconds(5)};
}

RetryDecision DecideRetry(const env::RetryPolicy& policy, int attempts_made,
                          env::TimePoint first_attempt_at, env::TimePoint now,
                          std::optional<milliseconds> retry_after, double jitter) {
  if (attempts_made >= policy.max_attempts) {
    return {std::nullopt, fmt::format("gave up after {} attempts (the limit)", attempts_made)};
  }
  const auto delay = env::BackoffDelay(policy, attempts_made, retry_after, jitter);
  const env::TimePoint next = now + delay;
  if (next - first_attempt_at > policy.max_elapsed) {
    return {std::nullopt,
            fmt::format("gave up after {} attempts: the next one would start more than {} min "
                        "after the first",
                        attempts_made, duration_cast<minutes>(policy.max_elapsed).count())};
  }
  return {next, {}};
}

}  // namespace bulwark::jobs
