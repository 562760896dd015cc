#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace bulwark::http {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, AllowsTheBurstThenRefusesWithTheSecondsToWait) {
  env::FakeClock clock;
  RateLimiter limiter(clock, 2, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a"), 0) << i;
  EXPECT_EQ(limiter.Take("a"), 1);
  clock.Advance(milliseconds(500));  // one request refilled at 2 per second
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 1);
}

TEST(RateLimiter, EachCallerHasItsOwnBucket) {
  env::FakeClock clock;
  RateLimiter limiter(clock, 1, 1);
  EXPECT_EQ(limiter.Take("token-a"), 0);
  EXPECT_EQ(limiter.Take("token-b"), 0);
  EXPECT_GT(limiter.Take("token-a"), 0);
  EXPECT_GT(limiter.Take("token-b"), 0);
}

TEST(RateLimiter, RetryAfterCoversASlowRate) {
  env::FakeClock clock;
  RateLimiter limiter(clock, 0.1, 1);  // one request every ten seconds
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 10);
  clock.Advance(milliseconds(10'000));
  EXPECT_EQ(limiter.Take("a"), 0);
}

TEST(RateLimiter, TheBucketNeverHoldsMoreThanTheBurst) {
  env::FakeClock clock;
  RateLimiter limiter(clock, 100, 2);
  EXPECT_EQ(limiter.Take("a"), 0);
  clock.Advance(milliseconds(60'000));
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_EQ(limiter.Take("a"), 0);
  EXPECT_GT(limiter.Take("a"), 0);
}

TEST(RateLimiter, ZeroRateIsOff) {
  env::FakeClock clock;
  RateLimiter limiter(clock, 0, 0);
  EXPECT_FALSE(limiter.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.Take("a"), 0);
}

}  // namespace
}  // namespace bulwark::http
