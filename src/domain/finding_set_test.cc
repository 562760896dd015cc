#include "domain/finding_set.h"

#include <gtest/gtest.h>

namespace bulwark::domain {
namespace {

Finding Lodash(std::string artifact, std::vector<std::vector<std::string>> paths) {
  Finding f;
  f.issue_id = "XRAY-1";
  f.severity = Severity::kMedium;
  f.component = ParseComponentId("npm://lodash:4.17.15");
  f.locations = {Location{std::move(artifact), "", std::move(paths)}};
  return f;
}

TEST(FindingSet, MergesRowsRepeatedAcrossArtifactsIntoOneFindingWithSeveralLocations) {
  FindingSet set;
  set.Add(Lodash("docker://a:1", {{"docker://a:1", "npm://lodash:4.17.15"}}));
  set.Add(Lodash("docker://b:1", {{"docker://b:1", "npm://lodash:4.17.15"}}));
  ASSERT_EQ(set.size(), 1u);
  const Finding& merged = set.findings()[0];
  ASSERT_EQ(merged.locations.size(), 2u);
  EXPECT_EQ(merged.locations[0].artifact, "docker://a:1");
  EXPECT_EQ(merged.locations[1].artifact, "docker://b:1");
}

TEST(FindingSet, DoesNotDuplicateALocationSeenWithImpactPathsInAnotherOrder) {
  FindingSet set;
  set.Add(Lodash("docker://a:1", {{"x", "y"}, {"z"}}));
  set.Add(Lodash("docker://a:1", {{"z"}, {"x", "y"}, {"z"}}));
  ASSERT_EQ(set.size(), 1u);
  ASSERT_EQ(set.findings()[0].locations.size(), 1u);
  EXPECT_EQ(set.findings()[0].locations[0].impact_paths.size(), 2u);
}

TEST(FindingSet, UnionsImpactPathsOfTheSameLocation) {
  FindingSet set;
  set.Add(Lodash("docker://a:1", {{"x"}}));
  set.Add(Lodash("docker://a:1", {{"y"}}));
  ASSERT_EQ(set.findings()[0].locations.size(), 1u);
  EXPECT_EQ(set.findings()[0].locations[0].impact_paths.size(), 2u);
}

TEST(FindingSet, KeepsDistinctIdentitiesApartAndTakesTheHigherSeverity) {
  FindingSet set;
  Finding a = Lodash("docker://a:1", {});
  Finding b = a;
  b.severity = Severity::kCritical;
  b.fixed_versions = {"4.17.19"};
  Finding other = a;
  other.issue_id = "XRAY-2";
  set.Add(a);
  set.Add(b);
  set.Add(other);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.findings()[0].severity, Severity::kCritical);
  EXPECT_EQ(set.findings()[0].fixed_versions, std::vector<std::string>{"4.17.19"});
  EXPECT_EQ(set.Take().size(), 2u);
  EXPECT_EQ(set.size(), 0u);
}

}  // namespace
}  // namespace bulwark::domain
