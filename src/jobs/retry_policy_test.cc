#include "jobs/retry_policy.h"

#include <gtest/gtest.h>

namespace bulwark::jobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(FullJitterBackoff, StaysWithinZeroAndTheDoublingBaseUpToTheCap) {
  env::RetryPolicy policy{
      .initial_backoff = seconds(1), .max_backoff = seconds(10), .jitter = env::JitterMode::kFull};
  const seconds bases[] = {seconds(1), seconds(2),  seconds(4),
                           seconds(8), seconds(10), seconds(10)};
  for (int failed = 1; failed <= 6; ++failed) {
    EXPECT_EQ(env::BackoffDelay(policy, failed, std::nullopt, 0.0), milliseconds(0)) << failed;
    EXPECT_EQ(env::BackoffDelay(policy, failed, std::nullopt, 0.5),
              milliseconds(bases[failed - 1]) / 2)
        << failed;
    EXPECT_EQ(env::BackoffDelay(policy, failed, std::nullopt, 1.0), bases[failed - 1]) << failed;
  }
  EXPECT_EQ(env::BackoffDelay(policy, 1000, std::nullopt, 1.0), seconds(10));
}

TEST(FullJitterBackoff, FloorAppliesToJitterButNotToRetryAfter) {
  env::RetryPolicy policy = WebhookRetryPolicy();
  EXPECT_EQ(env::BackoffDelay(policy, 1, std::nullopt, 0.0), seconds(5));
  EXPECT_EQ(env::BackoffDelay(policy, 1, milliseconds(1000), 0.0), seconds(1));
  EXPECT_EQ(env::BackoffDelay(policy, 1, hours(5), 0.0), hours(1));
}

TEST(EqualJitterBackoff, KeepsTheXrayCurve) {
  env::RetryPolicy policy{.initial_backoff = milliseconds(100), .max_backoff = milliseconds(1000)};
  EXPECT_EQ(env::BackoffDelay(policy, 1, std::nullopt, 0.0), milliseconds(50));
  EXPECT_EQ(env::BackoffDelay(policy, 3, std::nullopt, 1.0), milliseconds(400));
}

TEST(ParseRetryAfter, SecondsHttpDateAndGarbage) {
  env::FakeClock clock;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(env::ParseRetryAfter(" 120 ", clock.Now()), seconds(120));
  EXPECT_EQ(env::ParseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT", clock.Now()), minutes(2));
  EXPECT_EQ(env::ParseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", clock.Now()), milliseconds(0));
  EXPECT_FALSE(env::ParseRetryAfter("Thu, 01 Jan 2026 00:02:00 GMT trailing", clock.Now()));
  EXPECT_FALSE(env::ParseRetryAfter("1.5", clock.Now()));
  EXPECT_FALSE(env::ParseRetryAfter("", clock.Now()));
}

TEST(DecideRetry, FollowsTheWebhookCurveWithMaximalJitter) {
  const auto policy = WebhookRetryPolicy();
  env::FakeClock clock;
  const auto first = clock.Now();
  const std::chrono::seconds expected[] = {seconds(30), minutes(1),  minutes(2),
                                           minutes(4),  minutes(8),  minutes(16),
                                           minutes(32), minutes(60), minutes(60)};
  int attempt = 1;
  for (auto wait : expected) {
    auto decision = DecideRetry(policy, attempt++, first, clock.Now(), std::nullopt, 1.0);
    ASSERT_TRUE(decision.next_attempt_at);
    EXPECT_EQ(*decision.next_attempt_at - clock.Now(), wait);
    clock.Advance(duration_cast<milliseconds>(*decision.next_attempt_at - clock.Now()));
  }
}

TEST(DecideRetry, RetriesForAboutADayThenGivesUp) {
  const auto policy = WebhookRetryPolicy();
  env::FakeClock clock;
  const auto first = clock.Now();
  int attempts = 1;
  for (;; ++attempts) {
    auto decision = DecideRetry(policy, attempts, first, clock.Now(), std::nullopt, 0.999);
    if (!decision.next_attempt_at) {
      EXPECT_NE(decision.give_up_reason.find("gave up after"), std::string::npos);
      break;
    }
    clock.Advance(duration_cast<milliseconds>(*decision.next_attempt_at - clock.Now()));
  }
  EXPECT_GT(clock.Now() - first, hours(23));
  EXPECT_LE(clock.Now() - first, hours(24));
  EXPECT_LT(attempts, policy.max_attempts);
}

TEST(DecideRetry, StopsAtTheAttemptLimit) {
  env::RetryPolicy policy{.max_attempts = 3, .max_elapsed = hours(100)};
  env::FakeClock clock;
  EXPECT_TRUE(DecideRetry(policy, 2, clock.Now(), clock.Now(), std::nullopt, 0.5).next_attempt_at);
  auto last = DecideRetry(policy, 3, clock.Now(), clock.Now(), std::nullopt, 0.5);
  EXPECT_FALSE(last.next_attempt_at);
  EXPECT_NE(last.give_up_reason.find("3 attempts"), std::string::npos);
}

TEST(DecideRetry, HonoursRetryAfterExactly) {
  env::FakeClock clock;
  auto decision = DecideRetry(WebhookRetryPolicy(), 1, clock.Now(), clock.Now(), seconds(90), 0.0);
  ASSERT_TRUE(decision.next_attempt_at);
  EXPECT_EQ(*decision.next_attempt_at - clock.Now(), seconds(90));
}

TEST(DecideRetry, DeterministicForAGivenJitterSequence) {
  std::vector<double> draws = {0.1, 0.7, 0.3};
  std::vector<std::chrono::nanoseconds> first_run, second_run;
  for (auto* run : {&first_run, &second_run}) {
    env::FakeClock clock;
    size_t i = 0;
    env::JitterSource jitter = [&] { return draws[i++ % draws.size()]; };
    for (int attempt = 1; attempt <= 3; ++attempt) {
      auto d = DecideRetry(WebhookRetryPolicy(), attempt, clock.Now(), clock.Now(), std::nullopt,
                           jitter());
      run->push_back(*d.next_attempt_at - clock.Now());
    }
  }
  EXPECT_EQ(first_run, second_run);
  EXPECT_EQ(first_run[0], seconds(5));   // 0.1 * 30 s = 3 s, raised to the 5 s floor
  EXPECT_EQ(first_run[1], seconds(42));  // 0.7 * 60 s
}

}  // namespace
}  // namespace bulwark::jobs
