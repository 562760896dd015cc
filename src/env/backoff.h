// Retry timing shared by every caller that retries remote calls (the Xray client retrying in
// process, the job queue rescheduling a webhook delivery): exponential backoff with jitter,
// capped, honouring a server's Retry-After.
//
// Pure functions of their arguments: the randomness comes in as a number in [0, 1) so tests pin
// it, and "now" comes in as a TimePoint read from a Clock by the caller.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "env/clock.h"

namespace bulwark::env {

enum class JitterMode {
  kEqual,  // wait in [base/2, base]: never zero, spreads retries moderately
  kFull,   // wait in [0, base] ("full jitter"): best spread when many clients retry at once
};

struct RetryPolicy {
  int max_attempts = 5;                               // including the first
  std::chrono::milliseconds initial_backoff{250};     // base before the second attempt
  std::chrono::milliseconds max_backoff{8'000};       // cap on the base
  std::chrono::milliseconds max_retry_after{30'000};  // cap on a server-requested wait
  std::chrono::milliseconds max_elapsed{120'000};     // no retry starts after this much time
  JitterMode jitter = JitterMode::kEqual;
  std::chrono::milliseconds min_backoff{0};  // floor on a jittered wait (not on Retry-After)
};

// Returns a value in [0, 1). Injected so tests are deterministic.
using JitterSource = std::function<double()>;
// A thread-safe source seeded from std::random_device.
JitterSource DefaultJitter();

// The wait before attempt `failed_attempts + 1`. With a Retry-After it is that value (capped at
// max_retry_after); otherwise base = initial * 2^(failed_attempts-1) capped at max_backoff, and
// the wait is base/2 + jitter*base/2 (kEqual) or jitter*base (kFull), at least min_backoff.
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       double jitter);

// Retry-After as delta-seconds ("3") or an IMF-fixdate HTTP-date ("Sun, 06 Nov 1994 08:49:37
// GMT"); a date in the past gives 0; nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, TimePoint now);

}  // namespace bulwark::env
