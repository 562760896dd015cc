// The column encodings of a finding: text that reads back to the same finding, written as the
// earlier nlohmann::json encoding wrote it, and a content digest that follows every stored field.
#include "storage/sql/finding_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>

namespace bulwark::storage::sql {
namespace {

using nlohmann::json;

domain::Finding Sample() {
  domain::Finding f;
  f.issue_id = "XRAY-1";
  f.severity = domain::Severity::kHigh;
  f.component = domain::ParseComponentId("npm://lodash:4.17.15");
  domain::Cve a;
  a.id = "CVE-2021-23337";
  a.v2 = {6.5, "AV:N/AC:L"};
  a.v3 = {10.0, "CVSS:3.1/AV:N"};
  a.cwes = {"CWE-77", "CWE-94"};
  domain::Cve b;
  b.id = "CVE-2020-8203";
  b.v3 = {std::nullopt, "CVSS:3.1/AV:L"};
  f.cves = {a, b};
  f.cwes = {"CWE-77"};
  f.locations = {{"docker://app:1", "repo/app/1/", {{"docker://app:1", "npm://lodash:4.17.15"}}},
                 {"", "", {}}};
  f.summary = "Prototype pollution";
  f.description = "Quote \" backslash \\ tab \t newline \n bell \x07 unicode \xc3\xa9 \xe2\x82\xac";
  return f;
}

// What the encoding of the CVE and location columns was before it was written by hand.
std::string NlohmannCves(const std::vector<domain::Cve>& cves) {
  auto cvss = [](const domain::Cvss& c) -> json {
    if (!c.score && c.vector.empty()) return nullptr;
    return json::array({c.score ? json(*c.score) : json(nullptr), c.vector});
  };
  json out = json::array();
  for (const auto& c : cves) {
    out.push_back({{"id", c.id},
                   {"v2", cvss(c.v2)},
                   {"v3", cvss(c.v3)},
                   {"v4", cvss(c.v4)},
                   {"cwes", c.cwes}});
  }
  return out.dump();
}

std::string NlohmannLocations(const std::vector<domain::Location>& locations) {
  json out = json::array();
  for (const auto& l : locations) {
    out.push_back({{"artifact", l.artifact}, {"path", l.path}, {"impact_paths", l.impact_paths}});
  }
  return out.dump();
}

constexpr size_t kCves = 9, kLocations = 12;  // positions in FindingContent

TEST(FindingCodec, ContentReadsBackToTheSameFinding) {
  domain::Finding f = Sample();
  f.cves[0].cwes.push_back("quote \" and \\u0000-like text \x01\x1f");
  f.locations[0].impact_paths.push_back({"a\"b", "c\\d", "e\rf\bg\fh"});
  domain::Finding back;
  ReadFindingContent(FindingContent(f), 0, back);
  EXPECT_EQ(back.cves, f.cves);
  EXPECT_EQ(back.locations, f.locations);
  EXPECT_EQ(back.description, f.description);
  EXPECT_EQ(back.component, f.component);
  EXPECT_EQ(back.severity, f.severity);
}

TEST(FindingCodec, CveAndLocationTextIsWhatTheJsonLibraryWrote) {
  domain::Finding f = Sample();
  f.cves[1].v4 = {0.1 + 0.2, ""};
  f.cves[1].v2 = {1e-7, "tiny"};
  f.cves[1].cwes = {"\x01 control", "\xf0\x9f\x94\x92 lock"};
  const auto content = FindingContent(f);
  EXPECT_EQ(*content[kCves], NlohmannCves(f.cves));
  EXPECT_EQ(*content[kLocations], NlohmannLocations(f.locations));
  // So rows written before keep matching their earlier digest of the column text.
  EXPECT_EQ(*content[kCves], json::parse(*content[kCves]).dump());
}

TEST(FindingCodec, ANonFiniteScoreIsStoredAsNoScore) {
  domain::Finding f = Sample();
  f.cves[0].v3.score = std::nan("");
  const auto content = FindingContent(f);
  EXPECT_EQ(*content[kCves], NlohmannCves(f.cves));
  domain::Finding back;
  ReadFindingContent(content, 0, back);
  EXPECT_EQ(back.cves[0].v3.score, std::nullopt);
  EXPECT_EQ(back.cves[0].v3.vector, "CVSS:3.1/AV:N");
}

TEST(FindingCodec, DigestIsEqualForEqualContentAndPrefixed) {
  const std::string digest = ContentDigest(Sample());
  EXPECT_EQ(digest, ContentDigest(Sample()));
  EXPECT_TRUE(IsContentDigest(digest));
  EXPECT_EQ(digest.size(), 18u);
  EXPECT_FALSE(IsContentDigest(ContentHash(FindingContent(Sample()))));
}

TEST(FindingCodec, DigestChangesWithEveryStoredField) {
  const std::vector<std::pair<const char*, std::function<void(domain::Finding&)>>> changes = {
      {"severity", [](auto& f) { f.severity = domain::Severity::kLow; }},
      {"kind", [](auto& f) { f.kind = domain::FindingKind::kLicense; }},
      {"violation type", [](auto& f) { f.violation_type = domain::ViolationType::kSecurity; }},
      {"issue id", [](auto& f) { f.issue_id = "XRAY-2"; }},
      {"component type", [](auto& f) { f.component.type = "pypi"; }},
      {"component name", [](auto& f) { f.component.name = "lodash-es"; }},
      {"component version", [](auto& f) { f.component.version = "4.17.21"; }},
      {"component id", [](auto& f) { f.component.id = "npm://lodash:4.17.21"; }},
      {"cve id", [](auto& f) { f.cves[0].id = "CVE-2021-1"; }},
      {"cvss score", [](auto& f) { f.cves[0].v3.score = 9.9; }},
      {"cvss score removed", [](auto& f) { f.cves[0].v2.score.reset(); }},
      {"cvss vector", [](auto& f) { f.cves[1].v3.vector = "CVSS:3.1/AV:N"; }},
      {"cve cwes", [](auto& f) { f.cves[0].cwes.pop_back(); }},
      {"cve order", [](auto& f) { std::swap(f.cves[0], f.cves[1]); }},
      {"cwes", [](auto& f) { f.cwes.push_back("CWE-1"); }},
      {"fixed versions", [](auto& f) { f.fixed_versions = {"4.17.21"}; }},
      {"location artifact", [](auto& f) { f.locations[0].artifact = "docker://app:2"; }},
      {"location path", [](auto& f) { f.locations[1].path = "x"; }},
      {"impact path", [](auto& f) { f.locations[0].impact_paths[0].push_back("npm://x:1"); }},
      {"locations", [](auto& f) { f.locations.pop_back(); }},
      {"applicability", [](auto& f) { f.applicability = "applicable"; }},
      {"references", [](auto& f) { f.references = {"https://example.org"}; }},
      {"summary", [](auto& f) { f.summary += "."; }},
      {"description", [](auto& f) { f.description.clear(); }},
      {"published", [](auto& f) { f.published = "2021-02-15T00:00:00Z"; }},
      {"license", [](auto& f) { f.license = "MIT"; }},
      {"watch", [](auto& f) { f.watch = "w"; }},
      {"policies", [](auto& f) { f.policies = {"p"}; }},
      {"text moved between fields", [](auto& f) {
         f.summary = "Prototype";
         f.description = " pollution" + f.description;
       }}};
  const std::string before = ContentDigest(Sample());
  for (const auto& [what, change] : changes) {
    domain::Finding f = Sample();
    change(f);
    EXPECT_NE(ContentDigest(f), before) << what;
  }
}

}  // namespace
}  // namespace bulwark::storage::sql
