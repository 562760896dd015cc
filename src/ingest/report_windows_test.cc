// A Reports export read in windows (ParseOptions::window_bytes) gives exactly what the whole
// file gives: the same findings in the same order, the same counts and warnings, and for a file
// that is refused the same code and message. Windows far smaller than the rows put cuts in every
// kind of place: inside strings, inside nested arrays of objects, between rows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "ingest/ingest.h"
#include "test/support/names.h"

namespace bulwark::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray";
const fs::path kSamples = BULWARK_SOURCE_DIR "/../shared/samples/xray";

struct Outcome {
  core::Result<ParseReport> report;
  std::vector<domain::Finding> findings;
};

Outcome ParseWith(const fs::path& file, std::size_t window_bytes, bool validate = false) {
  ParseOptions options;
  options.window_bytes = window_bytes;
  options.validate_before_emit = validate;
  options.batch_size = 7;
  CollectingSink sink;
  auto report = ParseFile(file, Format::kAuto, sink, options);
  return {std::move(report), std::move(sink.findings)};
}

// Whole (window_bytes 0) against windowed, field by field so a failure says what differs.
// Returns the windows the windowed parse read (0: it read the file whole).
std::uint64_t ExpectSameAsWhole(const fs::path& file, std::size_t window_bytes,
                                bool validate = false) {
  SCOPED_TRACE(file.filename().string() + " window " + std::to_string(window_bytes) +
               (validate ? " validated" : ""));
  Outcome whole = ParseWith(file, 0, validate);
  Outcome windowed = ParseWith(file, window_bytes, validate);
  EXPECT_EQ(whole.report.has_value(), windowed.report.has_value())
      << (whole.report ? windowed.report.error().message : whole.report.error().message);
  if (whole.report.has_value() != windowed.report.has_value()) return 0;
  if (!whole.report) {
    EXPECT_EQ(windowed.report.error().code, whole.report.error().code);
    EXPECT_EQ(windowed.report.error().message, whole.report.error().message);
    if (validate) {
      EXPECT_TRUE(windowed.findings.empty());
    }
    return 0;
  }
  const ParseReport& a = *whole.report;
  const ParseReport& b = *windowed.report;
  EXPECT_EQ(b.format, a.format);
  EXPECT_EQ(b.bytes, a.bytes);
  EXPECT_EQ(b.rows, a.rows);
  EXPECT_EQ(b.findings, a.findings);
  EXPECT_EQ(b.by_kind, a.by_kind);
  EXPECT_EQ(b.by_severity, a.by_severity);
  EXPECT_EQ(b.warnings, a.warnings);
  EXPECT_EQ(a.windows, 0u);
  EXPECT_EQ(windowed.findings.size(), whole.findings.size());
  for (std::size_t i = 0; i < std::min(whole.findings.size(), windowed.findings.size()); ++i)
    EXPECT_TRUE(windowed.findings[i] == whole.findings[i]) << "finding " << i;
  return b.windows;
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("bulwark-windows-" + bulwark::testing::Unique())) {
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path Write(const std::string& name, const std::string& text) const {
    fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

// Row i of a vulnerabilities report, with what makes cuts hard: nested arrays of objects (a '}'
// followed by ',' inside the row), strings holding "}, {" and escaped quotes and backslashes,
// non-ASCII text, and every few rows one much longer than the others.
std::string Row(int i) {
  std::string description =
      "Affects \\\"parsers\\\" like {\\\"a\\\": 1}, {\\\"b\\\": [2]}, "
      "\\\\ and }, {\\\"c\\\": \\\"é ✓\\\"}";
  if (i % 17 == 0) {
    for (int k = 0; k < 40; ++k) description += " }, {\\\"pad\\\": " + std::to_string(k) + "}";
  }
  const std::string n = std::to_string(i);
  return R"({"cves": [{"cve": "CVE-2024-)" + n +
         R"(", "cvss_v3_score": "9.8", "cvss_v3_vector": "CVSS:3.1/AV:N", "cwe": ["CWE-79"]},)" +
         R"( {"cve": "CVE-2023-)" + n + R"(", "cvss_v2_score": 5, "cwe": [20]}],)" +
         R"( "severity": ")" + (i % 3 == 0 ? "Critical" : "Low") + R"(", "issue_id": "XRAY-)" + n +
         R"(", "vulnerable_component": "gav://org.example:lib-)" + std::to_string(i % 5) +
         R"(:1.)" + n + R"(", "impacted_artifact": "docker://app:)" + std::to_string(i % 3) +
         R"(", "impact_path": ["docker://app", "gav://org.example:lib:1"], "fixed_versions":)" +
         R"( ["1.)" + n + R"(.1", "2.0 ✓"], "description": ")" + description +
         R"(", "references": ["https://example.org/{}"], "applicability_result": "Not Applicable"})";
}

std::string Report(int rows, std::string_view separator, std::string_view after_rows = "") {
  std::string text = "\xEF\xBB\xBF{\"total_rows\": " + std::to_string(rows) + ",\n \"rows\" :  [";
  for (int i = 0; i < rows; ++i) {
    if (i > 0) text += separator;
    text += Row(i);
  }
  text += "]";
  text += after_rows;
  text += "}\n";
  return text;
}

TEST(ReportWindows, EveryFixtureAndSampleReadsTheSameInWindowsAsWhole) {
  int windowed = 0;  // fixture readings that took several windows
  std::size_t fixtures = 0;
  for (const auto& entry : fs::directory_iterator(kFixtures)) {
    ++fixtures;
    for (std::size_t window : {64, 333, 4096})
      windowed += ExpectSameAsWhole(entry.path(), window) > 1;
  }
  ASSERT_GT(fixtures, 20u);
  // report.json and report_edge_cases.json in windows of 64 bytes at least.
  EXPECT_GE(windowed, 2);
  if (!fs::exists(kSamples)) return;  // the real samples, when they are there
  for (const auto& entry : fs::recursive_directory_iterator(kSamples)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    for (std::size_t window : {64, 333, 4096}) ExpectSameAsWhole(entry.path(), window);
  }
}

TEST(ReportWindows, CutsInsideStringsNestedObjectsAndLongRowsChangeNothing) {
  TempDir dir;
  const fs::path compact = dir.Write("compact.json", Report(60, ","));
  const fs::path spaced = dir.Write("spaced.json", Report(60, " ,\n\t "));
  const fs::path keys_after =
      dir.Write("keys_after.json", Report(40, ",", R"(, "offset": 0, "x": [{"a": 1}, {"b": 2}])"));
  const fs::path rows_first = dir.Write(
      "rows_first.json", "{\"rows\": [" + Row(1) + "," + Row(2) + "], \"total_rows\": 2}");
  for (const fs::path& file : {compact, spaced, keys_after}) {
    ASSERT_TRUE(ParseWith(file, 0).report) << ParseWith(file, 0).report.error().message;
    for (std::size_t window = 64; window < 9000; window += 397)
      EXPECT_GT(ExpectSameAsWhole(file, window), 1u);
    EXPECT_GT(ExpectSameAsWhole(file, 1000, true), 1u);
  }
  // The keys before the rows do not prove a report: read whole.
  EXPECT_EQ(ExpectSameAsWhole(rows_first, 64), 0u);
  Outcome windowed = ParseWith(compact, 500);
  ASSERT_TRUE(windowed.report);
  EXPECT_EQ(windowed.report->format, Format::kReport);
  EXPECT_EQ(windowed.findings.size(), 60u);
  EXPECT_EQ(windowed.findings[59].issue_id, "XRAY-59");
  EXPECT_EQ(windowed.findings[17].fixed_versions[1], "2.0 ✓");
}

// Each defect sits in row 33 of 60 (or after the rows), far past the first windows.
TEST(ReportWindows, ARefusedFileGetsTheMessageOfTheWholeParseAndValidationEmitsNothing) {
  TempDir dir;
  const std::string good = Report(60, ",");
  const std::string row33 = Row(33);
  const std::size_t at = good.find(row33);
  ASSERT_NE(at, std::string::npos);
  auto with_row = [&](const std::string& replacement) {
    return good.substr(0, at) + replacement + good.substr(at + row33.size());
  };
  std::string missing_comma = row33;
  missing_comma.replace(missing_comma.find(", \"severity\""), 1, "");
  std::string missing_component = row33;
  missing_component.replace(missing_component.find("vulnerable_component"), 20, "other_component");
  missing_component.replace(missing_component.find("issue_id"), 8, "issue_no");
  std::string bad_type = row33;
  bad_type.replace(bad_type.find("\"fixed_versions\": ["), 19,
                   "\"fixed_versions\": {\"a\": 1}, \"z\": [");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"missing_comma.json", with_row(missing_comma)},
      {"no_comma_between_rows.json",
       good.substr(0, at + row33.size()) + "\n" + good.substr(at + row33.size() + 1)},
      {"missing_component.json", with_row(missing_component)},
      {"wrong_type.json", with_row(bad_type)},
      {"not_an_object.json", with_row("[1, 2]")},
      {"violation_among_vulnerabilities.json",
       with_row(R"({"type": "security", "watch_name": "w", "severity": "High",)"
                R"( "vulnerable_component": "npm://a:1"})")},
      {"truncated.json", good.substr(0, good.size() / 2)},
      {"rows_not_closed.json", good.substr(0, good.rfind(']'))},
      {"trailing.json", good + "{}"},
      {"forbidden_key_after.json", Report(60, ",", R"(, "data": [])")},
      {"comma_before_rows_end.json", good.substr(0, good.rfind(']')) + ",\n]}\n"},
      {"comma_after_rows.json", Report(60, ",", ",")},
      {"no_comma_after_rows.json", Report(60, ",", R"( "offset": 0)")},
      {"bad_key_after.json", Report(60, ",", R"(, "offset" 0)")},
      {"not_utf8.json", with_row(row33.substr(0, 20) + "\xC3\x28" + row33.substr(20))},
      // A row refused early, and a problem the whole parse finds first (its stage 1 reads every
      // byte before any row): the whole parse's refusal wins.
      {"refused_row_then_not_utf8.json", with_row(missing_component).substr(0, good.size() - 300) +
                                             "\xC3\x28" + good.substr(good.size() - 298)},
      {"refused_row_then_unclosed_string.json",
       with_row(missing_component).substr(0, good.size() - 100) + "\"unclosed"},
  };
  for (const auto& [name, text] : cases) {
    const fs::path file = dir.Write(name, text);
    ASSERT_FALSE(ParseWith(file, 0).report) << name;
    for (std::size_t window : {64, 700, 5000}) {
      ExpectSameAsWhole(file, window);
      ExpectSameAsWhole(file, window, true);
    }
  }
}

}  // namespace
}  // namespace bulwark::ingest
