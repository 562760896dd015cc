// The JSON limits of imported files: nesting depth and string length (named by JSON path) and the
// number of findings per import.
#include "ingest/json_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "ingest/ingest.h"

namespace bulwark::ingest {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray";

std::string Nested(std::size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

TEST(JsonLimits, AcceptsADocumentWithinTheLimits) {
  JsonLimits limits{3, 5};
  EXPECT_TRUE(CheckJsonLimits(R"({"a": [{"b": "12345"}]})", limits));
  EXPECT_TRUE(CheckJsonLimits(Nested(3), limits));
}

TEST(JsonLimits, RefusesNestingDeeperThanTheLimitNamingThePath) {
  JsonLimits limits{3, 100};
  auto refused = CheckJsonLimits(R"({"rows": [{"x": 1}, {"paths": [[1]]}]})", limits);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kTooLarge);
  EXPECT_THAT(refused.error().message, HasSubstr("$.rows[1].paths:"));
  EXPECT_THAT(refused.error().message, HasSubstr("limit of 3 levels (max_json_depth)"));
  EXPECT_FALSE(CheckJsonLimits(Nested(4), limits));
}

TEST(JsonLimits, RefusesALongStringNamingThePathAndTheLimit) {
  JsonLimits limits{10, 7};
  auto refused = CheckJsonLimits(R"({"rows": [{"id": "1234", "summary": "12345678"}]})", limits);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kTooLarge);
  EXPECT_THAT(refused.error().message, HasSubstr("$.rows[0].summary: a string of 8 bytes"));
  EXPECT_THAT(refused.error().message, HasSubstr("limit of 7 bytes (max_json_string_bytes)"));
  auto key = CheckJsonLimits(R"({"ok": {"a": 1, "longerkey": 1}})", limits);
  ASSERT_FALSE(key);
  EXPECT_THAT(key.error().message, HasSubstr("$.ok: an object key of 9 bytes"));
}

TEST(JsonLimits, EscapedQuotesDoNotEndAString) {
  JsonLimits limits{2, 100};
  // The brackets are inside the string: not nesting.
  EXPECT_TRUE(CheckJsonLimits(R"(["a\"[[[[\\", "b"])", limits));
}

TEST(JsonLimits, LeavesMalformedTextToTheParser) {
  JsonLimits limits{2, 3};
  EXPECT_TRUE(CheckJsonLimits("]]}{", limits));
  EXPECT_TRUE(CheckJsonLimits(R"(["unterminated)", limits));
}

TEST(ImportLimits, AFileNestedTooDeepIsRefusedWithItsPath) {
  ParseOptions options;
  options.json_limits.max_depth = 2;
  CollectingSink sink;
  auto refused = ParseFile(kFixtures / "report.json", Format::kAuto, sink, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kTooLarge);
  EXPECT_THAT(refused.error().message, HasSubstr("$.rows[0]"));
  EXPECT_THAT(refused.error().message, HasSubstr("max_json_depth"));
  EXPECT_TRUE(sink.findings.empty());
}

TEST(ImportLimits, AFileWithALongStringIsRefused) {
  ParseOptions options;
  options.json_limits.max_string_bytes = 8;
  CollectingSink sink;
  auto refused = ParseFile(kFixtures / "report.json", Format::kAuto, sink, options);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("max_json_string_bytes"));
}

TEST(ImportLimits, MoreFindingsThanTheLimitAreRefused) {
  CollectingSink all;
  auto counted = ParseFile(kFixtures / "report.json", Format::kAuto, all);
  ASSERT_TRUE(counted) << counted.error().message;
  ASSERT_GE(counted->findings, 2u);
  ParseOptions options;
  options.max_rows = counted->findings - 1;
  options.validate_before_emit = true;
  CollectingSink sink;
  auto refused = ParseFile(kFixtures / "report.json", Format::kAuto, sink, options);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kTooLarge);
  EXPECT_THAT(refused.error().message, HasSubstr("max_import_rows"));
  EXPECT_TRUE(sink.findings.empty());
  options.max_rows = counted->findings;
  EXPECT_TRUE(ParseFile(kFixtures / "report.json", Format::kAuto, sink, options));
}

TEST(ImportLimits, TheLimitCountsEveryMemberOfAZip) {
  CollectingSink all;
  auto counted = ParseFile(kFixtures / "ui_export.zip", Format::kAuto, all);
  ASSERT_TRUE(counted) << counted.error().message;
  ASSERT_GE(counted->member_formats.size(), 2u);
  ParseOptions options;
  options.max_rows = counted->findings - 1;
  CollectingSink sink;
  auto refused = ParseFile(kFixtures / "ui_export.zip", Format::kAuto, sink, options);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message, HasSubstr("max_import_rows"));
}

}  // namespace
}  // namespace bulwark::ingest
