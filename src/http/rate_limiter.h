// RateLimiter: a token bucket per caller. Each caller (an API token, a browser session, or the
// client address of a request without credentials) may make `burst` requests at once and
// `per_second` on average; a request over that is answered 429 with Retry-After. Buckets of
// callers idle long enough to be full again are dropped, so memory stays bounded by the callers
// of the last few seconds. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "env/clock.h"

namespace bulwark::http {

class RateLimiter {
 public:
  // per_second <= 0 turns limiting off. burst < 1 is taken as 1.
  RateLimiter(env::Clock& clock, double per_second, double burst);

  bool enabled() const { return per_second_ > 0; }
  double per_second() const { return per_second_; }
  double burst() const { return burst_; }

  // Takes one request from `caller`'s bucket: 0 when it may proceed, else the whole seconds
  // (at least 1) after which one request will be allowed again.
  int Take(const std::string& caller);

 private:
  struct Bucket {
    double tokens = 0;
    env::TimePoint updated{};
  };
  void DropFullBuckets(env::TimePoint now);

  env::Clock& clock_;
  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace bulwark::http
