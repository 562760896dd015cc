// Retry timing for calls to the JFrog Platform: the shared exponential backoff of env/backoff.h
// (equal jitter, Retry-After honoured, bounded in attempts and total time) and the statuses Xray
// retries.
#pragma once

#include "env/backoff.h"

namespace bulwark::scanners::xray {

// The shared retry timing lives in env/backoff.h; the Xray client keeps its names.
using RetryPolicy = env::RetryPolicy;
using JitterSource = env::JitterSource;
using env::BackoffDelay;
using env::DefaultJitter;
using env::ParseRetryAfter;

// 408, 425, 429, 500, 502, 503, 504.
bool IsRetryableStatus(int status);

}  // namespace bulwark::scanners::xray
