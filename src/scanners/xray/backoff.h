// Retry timing for calls to the JFrog Platform: exponential backoff with jitter, honouring the
// server's Retry-After, bounded in attempts and in total time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

#include "env/clock.h"

namespace bulwark::scanners::xray {

struct RetryPolicy {
  int max_attempts = 5;                            // including the first
  std::chrono::milliseconds initial_backoff{250};  // before the second attempt (before jitter)
  std::chrono::milliseconds max_backoff{8'000};
  std::chrono::milliseconds max_retry_after{30'000};  // cap on a server-requested wait
  std::chrono::milliseconds max_elapsed{120'000};     // no retry starts after this much time
};

// Returns a value in [0, 1). Injected so tests are deterministic.
using JitterSource = std::function<double()>;
JitterSource DefaultJitter();

// The wait before attempt `failed_attempts + 1`. With a Retry-After it is that value (capped);
// otherwise base = initial * 2^(failed_attempts-1) capped at max_backoff, and the wait is
// base/2 + jitter*base/2 ("equal jitter": never zero, never above base).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int failed_attempts,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       double jitter);

// Retry-After as delta-seconds ("3") or an HTTP-date; nullopt when absent or unparsable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         env::TimePoint now);

// 408, 425, 429, 500, 502, 503, 504.
bool IsRetryableStatus(int status);

}  // namespace bulwark::scanners::xray
