#include "domain/finding.h"

#include <gtest/gtest.h>

namespace bulwark::domain {
namespace {

struct IdCase {
  const char* id;
  const char* type;
  const char* name;
  const char* version;
};

class ComponentIdParsing : public ::testing::TestWithParam<IdCase> {};

TEST_P(ComponentIdParsing, SplitsPerScheme) {
  const IdCase& c = GetParam();
  Component component = ParseComponentId(c.id);
  EXPECT_EQ(component.type, c.type) << c.id;
  EXPECT_EQ(component.name, c.name) << c.id;
  EXPECT_EQ(component.version, c.version) << c.id;
  EXPECT_EQ(component.id, c.id);
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, ComponentIdParsing,
    ::testing::Values(
        IdCase{"gav://org.apache.sshd:sshd-core:1.0.0", "gav", "org.apache.sshd:sshd-core",
               "1.0.0"},
        IdCase{"gav://io.netty:netty-codec:4.1.66.Final", "gav", "io.netty:netty-codec",
               "4.1.66.Final"},
        IdCase{"deb://ubuntu:jammy:libzstd1:1.4.8+dfsg-3build1", "deb", "ubuntu:jammy:libzstd1",
               "1.4.8+dfsg-3build1"},
        IdCase{"deb://debian:stretch:libx11:2:1.6.4-3", "deb", "debian:stretch:libx11",
               "2:1.6.4-3"},
        IdCase{"deb://ubuntu:jammy:gcc-12-base:12.3.0-1ubuntu1~22.04.3", "deb",
               "ubuntu:jammy:gcc-12-base", "12.3.0-1ubuntu1~22.04.3"},
        IdCase{"rpm://7:java-11-openjdk-headless:0:11.0.6.10-1.el7", "rpm",
               "java-11-openjdk-headless", "0:11.0.6.10-1.el7"},
        IdCase{"rpm://7:rpm-python:7:4.11.3-43.el7", "rpm", "rpm-python", "7:4.11.3-43.el7"},
        IdCase{"alpine://3.18:libcrypto3:3.1.1-r1", "alpine", "3.18:libcrypto3", "3.1.1-r1"},
        IdCase{"npm://@babel/core:7.0.0", "npm", "@babel/core", "7.0.0"},
        IdCase{"npm://lodash:4.17.15", "npm", "lodash", "4.17.15"},
        IdCase{"go://github.com/gogo/protobuf:v1.3.1", "go", "github.com/gogo/protobuf", "v1.3.1"},
        IdCase{"pypi://Jinja2:2.11.2", "pypi", "Jinja2", "2.11.2"},
        IdCase{"pypi://", "pypi", "", ""},
        IdCase{"composer://nunomaduro/collision:1.1", "composer", "nunomaduro/collision", "1.1"},
        IdCase{"docker://jfrog/artifactory-oss:latest", "docker", "jfrog/artifactory-oss",
               "latest"},
        IdCase{"docker://nginx", "docker", "nginx", ""},
        IdCase{"docker://registry:5000/app", "docker", "registry:5000/app", ""},
        IdCase{"docker://app@sha256:abcd", "docker", "app", "sha256:abcd"},
        IdCase{"docker://app:sha256:abcd", "docker", "app", "sha256:abcd"},
        IdCase{"generic://sha256:244f7b/foo.jar", "generic", "foo.jar", ""},
        IdCase{"build://infra-build:2.3", "build", "infra-build", "2.3"},
        IdCase{"root", "", "root", ""}, IdCase{"A:1.0.0", "", "A:1.0.0", ""},
        IdCase{"test_item", "", "test_item", ""}));

TEST(Severity, ParsesCaseInsensitivelyAndMapsUnknownToInfo) {
  EXPECT_EQ(ParseSeverity("Critical"), Severity::kCritical);
  EXPECT_EQ(ParseSeverity("high"), Severity::kHigh);
  EXPECT_EQ(ParseSeverity("MEDIUM"), Severity::kMedium);
  EXPECT_EQ(ParseSeverity("Low"), Severity::kLow);
  for (const char* text : {"Unknown", "Information", "Normal", "Pending", "None", ""}) {
    EXPECT_EQ(ParseSeverity(text), Severity::kInfo) << text;
  }
  EXPECT_EQ(SeverityName(Severity::kCritical), "critical");
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
}

TEST(Component, MakeComponentMapsPackageTypesToSchemes) {
  EXPECT_EQ(MakeComponent("maven", "org.yaml:snakeyaml", "1.16").Key(),
            ParseComponentId("gav://org.yaml:snakeyaml:1.16").Key());
  EXPECT_EQ(MakeComponent("Debian", "debian:bookworm:libssl3", "3.0.13-1~deb12u1").Key(),
            ParseComponentId("deb://debian:bookworm:libssl3:3.0.13-1~deb12u1").Key());
  EXPECT_EQ(MakeComponent("golang", "github.com/a/b", "v1.2.4").Key(),
            ParseComponentId("go://github.com/a/b:1.2.4").Key());
}

TEST(Component, KeyOfUnknownTypeIsTheRawName) {
  EXPECT_EQ(ParseComponentId("lodash").Key(), "lodash");
}

TEST(FindingIdentity, VulnerabilityKeyPrefersIssueIdThenSortedCves) {
  Finding f;
  f.cves.resize(3);
  f.cves[0].id = "CVE-2021-2";
  f.cves[1].id = "CVE-2020-1";
  EXPECT_EQ(f.VulnerabilityKey(), "CVE-2020-1,CVE-2021-2");
  f.issue_id = "XRAY-1";
  EXPECT_EQ(f.VulnerabilityKey(), "XRAY-1");
  Finding licence;
  licence.kind = FindingKind::kLicense;
  licence.license = "GPL-2.0";
  EXPECT_EQ(licence.VulnerabilityKey(), "GPL-2.0");
}

TEST(FindingIdentity, IgnoresDescriptionSummaryAndImpactPathOrder) {
  Finding a;
  a.issue_id = "XRAY-1";
  a.component = ParseComponentId("npm://lodash:4.17.15");
  a.summary = "one";
  a.description = "first text";
  a.locations = {Location{"docker://app:1", "", {{"a", "b"}, {"c"}}}};
  Finding b = a;
  b.summary = "two";
  b.description = "rewritten text";
  b.locations = {Location{"docker://app:2", "", {{"c"}, {"a", "b"}}}};
  EXPECT_EQ(a.Fingerprint(), b.Fingerprint());
  EXPECT_EQ(a.Fingerprint().size(), 16u);
}

TEST(FindingIdentity, DiffersByComponentVersionKindAndIssue) {
  Finding a;
  a.issue_id = "XRAY-1";
  a.component = ParseComponentId("npm://lodash:4.17.15");
  Finding other_version = a;
  other_version.component = ParseComponentId("npm://lodash:4.17.16");
  Finding violation = a;
  violation.kind = FindingKind::kViolation;
  violation.violation_type = ViolationType::kSecurity;
  Finding other_issue = a;
  other_issue.issue_id = "XRAY-2";
  EXPECT_NE(a.Fingerprint(), other_version.Fingerprint());
  EXPECT_NE(a.Fingerprint(), violation.Fingerprint());
  EXPECT_NE(a.Fingerprint(), other_issue.Fingerprint());
}

TEST(Finding, ClearResetsEveryMemberToItsDefault) {
  Finding f;
  f.kind = FindingKind::kViolation;
  f.violation_type = ViolationType::kLicense;
  f.severity = Severity::kHigh;
  f.issue_id = "XRAY-1";
  f.cves.emplace_back();
  f.cves[0].id = "CVE-2021-1";
  f.cwes = {"CWE-79"};
  f.component = ParseComponentId("npm://lodash:4.17.15");
  f.fixed_versions = {"4.17.21"};
  f.locations.emplace_back();
  f.locations[0].artifact = "docker://a:1";
  f.applicability = "applicable";
  f.references = {"https://example.org"};
  f.summary = "s";
  f.description = "d";
  f.published = "2021-01-01T00:00:00Z";
  f.license = "MIT";
  f.watch = "w";
  f.policies = {"p"};
  f.Clear();
  const Finding fresh;
  EXPECT_EQ(f.kind, fresh.kind);
  EXPECT_EQ(f.violation_type, fresh.violation_type);
  EXPECT_EQ(f.severity, fresh.severity);
  EXPECT_TRUE(f.issue_id.empty() && f.cves.empty() && f.cwes.empty());
  EXPECT_EQ(f.component, fresh.component);
  EXPECT_TRUE(f.fixed_versions.empty() && f.locations.empty() && f.applicability.empty());
  EXPECT_TRUE(f.references.empty() && f.summary.empty() && f.description.empty());
  EXPECT_TRUE(f.published.empty() && f.license.empty() && f.watch.empty() && f.policies.empty());
  EXPECT_EQ(f.Fingerprint(), fresh.Fingerprint());
}

}  // namespace
}  // namespace bulwark::domain
