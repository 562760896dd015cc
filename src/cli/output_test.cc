// kdt's table layout, the progress bar, and SARIF 2.1.0 documents checked against the schema's
// required properties and value sets.
#include "cli/output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace bulwark::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

TEST(Table, LaysOutColumnsAsGoTabwriterWithKdtSettings) {
  std::string t = FormatTable(
      {{"NAME", "ID", "UI Link"}, {"a-rather-long-name", "1", "http://x/1"}, {"é", "22", "-"}});
  EXPECT_EQ(t,
            "NAME                  ID      UI Link\n"
            "----                  --      -------\n"
            "a-rather-long-name    1       http://x/1\n"
            "é                     22      -\n");
}

TEST(Table, ScanTableHasKdtColumns) {
  ScanInfo s;
  s.id = "12";
  s.project_name = "app";
  s.branch = "main";
  s.tool = "jfrogxraysca";
  s.summary = {1, 2, 3, 4, 5};
  s.risk_score = 12.5;
  s.finished_at = "2026-11-25T12:00:00Z";
  s.html_link = "http://b/scans/12";
  std::string t = FormatScanTable({s}, true);
  EXPECT_THAT(t, HasSubstr("NAME    ID      BRANCH    META    TOOL            CRIT    HIGH    MED"
                           "     LOW     SCORE    DATE                    UI Link\n"));
  EXPECT_THAT(t, HasSubstr("app     12      main      -       jfrogxraysca    1       2       3 "
                           "      4       12.5     2026-11-25T12:00:00Z    http://b/scans/12\n"));
}

TEST(Progress, BarFillsWithPercent) {
  EXPECT_EQ(ProgressBar(0, "waiting", 10), "[..........]   0% waiting");
  EXPECT_EQ(ProgressBar(45, "running", 10), "[#####.....]  45% running");
  EXPECT_EQ(ProgressBar(250, "done", 4), "[####] 100% done");
}

FindingInfo Finding(std::string id, domain::Severity s, std::string issue,
                    std::vector<std::string> cves, std::string name) {
  FindingInfo f;
  f.id = std::move(id);
  f.severity = s;
  f.issue_id = std::move(issue);
  f.cves = std::move(cves);
  f.component_type = "npm";
  f.component_name = std::move(name);
  f.component_version = "1.0.0";
  f.kind = "vulnerability";
  f.summary = "summary of " + f.issue_id;
  return f;
}

// The properties SARIF 2.1.0's JSON schema requires, and the value sets it fixes.
void ExpectValidSarif(const json& doc) {
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_TRUE(doc["runs"].is_array());
  for (const json& run : doc["runs"]) {
    ASSERT_TRUE(run["tool"]["driver"]["name"].is_string());
    const json& rules = run["tool"]["driver"]["rules"];
    std::set<std::string> ids;
    for (const json& rule : rules) {
      ASSERT_TRUE(rule["id"].is_string());
      EXPECT_TRUE(ids.insert(rule["id"].get<std::string>()).second) << "duplicate rule";
      EXPECT_TRUE(rule["shortDescription"]["text"].is_string());
      std::string level = rule["defaultConfiguration"]["level"];
      EXPECT_TRUE(level == "none" || level == "note" || level == "warning" || level == "error");
    }
    for (const json& result : run["results"]) {
      ASSERT_TRUE(result["message"]["text"].is_string());
      std::string level = result["level"];
      EXPECT_TRUE(level == "none" || level == "note" || level == "warning" || level == "error");
      std::size_t index = result["ruleIndex"];
      ASSERT_LT(index, rules.size());
      EXPECT_EQ(rules[index]["id"], result["ruleId"]);
      ASSERT_FALSE(result["locations"].empty());
      for (const json& loc : result["locations"]) {
        EXPECT_TRUE(loc["physicalLocation"]["artifactLocation"]["uri"].is_string());
      }
    }
  }
}

TEST(Sarif, OneRulePerVulnerabilityOneResultPerFinding) {
  ScanInfo scan;
  scan.id = "1";
  scan.tool = "jfrogxraysca";
  scan.branch = "main";
  std::vector<FindingInfo> fs{
      Finding("1", domain::Severity::kHigh, "XRAY-1", {"CVE-2021-1"}, "lodash"),
      Finding("2", domain::Severity::kCritical, "XRAY-1", {"CVE-2021-1"}, "lodash-es"),
      Finding("3", domain::Severity::kLow, "", {"CVE-2020-9", "CVE-2020-8"}, "ws"),
  };
  fs[0].fixed_versions = {"4.17.21"};
  fs[1].cvss = 9.8;
  json doc = BuildSarif(scan, fs, "0.1.0");
  ExpectValidSarif(doc);
  const json& run = doc["runs"][0];
  ASSERT_EQ(run["tool"]["driver"]["rules"].size(), 2u);
  ASSERT_EQ(run["results"].size(), 3u);
  const json& rule = run["tool"]["driver"]["rules"][0];
  EXPECT_EQ(rule["id"], "XRAY-1");
  EXPECT_EQ(rule["properties"]["security-severity"], "9.8");  // the most severe finding's
  EXPECT_EQ(rule["helpUri"], "https://nvd.nist.gov/vuln/detail/CVE-2021-1");
  EXPECT_EQ(run["results"][0]["level"], "error");
  EXPECT_EQ(run["results"][2]["level"], "note");
  EXPECT_EQ(run["results"][2]["ruleId"], "CVE-2020-9,CVE-2020-8");
  EXPECT_EQ(run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "package.json");
  EXPECT_THAT(run["results"][0]["message"]["text"].get<std::string>(),
              HasSubstr("lodash@1.0.0 is affected by XRAY-1 (CVE-2021-1) [high]"));
  EXPECT_THAT(run["results"][0]["message"]["text"].get<std::string>(),
              HasSubstr("Fixed in 4.17.21."));
  EXPECT_NE(run["results"][0]["partialFingerprints"], run["results"][1]["partialFingerprints"]);
}

TEST(Sarif, EmptyScanIsStillAValidLog) {
  json doc = BuildSarif(ScanInfo{}, {}, "0.1.0");
  ExpectValidSarif(doc);
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

}  // namespace
}  // namespace bulwark::cli

namespace bulwark::cli {
namespace {

TEST(ParseFinding, ReadsNestedAndFlatComponentsTriageAndCvss) {
  FindingInfo nested = ParseFinding(json::parse(R"({"id": 4, "severity": "High",
      "issue_id": "XRAY-4", "cves": [{"id": "CVE-1", "cvss_v3": {"score": 8.1}}],
      "component": {"type": "npm", "name": "qs", "version": "6.0.0"},
      "fixed_versions": ["6.0.4"], "state": "open"})"));
  EXPECT_EQ(nested.id, "4");
  EXPECT_EQ(nested.severity, domain::Severity::kHigh);
  EXPECT_EQ(nested.ComponentLabel(), "qs@6.0.0");
  EXPECT_EQ(nested.cvss, 8.1);
  EXPECT_FALSE(nested.Triaged());
  FindingInfo flat = ParseFinding(json::parse(R"({"id": 5, "severity": "critical",
      "issue_id": null, "cves": [{"id": "CVE-2", "cvss_v3_score": 9.1, "cvss_v2_score": 7}],
      "component": "lodash", "component_type": "npm", "component_version": "4.17.15",
      "state": "new", "triage": {"state": "risk_accepted", "reason": "x"}})"));
  EXPECT_EQ(flat.ComponentLabel(), "lodash@4.17.15");
  EXPECT_EQ(flat.VulnerabilityKey(), "CVE-2");
  EXPECT_EQ(flat.cvss, 9.1);
  EXPECT_TRUE(flat.Triaged());
}

}  // namespace
}  // namespace bulwark::cli
