#include "domain/lifecycle.h"

#include <gtest/gtest.h>

namespace bulwark::domain {
namespace {

TEST(FindingLifecycle, StatusFollowsPresenceAcrossSnapshots) {
  EXPECT_EQ(NextStatus(std::nullopt, true), FindingStatus::kNew);
  EXPECT_EQ(NextStatus(std::nullopt, false), std::nullopt);
  EXPECT_EQ(NextStatus(FindingStatus::kNew, true), FindingStatus::kOpen);
  EXPECT_EQ(NextStatus(FindingStatus::kOpen, true), FindingStatus::kOpen);
  EXPECT_EQ(NextStatus(FindingStatus::kReopened, true), FindingStatus::kOpen);
  EXPECT_EQ(NextStatus(FindingStatus::kOpen, false), FindingStatus::kFixed);
  EXPECT_EQ(NextStatus(FindingStatus::kFixed, true), FindingStatus::kReopened);
  EXPECT_EQ(NextStatus(FindingStatus::kFixed, false), FindingStatus::kFixed);
}

TEST(FindingLifecycle, StatusAndTriageNamesRoundTrip) {
  for (auto s : {FindingStatus::kNew, FindingStatus::kOpen, FindingStatus::kReopened,
                 FindingStatus::kFixed}) {
    EXPECT_EQ(ParseFindingStatus(FindingStatusName(s)), s);
  }
  EXPECT_FALSE(ParseFindingStatus("closed"));
  EXPECT_EQ(ParseTriageState("risk_accepted"), TriageState::kRiskAccepted);
  auto bad = ParseTriageState("wontfix");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("wontfix"), std::string::npos);
}

TEST(RiskScore, WeighsOpenFindingsBySeverity) {
  SeverityCounts c;
  c.Add(Severity::kCritical, 2);
  c.Add(Severity::kHigh);
  c.Add(Severity::kMedium, 3);
  c.Add(Severity::kLow);
  c.Add(Severity::kInfo, 7);
  EXPECT_EQ(c.Total(), 14);
  EXPECT_DOUBLE_EQ(RiskScore(c), 2 * 10 + 9 + 3 * 4 + 2);
  RiskWeights custom{.critical = 1, .high = 1, .medium = 1, .low = 1, .info = 1};
  EXPECT_DOUBLE_EQ(RiskScore(c, custom), 14);
}

}  // namespace
}  // namespace bulwark::domain
