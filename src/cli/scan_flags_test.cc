// kdt command lines parse unchanged with `bulwark` in place of `kdt`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct Parsed {
  ScanArgs args;
  int exit_code = -1;
  bool ran = false;
};

Parsed Parse(std::vector<std::string> argv, bool import = false) {
  Parsed parsed;
  CLI::App app;
  AddScanSubcommand(app, import, [&parsed](const ScanArgs& a) {
    parsed.args = a;
    parsed.ran = true;
    return 0;
  });
  argv.insert(argv.begin(), "bulwark");
  std::vector<const char*> raw;
  for (const auto& a : argv) raw.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(raw.size()), raw.data());
    parsed.exit_code = 0;
  } catch (const CLI::ParseError& e) {
    parsed.exit_code = e.get_exit_code();
  }
  return parsed;
}

TEST(ScanFlags, KdtCoreFlagsKeepTheirMeaning) {
  Parsed p = Parse({"scan",
                    "-p",
                    "app",
                    "-t",
                    "jfrogxraysca",
                    "-b",
                    "main",
                    "-m",
                    "api",
                    "--scan-tag",
                    "v1",
                    "--env",
                    "production",
                    "--async",
                    "--timeout",
                    "15",
                    "--threshold-crit",
                    "0",
                    "--threshold-high",
                    "3",
                    "--threshold-med",
                    "10",
                    "--threshold-low",
                    "100",
                    "--threshold-risk",
                    "--exit-code",
                    "0",
                    "-v",
                    "--host",
                    "https://b.example",
                    "--token",
                    "t",
                    "--insecure"});
  ASSERT_TRUE(p.ran);
  const ScanArgs& a = p.args;
  EXPECT_EQ(a.project, "app");
  EXPECT_EQ(a.tool, "jfrogxraysca");
  EXPECT_EQ(a.branch, "main");
  EXPECT_EQ(a.meta, "api");
  EXPECT_EQ(a.scan_tag, "v1");
  EXPECT_EQ(a.environment, "production");
  EXPECT_TRUE(a.async);
  EXPECT_EQ(a.timeout_minutes, 15);
  EXPECT_EQ(a.gate.crit, 0);
  EXPECT_EQ(a.gate.high, 3);
  EXPECT_EQ(a.gate.med, 10);
  EXPECT_EQ(a.gate.low, 100);
  EXPECT_TRUE(a.gate.risk);
  EXPECT_EQ(a.connection.exit_code, 0);
  EXPECT_TRUE(a.connection.verbose);
  EXPECT_TRUE(a.connection.insecure);
  EXPECT_EQ(a.connection.host, "https://b.example");
  EXPECT_THAT(a.ignored_flags, IsEmpty());
}

TEST(ScanFlags, UnsetThresholdsStayUnset) {
  Parsed p = Parse({"scan", "-p", "app", "-t", "jfrogxraysca", "-f", "r.json", "-s", "42"});
  ASSERT_TRUE(p.ran);
  EXPECT_FALSE(p.args.gate.Any());
  EXPECT_EQ(p.args.file, "r.json");
  EXPECT_EQ(p.args.scan_id, "42");
  EXPECT_FALSE(p.args.connection.exit_code.has_value());
}

TEST(ScanFlags, KdtFlagsWithoutMeaningHereAreAcceptedAndReported) {
  Parsed p = Parse({"scan",
                    "-p",
                    "app",
                    "-t",
                    "jfrogxraysca",
                    "-b",
                    "feature/x",
                    "-M",
                    "main",
                    "--pr-number",
                    "12",
                    "--pr-decoration-scanner-types",
                    "sca",
                    "-B",
                    "--fork-source",
                    "dev",
                    "--create-project",
                    "-l",
                    "a,b",
                    "-T",
                    "team",
                    "-r",
                    "https://github.com/o/r",
                    "-A",
                    "github",
                    "-P",
                    "prod",
                    "--params",
                    "a:b",
                    "--params",
                    "c:d",
                    "-I",
                    "img:1",
                    "-a",
                    "agent",
                    "--release-timeout",
                    "5",
                    "--break-by-scanner-type",
                    "--no-decoration",
                    "--override",
                    "--criticality-level",
                    "2",
                    "--default-branch",
                    "main",
                    "--disable-clone",
                    "--feature-branch-retention",
                    "3",
                    "--feature-branch-infinite-retention",
                    "--scope-include-empty",
                    "--scope-included-paths",
                    "src",
                    "--scope-included-files",
                    "x",
                    "--override-fork-source",
                    "--project-name",
                    "n",
                    "-i"});
  ASSERT_TRUE(p.ran) << p.exit_code;
  EXPECT_EQ(p.args.branch, "feature/x");
  EXPECT_EQ(p.args.ignored_flags.size(), 29u);
  EXPECT_EQ(p.args.ignored_flags.front(), "--image");
}

TEST(ScanFlags, NewThresholdsAndOutputs) {
  Parsed p = Parse({"scan", "-p", "a", "-t", "x", "--threshold-new-crit", "0",
                    "--threshold-new-high", "1", "--threshold-new-med", "2", "--threshold-new-low",
                    "3", "--output", "sarif", "--output-file", "o.sarif"});
  ASSERT_TRUE(p.ran);
  EXPECT_EQ(p.args.gate.new_crit, 0);
  EXPECT_EQ(p.args.gate.new_low, 3);
  EXPECT_EQ(p.args.output.format, "sarif");
  EXPECT_EQ(p.args.output.file, "o.sarif");
  EXPECT_NE(Parse({"scan", "--output", "xml"}).exit_code, 0);
  EXPECT_NE(Parse({"scan", "--threshold-crit", "many"}).exit_code, 0);
}

TEST(ScanFlags, ImportNeedsAFile) {
  EXPECT_FALSE(Parse({"import", "-p", "a", "-t", "x", "-b", "main"}, true).ran);
  Parsed p = Parse({"import", "-p", "a", "-t", "x", "-b", "main", "-f", "r.json"}, true);
  ASSERT_TRUE(p.ran);
  EXPECT_EQ(p.args.file, "r.json");
}

}  // namespace
}  // namespace bulwark::cli
