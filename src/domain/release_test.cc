#include "domain/release.h"

#include <gtest/gtest.h>

namespace bulwark::domain {
namespace {

SeverityCounts Counts(int critical, int high, int medium, int low) {
  SeverityCounts c;
  c.critical = critical;
  c.high = high;
  c.medium = medium;
  c.low = low;
  c.info = 50;
  return c;
}

TEST(Release, WithoutPolicyIsUndefinedWhateverTheCounts) {
  auto verdict = EvaluateRelease({}, Counts(9, 9, 9, 9));
  EXPECT_EQ(verdict.status, ReleaseStatus::kUndefined);
  EXPECT_TRUE(verdict.violations.empty());
  EXPECT_EQ(ReleaseStatusName(verdict.status), "undefined");
}

TEST(Release, PassesAtTheLimitAndFailsAboveIt) {
  ReleasePolicy policy;
  policy.max_critical = 0;
  policy.max_high = 2;
  EXPECT_EQ(EvaluateRelease(policy, Counts(0, 2, 100, 100)).status, ReleaseStatus::kPassed);
  auto failed = EvaluateRelease(policy, Counts(1, 3, 0, 0));
  EXPECT_EQ(failed.status, ReleaseStatus::kFailed);
  ASSERT_EQ(failed.violations.size(), 2u);
  EXPECT_EQ(failed.violations[0], (ReleaseViolation{Severity::kCritical, 1, 0}));
  EXPECT_EQ(failed.violations[1], (ReleaseViolation{Severity::kHigh, 3, 2}));
}

TEST(Release, UnlimitedSeveritiesNeverViolate) {
  ReleasePolicy policy;
  policy.max_low = 1;
  auto verdict = EvaluateRelease(policy, Counts(40, 40, 40, 2));
  EXPECT_EQ(verdict.status, ReleaseStatus::kFailed);
  ASSERT_EQ(verdict.violations.size(), 1u);
  EXPECT_EQ(verdict.violations[0].severity, Severity::kLow);
}

}  // namespace
}  // namespace bulwark::domain
