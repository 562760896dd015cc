// Runs the real `bulwark parse` binary on fixtures: output, exit codes, messages on stderr.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kBinary = BULWARK_BINARY_DIR "/bulwark";
const std::string kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray/";

struct CommandRun {
  int exit_code;
  std::string out;
  std::string err;
};

CommandRun Bulwark(const std::string& args) {
  auto err_file =
      std::filesystem::temp_directory_path() / ("bulwark_parse_err_" + std::to_string(::getpid()));
  std::string command = kBinary + " " + args + " 2>" + err_file.string();
  CommandRun run{};
  FILE* pipe = ::popen(command.c_str(), "r");
  std::array<char, 4096> buffer;
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    run.out.append(buffer.data(), n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::stringstream text;
  text << err.rdbuf();
  run.err = text.str();
  std::filesystem::remove(err_file);
  return run;
}

TEST(ParseCommand, SummaryPrintsTheDetectedFormatAndCounts) {
  CommandRun run = Bulwark("parse " + kFixtures + "report.json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("format: xray-report\n"));
  EXPECT_THAT(run.out, HasSubstr("findings: 2\n"));
  EXPECT_THAT(run.out, HasSubstr("kind.vulnerability: 2\n"));
  EXPECT_THAT(run.out, HasSubstr("severity.high: 1\n"));
  EXPECT_THAT(run.out, HasSubstr("severity.medium: 1\n"));
  EXPECT_TRUE(run.err.empty());
}

TEST(ParseCommand, TimingAddsTheInProcessParseSecondsOnlyWhenAsked) {
  CommandRun plain = Bulwark("parse " + kFixtures + "report.json");
  EXPECT_THAT(plain.out, Not(HasSubstr("parse_seconds")));
  CommandRun timed = Bulwark("parse " + kFixtures + "report.json --timing");
  ASSERT_EQ(timed.exit_code, 0) << timed.err;
  EXPECT_THAT(timed.out, HasSubstr("findings: 2\n"));
  EXPECT_THAT(timed.out, ContainsRegex("\nparse_seconds: [0-9]+\\.[0-9]{6}\nwindows: 0\n$"));
  CommandRun json = Bulwark("parse " + kFixtures + "report.json --output json --timing");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, Not(HasSubstr("parse_seconds")));  // stdout stays one JSON array
  EXPECT_THAT(json.err, ContainsRegex("^parse_seconds: [0-9]+\\.[0-9]{6}\n$"));
}

TEST(ParseCommand, JsonOutputIsAnArrayOfNormalisedFindings) {
  CommandRun run =
      Bulwark("parse " + kFixtures + "cli_json.json --format xray-cli-json --output json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.out.starts_with("[\n{"));
  EXPECT_THAT(
      run.out,
      HasSubstr(R"("kind":"vulnerability","severity":"high","vulnerability_key":"XRAY-1001")"));
  EXPECT_THAT(
      run.out,
      HasSubstr(
          R"("component":{"type":"deb","name":"debian:stretch:libx11","version":"2:1.6.4-3")"));
  EXPECT_THAT(run.out, HasSubstr(R"("fixed_versions":["[4.17.21]"])"));
  EXPECT_THAT(run.out, HasSubstr(R"("cwes":["CWE-77"])"));
}

TEST(ParseCommand, NonAsciiFixedVersionsAreWrittenVerbatim) {
  CommandRun run = Bulwark("parse " + kFixtures + "report.json --output json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"≥ 2:1.6.4-3+deb9u1\""));
}

TEST(ParseCommand, RefusedFileExitsTwoWithTheReasonOnStderrAndNothingOnStdout) {
  CommandRun run = Bulwark("parse " + kFixtures + "missing_component.json --output json");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_TRUE(run.out.empty()) << run.out;
  EXPECT_THAT(run.err, HasSubstr("$.rows[17].vulnerable_component: missing"));
  CommandRun malformed = Bulwark("parse " + kFixtures + "malformed.json");
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_THAT(malformed.err, HasSubstr("line 3, column 23 (byte offset 51)"));
  CommandRun status = Bulwark("parse " + kFixtures + "mixed_top_level.json");
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_THAT(status.err, HasSubstr("mixed formats"));
}

TEST(ParseCommand, UnknownFormatNameAndMissingFileAreErrors) {
  CommandRun bad_format = Bulwark("parse " + kFixtures + "report.json --format xray");
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_THAT(bad_format.err, HasSubstr("unknown --format xray"));
  CommandRun missing = Bulwark("parse " + kFixtures + "does_not_exist.json");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("does_not_exist.json"));
}

TEST(ParseCommand, ZipExportImportsItsMembersTogether) {
  CommandRun run = Bulwark("parse " + kFixtures + "ui_export.zip");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("format: zip\n"));
  EXPECT_THAT(run.out, HasSubstr("member: xray-ui-security-export\n"));
  EXPECT_THAT(run.out, HasSubstr("member: xray-ui-violations-export\n"));
  EXPECT_THAT(run.out, HasSubstr("findings: 3\n"));
}

}  // namespace
