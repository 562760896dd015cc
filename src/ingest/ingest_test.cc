// Behaviour of the import over small hand-written fixtures (test/fixtures/xray): each format,
// each tolerance rule of specs/xray-formats.md 6.6 and each refusal of 6.7.
#include "ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "domain/finding_set.h"

namespace bulwark::ingest {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray";

struct Parsed {
  core::Result<ParseReport> report;
  std::vector<domain::Finding> findings;
};

Parsed Parse(const std::string& name, Format format = Format::kAuto, ParseOptions options = {}) {
  CollectingSink sink;
  auto report = ParseFile(kFixtures / name, format, sink, options);
  return {std::move(report), std::move(sink.findings)};
}

std::set<std::string> Fingerprints(const std::vector<domain::Finding>& findings) {
  std::set<std::string> out;
  for (const auto& f : findings) out.insert(f.Fingerprint());
  return out;
}

TEST(FormatNames, RoundTripEveryName) {
  for (std::string_view name :
       {"auto", "xray-cli-json", "xray-cli-simple-json", "xray-cli-sarif", "xray-cli-cyclonedx",
        "xray-ui-security-export", "xray-ui-violations-export", "xray-ui-cyclonedx", "xray-report",
        "xray-summary-artifact", "xray-graph-scan", "xray-violations", "xray-build-scan",
        "xray-legacy-build-scan", "zip"}) {
    auto format = ParseFormatName(name);
    ASSERT_TRUE(format) << name;
    EXPECT_EQ(FormatName(*format), name);
  }
  EXPECT_FALSE(ParseFormatName("xray"));
}

// A sink that wants the counts only must get none of the findings, and the same counts.
class CountsOnlySink : public FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding> batch) override {
    consumed += batch.size();
    return core::Ok();
  }
  bool WantsFindings() const override { return false; }
  std::size_t consumed = 0;
};

TEST(Sink, CountsOnlySinkGetsTheCountsButNoFindings) {
  for (const char* name : {"report.json", "cli_json.json", "simple_json.json", "ui_export.zip"}) {
    auto full = Parse(name);
    CountsOnlySink counts;
    auto report = ParseFile(kFixtures / name, Format::kAuto, counts);
    ASSERT_TRUE(full.report) << name << ": " << full.report.error().message;
    ASSERT_TRUE(report) << name << ": " << report.error().message;
    EXPECT_EQ(counts.consumed, 0u) << name;
    EXPECT_GT(report->findings, 0u) << name;
    EXPECT_EQ(report->findings, full.report->findings) << name;
    EXPECT_EQ(report->by_severity, full.report->by_severity) << name;
    EXPECT_EQ(report->by_kind, full.report->by_kind) << name;
  }
}

// The file is mapped with padding after its end; a file that fills whole pages exactly, and an
// empty one, must read like any other.
TEST(ParseFile, ReadsFilesThatEndOnAPageBoundaryAndEmptyFiles) {
  std::ifstream in(kFixtures / "report.json", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_LT(text.size(), 8192u);
  text.append(8192 - text.size(), ' ');
  auto dir = std::filesystem::path(::testing::TempDir());
  std::ofstream(dir / "page_sized.json", std::ios::binary) << text;
  CollectingSink sink;
  auto report = ParseFile(dir / "page_sized.json", Format::kAuto, sink);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->findings, 2u);
  EXPECT_EQ(report->bytes, 8192u);
  std::ofstream(dir / "empty_file.json", std::ios::binary).flush();
  auto empty = ParseFile(dir / "empty_file.json", Format::kAuto, sink);
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("empty file"));
}

TEST(CrossFormat, ReportCliJsonAndSimpleJsonGiveTheSameIdentities) {
  auto report = Parse("report.json");
  auto cli = Parse("cli_json.json");
  auto simple = Parse("simple_json.json");
  ASSERT_TRUE(report.report) << report.report.error().message;
  ASSERT_TRUE(cli.report) << cli.report.error().message;
  ASSERT_TRUE(simple.report) << simple.report.error().message;
  EXPECT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(Fingerprints(report.findings), Fingerprints(cli.findings));
  EXPECT_EQ(Fingerprints(report.findings), Fingerprints(simple.findings));
  EXPECT_EQ(simple.report->skipped, 1u);  // the secrets row
}

TEST(ReportFormat, NormalisesScoresVectorsEpochsAndNonAsciiFixedVersions) {
  auto parsed = Parse("report.json");
  ASSERT_TRUE(parsed.report);
  EXPECT_EQ(parsed.report->format, Format::kReport);
  const domain::Finding& lodash = parsed.findings[0];
  EXPECT_EQ(lodash.severity, domain::Severity::kHigh);
  EXPECT_EQ(lodash.VulnerabilityKey(), "XRAY-1001");
  ASSERT_EQ(lodash.cves.size(), 1u);
  EXPECT_DOUBLE_EQ(*lodash.cves[0].v3.score, 7.2);
  EXPECT_DOUBLE_EQ(*lodash.cves[0].v2.score, 6.0);
  EXPECT_EQ(lodash.cves[0].v3.vector, "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_EQ(lodash.published, "2021-02-15T13:15:12.64+03:00");
  ASSERT_EQ(lodash.locations.size(), 1u);
  EXPECT_EQ(lodash.locations[0].artifact, "docker://app:1.0");
  EXPECT_EQ(lodash.locations[0].path, "docker-local/app/1.0/");
  const domain::Finding& libx11 = parsed.findings[1];
  EXPECT_EQ(libx11.component.name, "debian:stretch:libx11");
  EXPECT_EQ(libx11.component.version, "2:1.6.4-3");
  EXPECT_EQ(libx11.fixed_versions, std::vector<std::string>{"≥ 2:1.6.4-3+deb9u1"});
}

TEST(ReportFormat, ToleratesEmptyCvesCveWithoutIdStringScoresNullsAndRowCountMismatch) {
  auto parsed = Parse("report_edge_cases.json");
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  ASSERT_EQ(parsed.findings.size(), 3u);
  EXPECT_TRUE(parsed.findings[0].cves.empty());
  EXPECT_EQ(parsed.findings[0].severity, domain::Severity::kLow);  // "low"
  EXPECT_EQ(parsed.findings[0].component.Key(), "go://github.com/gogo/protobuf:1.3.1");
  EXPECT_EQ(parsed.findings[0].published, "2020-09-09T00:00:00.937Z");
  ASSERT_EQ(parsed.findings[1].cves.size(), 1u);
  EXPECT_TRUE(parsed.findings[1].cves[0].id.empty());
  EXPECT_DOUBLE_EQ(*parsed.findings[1].cves[0].v3.score, 9.8);  // "9.8" as a string
  EXPECT_EQ(parsed.findings[1].component.name, "java-11-openjdk-headless");
  EXPECT_EQ(parsed.findings[1].component.version, "1:11.0.6.10-1.el7");
  EXPECT_EQ(parsed.findings[2].severity, domain::Severity::kInfo);  // Unknown
  EXPECT_EQ(parsed.findings[2].component.name, "@babel/core");
  EXPECT_FALSE(parsed.findings[2].cves[0].v3.score);
  EXPECT_THAT(parsed.report->warnings, ::testing::Contains(HasSubstr("total_rows is 99")));
}

TEST(UiSecurityExport, SplitsScoreVectorStringsAndTakesEpochVersionsFromSourceIds) {
  auto parsed = Parse("ui_security_export.json");
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  EXPECT_EQ(parsed.report->format, Format::kUiSecurityExport);
  ASSERT_EQ(parsed.findings.size(), 2u);
  const auto& login = parsed.findings[0];
  EXPECT_EQ(login.component.Key(), "deb://ubuntu:jammy:login:1:4.8.1-2ubuntu2.2");
  EXPECT_EQ(login.VulnerabilityKey(), "CVE-2023-29383");  // id "" in old exports
  EXPECT_DOUBLE_EQ(*login.cves[0].v3.score, 3.3);
  EXPECT_EQ(login.cves[0].v2.vector, "AV:N/AC:H/Au:N/C:C/I:C/A:C");  // no CVSS:2.0/ prefix
  EXPECT_EQ(login.cwes, std::vector<std::string>{"CWE-74"});
  EXPECT_EQ(login.fixed_versions, std::vector<std::string>{"≥ 1:4.8.1-2ubuntu2.3"});
  const auto& sshd = parsed.findings[1];
  EXPECT_EQ(sshd.component.name, "org.apache.sshd:sshd-core");
  EXPECT_EQ(sshd.component.version, "1.0.0");
  EXPECT_DOUBLE_EQ(*sshd.cves[0].v3.score, 5.9);  // score-only "5.9"
  EXPECT_TRUE(sshd.cves[0].v3.vector.empty());
  EXPECT_DOUBLE_EQ(*sshd.cves[1].v4.score, 8.7);
}

TEST(OtherFormats, EachFixtureImportsWithItsKindAndComponent) {
  struct Case {
    const char* file;
    Format format;
    domain::FindingKind kind;
    const char* component_key;
    domain::Severity severity;
  };
  const Case cases[] = {
      {"ui_violations_export.json", Format::kUiViolationsExport, domain::FindingKind::kViolation,
       "gav://org.springframework:spring-web:6.0.0", domain::Severity::kHigh},
      {"violations_api.json", Format::kViolations, domain::FindingKind::kViolation,
       "npm://minimist:1.2.0", domain::Severity::kInfo},  // Pending
      {"graph_scan.json", Format::kGraphScan, domain::FindingKind::kVulnerability,
       "npm://minimist:1.2.0", domain::Severity::kInfo},  // Normal
      {"build_scan.json", Format::kBuildScan, domain::FindingKind::kVulnerability,
       "gav://a.b:c:1.0", domain::Severity::kHigh},
      {"legacy_build_scan.json", Format::kLegacyBuildScan, domain::FindingKind::kVulnerability,
       "gav://x:y:2", domain::Severity::kLow},  // Minor
      {"summary_artifact.json", Format::kSummaryArtifact, domain::FindingKind::kVulnerability,
       "3.12:openssl:1.1.1k-r0", domain::Severity::kHigh},
      {"sarif.json", Format::kCliSarif, domain::FindingKind::kVulnerability, "lodash:4.17.15",
       domain::Severity::kHigh},
      {"cyclonedx.json", Format::kCliCycloneDx, domain::FindingKind::kVulnerability,
       "gav://org.yaml:snakeyaml:1.16", domain::Severity::kHigh},
  };
  for (const Case& c : cases) {
    auto parsed = Parse(c.file);
    ASSERT_TRUE(parsed.report) << c.file << ": " << parsed.report.error().message;
    EXPECT_EQ(parsed.report->format, c.format) << c.file;
    ASSERT_FALSE(parsed.findings.empty()) << c.file;
    EXPECT_EQ(parsed.findings[0].kind, c.kind) << c.file;
    EXPECT_EQ(parsed.findings[0].component.Key(), c.component_key) << c.file;
    EXPECT_EQ(parsed.findings[0].severity, c.severity) << c.file;
  }
}

TEST(OtherFormats, BuildScanLocationIsTheBuildAndCycloneDxDecodesScopedPurls) {
  auto build = Parse("build_scan.json");
  ASSERT_TRUE(build.report);
  EXPECT_EQ(build.findings[0].locations[0].artifact, "build://app:42");
  auto cdx = Parse("cyclonedx.json");
  ASSERT_TRUE(cdx.report);
  ASSERT_EQ(cdx.findings.size(), 2u);
  EXPECT_EQ(cdx.findings[1].component.Key(), "npm://@babel/core:7.0.0");
  EXPECT_EQ(cdx.findings[0].cwes, std::vector<std::string>{"CWE-776"});
  auto sarif = Parse("sarif.json");
  ASSERT_TRUE(sarif.report);
  EXPECT_EQ(sarif.report->skipped, 1u);  // the SAST result
  EXPECT_EQ(sarif.findings[0].fixed_versions, (std::vector<std::string>{"[4.17.21]", "[5.0.0]"}));
  EXPECT_EQ(sarif.findings[0].applicability, "applicable");
}

// Found by fuzzing: a '%' without two hex digits in a purl ended the process.
TEST(OtherFormats, CycloneDxKeepsAPercentSignThatStartsNoEscape) {
  auto cdx = Parse("cyclonedx_bad_percent_escape.json");
  ASSERT_TRUE(cdx.report) << cdx.report.error().message;
  ASSERT_EQ(cdx.findings.size(), 2u);
  EXPECT_EQ(cdx.findings[1].component.Key(), "npm://@babel/core%zz:7.0.0%4");
}

struct Refusal {
  const char* file;
  core::ErrorCode code;
  const char* message_part;
};

class Refusals : public ::testing::TestWithParam<Refusal> {};

TEST_P(Refusals, RefuseTheFileWithAClearMessageAndEmitNothing) {
  const Refusal& r = GetParam();
  ParseOptions options;
  options.validate_before_emit = true;
  auto parsed = Parse(r.file, Format::kAuto, options);
  ASSERT_FALSE(parsed.report) << r.file;
  EXPECT_EQ(parsed.report.error().code, r.code) << parsed.report.error().message;
  EXPECT_THAT(parsed.report.error().message, HasSubstr(r.message_part));
  EXPECT_TRUE(parsed.findings.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, Refusals,
    ::testing::Values(
        Refusal{"empty.json", core::ErrorCode::kDataLoss, "empty file"},
        Refusal{"null.json", core::ErrorCode::kInvalidArgument, "empty result (null)"},
        Refusal{"empty_array.json", core::ErrorCode::kInvalidArgument, "empty array"},
        Refusal{"malformed.json", core::ErrorCode::kDataLoss,
                "malformed JSON at line 3, column 23 (byte offset 51)"},
        Refusal{"truncated.json", core::ErrorCode::kDataLoss, "malformed JSON"},
        Refusal{"trailing.json", core::ErrorCode::kDataLoss, "trailing text"},
        Refusal{"cli_log_mixed.json", core::ErrorCode::kDataLoss, "CLI log text"},
        Refusal{"mixed_top_level.json", core::ErrorCode::kDataLoss,
                "mixed formats: keys of xray-ui-security-export and xray-report"},
        Refusal{"mixed_array.json", core::ErrorCode::kDataLoss,
                "element 0 is xray-cli-json but element 1 is xray-ui-violations-export"},
        Refusal{"mixed_rows.json", core::ErrorCode::kDataLoss, "$.rows[1]"},
        Refusal{"mixed_report_kinds.json", core::ErrorCode::kDataLoss, "mixed report kinds"},
        Refusal{"missing_component.json", core::ErrorCode::kDataLoss,
                "$.rows[17].vulnerable_component: missing"},
        Refusal{"wrong_type.json", core::ErrorCode::kDataLoss, "$.rows[0].fixed_versions"},
        Refusal{"unknown.json", core::ErrorCode::kDataLoss, "top-level keys: hello"},
        Refusal{"not_utf8.json", core::ErrorCode::kDataLoss, "not UTF-8"},
        Refusal{"sarif_other_tool.json", core::ErrorCode::kInvalidArgument, "driver: CodeQL"},
        Refusal{"bad_member.zip", core::ErrorCode::kDataLoss, "B_Violations_Export.json"},
        // Found by fuzzing: libarchive gives no error text for this damaged ZIP.
        Refusal{"corrupt_zip_without_error_text.zip", core::ErrorCode::kDataLoss,
                "unreadable archive data"},
        // Found by fuzzing: a member whose header claims 4 GiB had that much reserved for it (the
        // fuzz smoke run replays this file under a 2 GiB allocation limit).
        Refusal{"zip_member_claims_4_gib.zip", core::ErrorCode::kDataLoss,
                "Docker_app_Security_Export.json: ZIP uncompressed data is wrong size"},
        // Found by fuzzing: a key ending in an escaped backslash was read past its end.
        Refusal{"key_ending_in_escaped_backslash.json", core::ErrorCode::kDataLoss,
                "invalid escape in a string"},
        Refusal{"key_with_escaped_backslash.json", core::ErrorCode::kDataLoss,
                "top-level keys: version\\\\, a)"}));

// Detection stops at the rows of a report whose first keys match; what follows the rows is still
// checked, with the messages of a full detection, and with validate_before_emit nothing is emitted.
Parsed ParseText(std::string_view text, Format format = Format::kAuto, ParseOptions options = {}) {
  CollectingSink sink;
  auto report = ParseBuffer("test.json", text, format, sink, options);
  return {std::move(report), std::move(sink.findings)};
}

constexpr std::string_view kReportRow =
    R"({"severity": "High", "issue_id": "XRAY-1", "vulnerable_component": "npm://a:1"})";

TEST(Detection, KeysAfterTheRowsOfAReportStillMakeItMixed) {
  ParseOptions validate;
  validate.validate_before_emit = true;
  const std::string mixed =
      R"({"total_rows": 1, "rows": [)" + std::string(kReportRow) + R"(], "data": []})";
  for (const ParseOptions& options : {ParseOptions{}, validate}) {
    auto parsed = ParseText(mixed, Format::kAuto, options);
    ASSERT_FALSE(parsed.report);
    EXPECT_EQ(parsed.report.error().code, core::ErrorCode::kDataLoss);
    EXPECT_THAT(parsed.report.error().message,
                HasSubstr("mixed formats: xray-report file also contains `data`"));
  }
  EXPECT_TRUE(ParseText(mixed, Format::kAuto, validate).findings.empty());
  auto spdx = ParseText(R"({"total_rows": 1, "rows": [], "spdxVersion": "SPDX-2.3"})");
  ASSERT_FALSE(spdx.report);
  EXPECT_THAT(spdx.report.error().message,
              HasSubstr("mixed formats: keys of spdx and xray-report are both present"));
  auto declared =
      ParseText(R"({"total_rows": 1, "rows": [], "total_count": 1, "data": []})", Format::kReport);
  ASSERT_FALSE(declared.report);
  EXPECT_THAT(declared.report.error().message,
              HasSubstr("keys of xray-ui-security-export and xray-report"));
  auto trailing = ParseText(R"({"total_count": 0, "data": []} {"total_count": 0, "data": []})");
  ASSERT_FALSE(trailing.report);
  EXPECT_THAT(trailing.report.error().message, HasSubstr("trailing text"));
}

TEST(Detection, ReportWithKeysAroundTheRowsImportsAsBefore) {
  auto parsed = ParseText(R"({"total_rows": 1, "rows": [)" + std::string(kReportRow) +
                          R"(], "offset": 0, "summary": {"x": 1}})");
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  EXPECT_EQ(parsed.report->format, Format::kReport);
  EXPECT_EQ(parsed.findings.size(), 1u);
  auto rows_first = ParseText(R"({"rows": [)" + std::string(kReportRow) + R"(], "total_rows": 1})");
  ASSERT_TRUE(rows_first.report) << rows_first.report.error().message;
  EXPECT_EQ(rows_first.findings.size(), 1u);
}

TEST(Detection, EveryArrayElementIsCheckedAgainstElementZero) {
  constexpr std::string_view kCli =
      R"({"scan_id": "s", "vulnerabilities": [], "component_id": "root"})";
  constexpr std::string_view kUi =
      R"({"issue_id": "XRAY-1", "comp_id": "c", "comp_name": "n", "watcher_name": "w"})";
  auto cli_then_ui =
      ParseText("[" + std::string(kCli) + "," + std::string(kCli) + "," + std::string(kUi) + "]");
  ASSERT_FALSE(cli_then_ui.report);
  EXPECT_THAT(cli_then_ui.report.error().message,
              HasSubstr("mixed formats: element 0 is xray-cli-json but element 2 is "
                        "xray-ui-violations-export"));
  auto ui_then_cli = ParseText("[" + std::string(kUi) + "," + std::string(kCli) + "]");
  ASSERT_FALSE(ui_then_cli.report);
  EXPECT_THAT(ui_then_cli.report.error().message,
              HasSubstr("mixed formats: element 0 is xray-ui-violations-export but element 1 is "
                        "xray-cli-json"));
  auto unknown = ParseText("[" + std::string(kCli) + R"(, {"hello": 1}])");
  ASSERT_FALSE(unknown.report);
  EXPECT_THAT(unknown.report.error().message,
              HasSubstr("$[1]: element is not a JFrog CLI scan result or UI violation"));
  auto not_object = ParseText("[" + std::string(kCli) + ", 3]");
  ASSERT_FALSE(not_object.report);
  EXPECT_THAT(not_object.report.error().message, HasSubstr("$[1]: array elements must be objects"));
}

TEST(Detection, AnElementZeroThatLooksLikeCliOnlyUntilItsLaterKeysIsAUiViolation) {
  // status and an issues array first make element 0 look like a CLI scan result; the UI violation
  // keys after them decide, as a full detection does.
  const std::string row =
      R"({"status": "open", "violations": [], "issue_id": "XRAY-9", "comp_id": "c", )"
      R"("comp_name": "n", "watcher_name": "w", "severity": "High", "source_id": "npm://a", )"
      R"("source_version": "1.0"})";
  auto parsed = ParseText("[" + row + "," + row + "]");
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  EXPECT_EQ(parsed.report->format, Format::kUiViolationsExport);
  EXPECT_EQ(parsed.report->rows, 2u);
  ASSERT_EQ(parsed.findings.size(), 2u);
  EXPECT_EQ(parsed.findings[0].kind, domain::FindingKind::kViolation);
  EXPECT_EQ(parsed.findings[0].component.Key(), "npm://a:1.0");
}

TEST(DeclaredFormat, NullIsAnEmptyCliJsonWhenDeclaredAndAMismatchIsRefused) {
  auto parsed = Parse("null.json", Format::kCliJson);
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  EXPECT_EQ(parsed.report->findings, 0u);
  auto mismatch = Parse("report.json", Format::kCliJson);
  ASSERT_FALSE(mismatch.report);
  EXPECT_EQ(mismatch.report.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_THAT(mismatch.report.error().message,
              HasSubstr("declared as xray-cli-json but looks like xray-report"));
}

TEST(Zip, ImportsSecurityAndViolationsMembersAsOneImportAndSkipsScanStatus) {
  auto parsed = Parse("ui_export.zip");
  ASSERT_TRUE(parsed.report) << parsed.report.error().message;
  EXPECT_EQ(parsed.report->format, Format::kZip);
  EXPECT_EQ(parsed.report->member_formats,
            (std::vector<Format>{Format::kUiSecurityExport, Format::kUiViolationsExport}));
  EXPECT_EQ(parsed.findings.size(), 3u);
  EXPECT_THAT(parsed.report->warnings, ::testing::Contains(HasSubstr("Scan_Status_Export")));
}

TEST(Streaming, DeliversBatchesOfTheConfiguredSizeAndStopsOnSinkError) {
  class Recorder : public FindingSink {
   public:
    core::Status Consume(std::span<const domain::Finding> batch) override {
      sizes.push_back(batch.size());
      if (fail_after && sizes.size() == fail_after)
        return core::Fail(core::ErrorCode::kUnavailable, "store is down");
      return core::Ok();
    }
    std::vector<std::size_t> sizes;
    std::size_t fail_after = 0;
  };
  ParseOptions options;
  options.batch_size = 7;
  Recorder recorder;
  auto report = ParseFile(kFixtures / "missing_component.json", Format::kAuto, recorder, options);
  ASSERT_FALSE(report);  // row 17 is bad: the caller must discard the batches it received
  EXPECT_EQ(recorder.sizes, (std::vector<std::size_t>{7, 7}));
  Recorder failing;
  failing.fail_after = 1;
  std::string rows;
  for (int i = 0; i < 20; ++i) {
    rows += (i ? "," : "") +
            std::string(
                "{\"severity\":\"High\",\"vulnerable_component\":"
                "\"npm://a:1\",\"issue_id\":\"XRAY-") +
            std::to_string(i) + "\"}";
  }
  auto sink_error = ParseBuffer("page", "{\"total_rows\":20,\"rows\":[" + rows + "]}",
                                Format::kAuto, failing, options);
  ASSERT_FALSE(sink_error);
  EXPECT_EQ(sink_error.error().code, core::ErrorCode::kUnavailable);
  EXPECT_EQ(failing.sizes.size(), 1u);
}

TEST(ReportPage, EmitsTheRowsAndReturnsTotalRows) {
  CollectingSink sink;
  auto total = ParseReportPage(
      R"({"total_rows": 250, "rows": [{"severity": "High", "issue_id": "XRAY-1",
          "vulnerable_component": "gav://io.netty:netty-codec:4.1.66.Final",
          "cves": [{"cve": "CVE-2021-37136", "cvss_v3_score": 7.5}]}]})",
      sink);
  ASSERT_TRUE(total) << total.error().message;
  EXPECT_EQ(*total, 250);
  ASSERT_EQ(sink.findings.size(), 1u);
  EXPECT_EQ(sink.findings[0].component.name, "io.netty:netty-codec");
  auto bad = ParseReportPage(R"({"total_count": 1, "data": []})", sink);
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message, HasSubstr("declared as xray-report"));
}

TEST(Merge, RowsRepeatedAcrossArtifactsMergeIntoOneFindingWithSeveralLocations) {
  std::string row = R"({"severity":"High","issue_id":"XRAY-9","vulnerable_component":"npm://a:1",)";
  std::string body =
      "{\"total_rows\":3,\"rows\":[" + row +
      R"("impacted_artifact":"docker://x:1","impact_path":["docker://x:1","npm://a:1"]},)" + row +
      R"("impacted_artifact":"docker://y:1","description":"new text"},)" + row +
      R"("impacted_artifact":"docker://x:1","impact_path":["docker://x:1","npm://a:1"]}]})";
  CollectingSink sink;
  ASSERT_TRUE(ParseReportPage(body, sink));
  domain::FindingSet set;
  set.Add(sink.findings);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.findings()[0].locations.size(), 2u);
}

}  // namespace
}  // namespace bulwark::ingest

namespace bulwark::ingest {
namespace {

TEST(Strings, UnescapesJsonEscapesAndSurrogatePairs) {
  CollectingSink sink;
  auto total = ParseReportPage(
      R"({"total_rows":1,"rows":[{"severity":"High","issue_id":"XRAY-1",)"
      R"("vulnerable_component":"npm://a:1","summary":"q\"x\\y\n\u00e9\ud83d\ude00\/z"}]})",
      sink);
  ASSERT_TRUE(total) << total.error().message;
  EXPECT_EQ(sink.findings[0].summary, "q\"x\\y\n\xC3\xA9\xF0\x9F\x98\x80/z");
}

}  // namespace
}  // namespace bulwark::ingest
