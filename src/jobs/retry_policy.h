// Retry decisions for durable jobs. A job row records how many attempts were made and when the
// first one started; after a failed attempt the queue asks DecideRetry when the next attempt is
// due (to store in the row) or whether to give up. The timing itself is the shared exponential
// backoff of env/backoff.h, used here with full jitter so many deliveries failing together (a
// receiver outage) spread out instead of retrying in lock-step.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "env/backoff.h"
#include "env/clock.h"

namespace bulwark::jobs {

// Webhook deliveries: full jitter on 30 s doubling to a 1 h cap (floor 5 s), Retry-After honoured
// up to 1 h, at most 50 attempts and no attempt later than 24 h after the first: "about a day".
env::RetryPolicy WebhookRetryPolicy();

struct RetryDecision {
  std::optional<env::TimePoint> next_attempt_at;  // nullopt: give up
  std::string give_up_reason;                     // set when giving up, for the job's error
};

// `attempts_made` counts the attempt that just failed. `retry_after` is the server's wait
// (ParseRetryAfter); `jitter` is in [0, 1) from an injected JitterSource.
RetryDecision DecideRetry(const env::RetryPolicy& policy, int attempts_made,
                          env::TimePoint first_attempt_at, env::TimePoint now,
                          std::optional<std::chrono::milliseconds> retry_after, double jitter);

}  // namespace bulwark::jobs
