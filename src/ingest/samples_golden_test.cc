// Golden tests over the real Xray samples (../shared/samples/xray). Expected formats and counts
// were checked by hand against the files (rows x components for CLI json, rows for reports and
// UI exports, SCA runs only for SARIF, JAS rows excluded for simple-json).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ingest/ingest.h"

namespace bulwark::ingest {
namespace {

const std::filesystem::path kSamples = BULWARK_SOURCE_DIR "/../shared/samples/xray";

struct Golden {
  const char* file;
  const char* format;  // "refused" for files that are Xray output but not importable
  std::uint64_t findings, vulnerabilities, licenses, violations;
};

constexpr Golden kGolden[] = {
    {"cli-cyclonedx/bom_1771320523633.cdx.json", "refused", 0, 0, 0, 0},
    {"cli-cyclonedx/sbom_with_vulnerabilities.json", "xray-cli-cyclonedx", 4, 4, 0, 0},
    {"cli-cyclonedx/sca_1771320524447.cdx.json", "refused", 0, 0, 0, 0},
    {"cli-job-summary/audit_summary.json", "refused", 0, 0, 0, 0},
    {"cli-job-summary/docker_summary.json", "refused", 0, 0, 0, 0},
    {"cli-json/many_vulns.json", "xray-cli-json", 3, 3, 0, 0},
    {"cli-json/many_vulns_docker.json", "xray-cli-json", 4, 4, 0, 0},
    {"cli-json/many_vulns_pypi.json", "xray-cli-json", 107, 107, 0, 0},
    {"cli-json/one_vuln.json", "xray-cli-json", 1, 1, 0, 0},
    {"cli-raw-results/jfrog-cli-security@218edb5-pre-v1.14/audit_results.json", "refused", 0, 0, 0,
     0},
    {"cli-raw-results/jfrog-cli-security@218edb5-pre-v1.14/docker_results.json", "refused", 0, 0, 0,
     0},
    {"cli-raw-results/jfrog-cli-security@294ae80b-scanOutput/raw_1771320758122.json", "refused", 0,
     0, 0, 0},
    {"cli-sarif/jfrog-cli-security@16b93929-jobTestData/sarif.json", "xray-cli-sarif", 11, 11, 0,
     0},
    {"cli-sarif/jfrog-cli-security@218edb5-pre-v1.14/audit_sarif.json", "xray-cli-sarif", 23, 12, 0,
     11},
    {"cli-sarif/jfrog-cli-security@HEAD/audit_sarif.json", "xray-cli-sarif", 10, 5, 0, 5},
    {"cli-sarif/jfrog-cli-security@HEAD/docker_sarif.json", "xray-cli-sarif", 4, 3, 0, 1},
    {"cli-simple-json/jfrog-cli-security@218edb5-pre-v1.14/audit_simple_json.json",
     "xray-cli-simple-json", 23, 12, 0, 11},
    {"cli-simple-json/jfrog-cli-security@218edb5-pre-v1.14/docker_simple_json.json",
     "xray-cli-simple-json", 11, 11, 0, 0},
    {"cli-simple-json/jfrog-cli-security@294ae80b-scanOutput/source_code_output_1771320758124.json",
     "xray-cli-simple-json", 4, 0, 0, 4},
    {"cli-simple-json/jfrog-cli-security@HEAD/audit_simple_json.json", "xray-cli-simple-json", 13,
     9, 1, 3},
    {"cli-simple-json/jfrog-cli-security@HEAD/docker_simple_json.json", "xray-cli-simple-json", 4,
     3, 0, 1},
    {"ui-cyclonedx-export/Docker_SBOM_Export_CycloneDX.json", "refused", 0, 0, 0, 0},
    {"ui-scan-status-export/Docker_0616aed_Scan_Status_Export.json", "refused", 0, 0, 0, 0},
    {"ui-security-export/Docker_0616aed_Security_Export.json", "xray-ui-security-export", 20, 20, 0,
     0},
    {"ui-security-export/Docker_Security_Export.json", "xray-ui-security-export", 63, 63, 0, 0},
    {"ui-security-export/defectdojo-jfrogxray/many_vulns.json", "xray-ui-security-export", 3, 3, 0,
     0},
    {"ui-security-export/defectdojo-jfrogxray/many_vulns2.json", "xray-ui-security-export", 2, 2, 0,
     0},
    {"ui-security-export/defectdojo-jfrogxray/multi_cwe_fabricated.json", "xray-ui-security-export",
     1, 1, 0, 0},
    {"ui-security-export/defectdojo-jfrogxray/one_vuln.json", "xray-ui-security-export", 1, 1, 0,
     0},
    {"ui-security-export/jfrog_xray_sample.json", "xray-ui-security-export", 27, 27, 0, 0},
    {"ui-violations-export/Docker_0616aed_Violations_Export.json", "xray-ui-violations-export", 4,
     0, 0, 4},
    {"xray-api-build-scan-v2/consts.go__BuildScanResultsResponse.json", "xray-build-scan", 1, 1, 0,
     0},
    {"xray-api-graph-scan/graphScanResult.txt", "xray-graph-scan", 15, 15, 0, 0},
    {"xray-api-graph-scan/scanGraphViolations.json", "xray-graph-scan", 7, 0, 1, 6},
    {"xray-api-graph-scan/scanGraphVulnerabilities.json", "xray-graph-scan", 6, 5, 1, 0},
    {"xray-api-summary-artifact/consts.go__VulnerableXraySummaryArtifactResponse.json",
     "xray-summary-artifact", 3, 2, 1, 0},
    {"xray-api-summary-artifact/malformed_cvssv3.json", "xray-summary-artifact", 4, 1, 3, 0},
    {"xray-api-summary-artifact/many_vulns.json", "xray-summary-artifact", 1781, 29, 1752, 0},
    {"xray-api-summary-artifact/multi_cwe_fabricated.json", "xray-summary-artifact", 1, 1, 0, 0},
    {"xray-api-summary-artifact/no_vuln.json", "xray-summary-artifact", 0, 0, 0, 0},
    {"xray-api-summary-artifact/one_vuln.json", "xray-summary-artifact", 4, 1, 3, 0},
    {"xray-api-violations/violations_1771320547232.json", "xray-violations", 4, 0, 0, 4},
    {"xray-legacy-build-scan/consts.go__CleanXrayScanResponse.json", "xray-legacy-build-scan", 3, 0,
     3, 0},
    {"xray-legacy-build-scan/consts.go__VulnerableXrayScanResponse.json", "xray-legacy-build-scan",
     6, 3, 3, 0},
    {"xray-report-export/Vulnerabilities-Report-XRAY_Unified.json", "xray-report", 7, 7, 0, 0},
    {"xray-report-export/dedupe_test.json", "xray-report", 7, 7, 0, 0},
    {"xray-report-export/issue_13628.json", "xray-report", 1, 1, 0, 0},
    {"xray-report-export/many_vulns.json", "xray-report", 3, 3, 0, 0},
    {"xray-report-export/many_vulns_1373_constructed.json", "xray-report", 1373, 1373, 0, 0},
    {"xray-report-export/no_vuln.json", "xray-report", 0, 0, 0, 0},
    {"xray-report-export/one_vuln.json", "xray-report", 1, 1, 0, 0},
};

// Readable test names in ctest: the sample's path.
void PrintTo(const Golden& g, std::ostream* os) { *os << g.file; }

class SampleGolden : public ::testing::TestWithParam<Golden> {};

TEST_P(SampleGolden, DetectsItsFormatAndImportsTheExpectedCounts) {
  if (!std::filesystem::exists(kSamples)) GTEST_SKIP() << "no samples at " << kSamples;
  const Golden& g = GetParam();
  CollectingSink sink;
  auto report = ParseFile(kSamples / g.file, Format::kAuto, sink);
  if (std::string_view(g.format) == "refused") {
    ASSERT_FALSE(report) << g.file;
    EXPECT_EQ(report.error().code, core::ErrorCode::kInvalidArgument) << report.error().message;
    EXPECT_TRUE(sink.findings.empty());
    return;
  }
  ASSERT_TRUE(report) << g.file << ": " << report.error().message;
  EXPECT_EQ(FormatName(report->format), g.format);
  EXPECT_EQ(report->findings, g.findings);
  EXPECT_EQ(sink.findings.size(), g.findings);
  EXPECT_EQ(report->by_kind[0], g.vulnerabilities);
  EXPECT_EQ(report->by_kind[1], g.licenses);
  EXPECT_EQ(report->by_kind[2], g.violations);
  // Declaring the detected format explicitly gives the same result.
  CollectingSink again;
  auto declared = ParseFile(kSamples / g.file, report->format, again);
  ASSERT_TRUE(declared) << declared.error().message;
  EXPECT_EQ(declared->findings, g.findings);
}

TEST(SampleGolden, EverySampleFileIsListed) {
  if (!std::filesystem::exists(kSamples)) GTEST_SKIP() << "no samples at " << kSamples;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSamples)) {
    if (!entry.is_regular_file() || entry.path().filename() == "SOURCES.md") continue;
    ++files;
    std::string relative = std::filesystem::relative(entry.path(), kSamples).string();
    bool listed = false;
    for (const Golden& g : kGolden) listed = listed || relative == g.file;
    EXPECT_TRUE(listed) << relative;
  }
  EXPECT_EQ(files, std::size(kGolden));
}

INSTANTIATE_TEST_SUITE_P(Samples, SampleGolden, ::testing::ValuesIn(kGolden));

}  // namespace
}  // namespace bulwark::ingest
