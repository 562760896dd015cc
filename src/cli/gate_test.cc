// kdt's gate rules on both sides of each boundary, Bulwark's new-findings rules, and the
// explanation of a failure.
#include "cli/gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bulwark::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

GateInput Summary(int crit, int high, int med, int low) {
  GateInput in;
  in.summary = {crit, high, med, low, 0};
  return in;
}

TEST(Gate, EachSeverityThresholdFailsOnlyAboveItsValue) {
  struct Case {
    std::optional<int> GateOptions::*flag;
    const char* name;
    GateInput at, above;
  };
  const Case cases[] = {
      {&GateOptions::crit, "critical", Summary(3, 9, 9, 9), Summary(4, 0, 0, 0)},
      {&GateOptions::high, "high", Summary(9, 3, 9, 9), Summary(0, 4, 0, 0)},
      {&GateOptions::med, "medium", Summary(9, 9, 3, 9), Summary(0, 0, 4, 0)},
      {&GateOptions::low, "low", Summary(9, 9, 9, 3), Summary(0, 0, 0, 4)},
  };
  for (const Case& c : cases) {
    GateOptions options;
    options.*c.flag = 3;
    EXPECT_TRUE(EvaluateGate(options, c.at).Passed()) << c.name;
    GateResult failed = EvaluateGate(options, c.above);
    ASSERT_EQ(failed.violations.size(), 1u) << c.name;
    EXPECT_THAT(failed.violations[0].message,
                HasSubstr(std::string("vulnerabilities with ") + c.name +
                          " severity (4) is higher than threshold (3)"));
  }
}

TEST(Gate, UnsetFlagsAreNotChecked) {
  EXPECT_TRUE(EvaluateGate({}, Summary(100, 100, 100, 100)).Passed());
  GateOptions zero;
  zero.crit = 0;
  EXPECT_TRUE(EvaluateGate(zero, Summary(0, 100, 100, 100)).Passed());
  EXPECT_FALSE(EvaluateGate(zero, Summary(1, 0, 0, 0)).Passed());
}

TEST(Gate, RiskFailsOnlyWhenTheScoreRose) {
  GateOptions options;
  options.risk = true;
  GateInput in;
  in.risk_score = 20;
  in.previous_risk = 20;
  EXPECT_TRUE(EvaluateGate(options, in).Passed());
  in.previous_risk = 19.5;
  GateResult r = EvaluateGate(options, in);
  ASSERT_FALSE(r.Passed());
  EXPECT_THAT(r.violations[0].message,
              HasSubstr("risk score of the scan (20) is higher than last scan's (19.5)"));
  in.previous_risk.reset();
  r = EvaluateGate(options, in);
  EXPECT_TRUE(r.Passed());
  EXPECT_THAT(r.notes.at(0), HasSubstr("no previous finished scan"));
}

TEST(Gate, NewThresholdsUseNewCountsOnly) {
  GateOptions options;
  options.new_crit = 0;
  GateInput in = Summary(10, 0, 0, 0);
  in.new_counts = SeverityCounts{0, 1, 0, 0, 0};
  EXPECT_TRUE(EvaluateGate(options, in).Passed());
  in.new_counts = SeverityCounts{1, 0, 0, 0, 0};
  GateResult r = EvaluateGate(options, in);
  ASSERT_FALSE(r.Passed());
  EXPECT_TRUE(r.violations[0].new_only);
  in.new_counts.reset();
  r = EvaluateGate(options, in);
  ASSERT_FALSE(r.Passed());  // cannot be checked: fail safe, and say why
  EXPECT_THAT(r.violations[0].message, HasSubstr("did not report the findings new"));
}

FindingInfo Finding(int id, domain::Severity s, std::string issue, std::optional<double> cvss,
                    std::string state = "open") {
  FindingInfo f;
  f.id = std::to_string(id);
  f.severity = s;
  f.issue_id = std::move(issue);
  f.cvss = cvss;
  f.state = std::move(state);
  f.component_name = "pkg" + std::to_string(id);
  f.component_version = "1.0." + std::to_string(id);
  return f;
}

TEST(Gate, TriagedAndFixedFindingsDoNotCountOrOffend) {
  std::vector<FindingInfo> fs{Finding(1, domain::Severity::kHigh, "X-1", {}),
                              Finding(2, domain::Severity::kHigh, "X-2", {}, "false_positive"),
                              Finding(3, domain::Severity::kHigh, "X-3", {}, "risk_accepted"),
                              Finding(4, domain::Severity::kHigh, "X-4", {}, "not_affected"),
                              Finding(5, domain::Severity::kHigh, "X-5", {}, "fixed")};
  EXPECT_EQ(CountOpen(fs).high, 1);
  GateViolation v{"--threshold-high", "", domain::Severity::kHigh, false};
  EXPECT_TRUE(Offends(v, fs[0], false));
  for (std::size_t i = 1; i < fs.size(); ++i) EXPECT_FALSE(Offends(v, fs[i], false));
}

TEST(Gate, ExplanationListsAtMostTwentyMostSevereFirst) {
  std::vector<FindingInfo> fs;
  for (int i = 0; i < 25; ++i) {
    fs.push_back(Finding(i, i % 2 ? domain::Severity::kHigh : domain::Severity::kCritical,
                         "XRAY-" + std::to_string(i), i));
  }
  fs[23].fixed_versions = {"2.0.0", "1.9.9"};
  fs[23].cves = {"CVE-2024-3"};
  SortBySeverity(fs);
  EXPECT_EQ(fs[0].issue_id, "XRAY-24");  // critical with the highest CVSS
  EXPECT_EQ(fs[12].severity, domain::Severity::kCritical);
  EXPECT_EQ(fs[13].severity, domain::Severity::kHigh);
  GateResult r;
  r.violations.push_back({"--threshold-crit", "number of ... [--threshold-crit]", {}, false});
  std::string text = ExplainGate(r, fs, 25, "https://b.example/scans/1");
  EXPECT_THAT(text, HasSubstr("  - number of ... [--threshold-crit]\n"));
  EXPECT_THAT(text, HasSubstr("offending findings (20 of 25, most severe first):\n"));
  EXPECT_THAT(text, HasSubstr("SEVERITY    ISSUE      CVE           COMPONENT"));
  EXPECT_THAT(text, HasSubstr("high        XRAY-23    CVE-2024-3    pkg23@1.0.23"));
  EXPECT_THAT(text, HasSubstr("2.0.0, 1.9.9"));
  EXPECT_THAT(text, HasSubstr("... and 5 more: see https://b.example/scans/1"));
  int rows = 0;
  for (char c : text) rows += c == '\n';
  EXPECT_EQ(rows, 1 + 1 + 1 + 2 + 20 + 1);
  EXPECT_THAT(text, Not(HasSubstr("XRAY-1 ")));  // the lowest-ranked high findings are cut
}

}  // namespace
}  // namespace bulwark::cli
