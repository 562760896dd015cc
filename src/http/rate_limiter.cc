#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace bulwark::http {
namespace {

// Past this many callers, buckets that have refilled are forgotten (a full bucket is the same
// as no bucket).
constexpr std::size_t kPruneAbove = 10'000;

}  // namespace

RateLimiter::RateLimiter(env::Clock& clock, double per_second, double burst)
    : clock_(clock), per_second_(per_second), burst_(std::max(burst, 1.0)) {}

int RateLimiter::Take(const std::string& caller) {
  if (!enabled()) return 0;
  const env::TimePoint now = clock_.Now();
  std::lock_guard lock(mu_);
  if (buckets_.size() > kPruneAbove) DropFullBuckets(now);
  auto [it, fresh] = buckets_.try_emplace(caller, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.updated).count();
    if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
    b.updated = std::max(b.updated, now);
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  const double wait = (1 - b.tokens) / per_second_;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

void RateLimiter::DropFullBuckets(env::TimePoint now) {
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
}

}  // namespace bulwark::http
