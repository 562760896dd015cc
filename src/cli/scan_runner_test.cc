// Whole pipeline commands run against the in-process fake API with a fake clock: modes, waiting,
// timeouts, gates and their explanations, outputs and exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/fake_api.h"
#include "cli/pipeline_commands.h"

namespace bulwark::cli {
namespace {

using testing::FakeApi;
using ::testing::HasSubstr;
using testing::MakeFinding;
using ::testing::Not;

class ScanRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bulwark-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    report_ = (dir_ / "report.json").string();
    std::ofstream(report_) << R"({"vulnerabilities":[]})";
    args_.connection.host = FakeApi::kHost;
    args_.connection.token = "tok";
    args_.project = "app";
    args_.tool = "jfrogxraysca";
    args_.branch = "main";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int Run() {
    out_.str("");
    err_.str("");
    CommandIo io{api_, clock_, [this](const std::string& k) { return Env(k); }, "", out_,
                 err_, tty_};
    return RunScan(args_, io);
  }
  std::optional<std::string> Env(const std::string& name) {
    auto it = env_.find(name);
    if (it == env_.end()) return std::nullopt;
    return it->second;
  }

  FakeApi api_;
  env::FakeClock clock_;
  std::map<std::string, std::string> env_;
  std::ostringstream out_, err_;
  bool tty_ = false;
  ScanArgs args_;
  std::filesystem::path dir_;
  std::string report_;
};

TEST_F(ScanRunnerTest, AFailedReleaseFailsTheBuildAfterPassedThresholds) {
  args_.file = report_;
  api_.release = {{"branch", "main"},
                  {"status", "failed"},
                  {"violations", {{{"severity", "high"}, {"count", 2}, {"max", 1}}}}};
  EXPECT_EQ(Run(), 1) << out_.str() << err_.str();
  EXPECT_THAT(err_.str(), HasSubstr("scan failed to pass release criteria: project does not pass "
                                    "release criteria due to [SCA] failure"));
  EXPECT_THAT(out_.str(), HasSubstr("high findings: 2 open, the release policy allows 1"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("scan passed security tests successfully")));
  ASSERT_EQ(api_.CountRequests("GET", "/projects/7/release"), 1);
  for (const auto& r : api_.requests) {
    if (r.path == "/projects/7/release") {
      EXPECT_EQ(r.query, "branch=main");
    }
  }
}

TEST_F(ScanRunnerTest, AnUndefinedOrPassedReleasePasses) {
  args_.file = report_;
  EXPECT_EQ(Run(), 0) << out_.str() << err_.str();
  api_.release["status"] = "passed";
  EXPECT_EQ(Run(), 0) << out_.str() << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("scan passed security tests successfully"));
}

TEST_F(ScanRunnerTest, ReleaseCommandAnswersLikeKdtRelease) {
  ReleaseArgs args;
  args.connection = args_.connection;
  args.project = "app";
  args.branch = "main";
  CommandIo io{api_, clock_, [this](const std::string& k) { return Env(k); }, "", out_, err_, tty_};
  EXPECT_EQ(RunRelease(args, io), 0);
  EXPECT_THAT(out_.str(), HasSubstr("project has no release criteria"));
  api_.release["status"] = "failed";
  out_.str("");
  EXPECT_EQ(RunRelease(args, io), 1);
  EXPECT_THAT(out_.str(), HasSubstr("STATUS    SAST"));
  EXPECT_THAT(err_.str(), HasSubstr("project does not pass release criteria due to [SCA] failure"));
  args.any_category = true;  // e.g. --sast only: an SCA failure does not count
  out_.str("");
  EXPECT_EQ(RunRelease(args, io), 0);
  EXPECT_THAT(out_.str(), HasSubstr("project passes release criteria"));
}

TEST_F(ScanRunnerTest, ImportPassesAndPrintsEachStateTheTableAndTheLink) {
  args_.file = report_;
  api_.final_summary = {{"critical", 0}, {"high", 2}, {"medium", 3}, {"low", 1}, {"info", 0}};
  api_.final_risk = 30;
  EXPECT_EQ(Run(), 0) << out_.str() << err_.str();
  const std::string out = out_.str();
  for (const char* state : {"waiting", "running", "analyzing", "finished"})
    EXPECT_THAT(out, HasSubstr(std::string("INF: scan status is [") + state + "]"));
  EXPECT_THAT(out, HasSubstr("NAME    ID      BRANCH    META    TOOL            CRIT    HIGH"));
  EXPECT_THAT(out,
              HasSubstr("app     100     main      -       jfrogxraysca    0       2       3"));
  EXPECT_THAT(out, HasSubstr("link: http://bulwark.test/scans/100"));
  EXPECT_THAT(out, HasSubstr("scan passed security tests successfully"));
  ASSERT_EQ(api_.CountRequests("POST", "/projects/7/imports"), 1);
  for (const auto& r : api_.requests) {
    if (r.method != "POST") continue;
    EXPECT_THAT(r.body, HasSubstr("name=\"file\"; filename=\"report.json\""));
    EXPECT_THAT(r.body, HasSubstr(R"({"vulnerabilities":[]})"));
    EXPECT_THAT(r.body, HasSubstr("name=\"branch\"\r\n\r\nmain\r\n"));
  }
  EXPECT_THAT(out + err_.str(), Not(HasSubstr("tok")));  // the token is never printed
}

TEST_F(ScanRunnerTest, PollingBacksOffWithoutSleepingAndResetsOnStateChange) {
  api_.script = {"waiting", "running", "running", "running", "running", "finished"};
  EXPECT_EQ(Run(), 0);
  // waiting->running after 1 s, then 1 s, 2 s, 4 s unchanged, then 8 s before finished.
  EXPECT_EQ(clock_.Slept(), std::chrono::milliseconds(1000 + 1000 + 2000 + 4000 + 8000));
  EXPECT_EQ(PollInterval(0), std::chrono::seconds(1));
  EXPECT_EQ(PollInterval(3), std::chrono::seconds(8));
  EXPECT_EQ(PollInterval(30), std::chrono::seconds(10));
}

TEST_F(ScanRunnerTest, ScanWithAConfiguredScannerSendsItsId) {
  api_.scanners = {{{"id", 3}, {"tool", "jfrogxraysca"}, {"branch", "main"}},
                   {{"id", 4}, {"tool", "jfrogxraysca"}, {"branch", "dev"}}};
  EXPECT_EQ(Run(), 0) << err_.str();
  ASSERT_EQ(api_.CountRequests("POST", "/projects/7/scans"), 1);
  for (const auto& r : api_.requests) {
    if (r.method == "POST") {
      EXPECT_EQ(nlohmann::json::parse(r.body)["scanner_id"], 3);
      EXPECT_EQ(nlohmann::json::parse(r.body)["method"], "kdt");
    }
  }
}

TEST_F(ScanRunnerTest, ScanWithoutAScannerSendsToolAndBranch) {
  args_.branch = "";
  EXPECT_EQ(Run(), 0) << err_.str();
  for (const auto& r : api_.requests) {
    if (r.method != "POST") continue;
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["tool"], "jfrogxraysca");
    EXPECT_EQ(body["branch"], "main");  // the project's default branch
  }
}

TEST_F(ScanRunnerTest, FailedThresholdExitsOneAndExplainsWithTheMostSevereFindings) {
  args_.file = report_;
  args_.gate.crit = 1;
  api_.final_summary = {{"critical", 2}, {"high", 0}, {"medium", 0}, {"low", 0}};
  api_.findings = {
      MakeFinding(1, "critical", "XRAY-1", "CVE-2021-1", "lodash", "4.17.15", {"4.17.21"}),
      MakeFinding(2, "critical", "", "CVE-2022-2", "minimist", "1.2.0"),
      MakeFinding(3, "critical", "XRAY-3", "", "ws", "7.0.0", {}, "false_positive"),
      MakeFinding(4, "high", "XRAY-4", "", "qs", "6.0.0")};
  EXPECT_EQ(Run(), 1);
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("number of vulnerabilities with critical severity (2) is higher "
                             "than threshold (1) [--threshold-crit]"));
  EXPECT_THAT(out, HasSubstr("offending findings (2 of 2, most severe first)"));
  EXPECT_THAT(out, HasSubstr("lodash@4.17.15"));
  EXPECT_THAT(out, HasSubstr("4.17.21"));
  EXPECT_THAT(out, HasSubstr("CVE-2022-2"));
  EXPECT_THAT(out, HasSubstr("(no fix)"));
  EXPECT_THAT(out, Not(HasSubstr("ws@7.0.0")));  // triaged
  EXPECT_THAT(out, Not(HasSubstr("qs@6.0.0")));  // not the failed severity
  EXPECT_THAT(err_.str(), HasSubstr("ERR: scan could not pass security tests"));
}

TEST_F(ScanRunnerTest, ThresholdEqualToTheCountPasses) {
  args_.gate.crit = 2;
  args_.gate.high = 0;
  api_.final_summary = {{"critical", 2}, {"high", 0}, {"medium", 9}, {"low", 9}};
  EXPECT_EQ(Run(), 0) << out_.str();
}

TEST_F(ScanRunnerTest, ExitCodeOverridesSuccessAndFailure) {
  args_.connection.exit_code = 0;
  args_.gate.crit = 0;
  api_.final_summary = {{"critical", 1}};
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(out_.str(), HasSubstr("overriding exit code [1] as [0]"));
  args_.connection.exit_code = 3;
  args_.gate = {};
  EXPECT_EQ(Run(), 3);
}

TEST_F(ScanRunnerTest, AsyncPrintsTheScanIdAndDoesNotWait) {
  args_.async = true;
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(out_.str(), HasSubstr("SCAN ID\n-------\n100\n"));
  EXPECT_THAT(out_.str(), HasSubstr("scan has been started with async parameter, exiting."));
  EXPECT_EQ(api_.CountRequests("GET", "/scans/"), 0);
  EXPECT_EQ(clock_.Slept(), std::chrono::milliseconds(0));
}

TEST_F(ScanRunnerTest, TimeoutExitsZeroAndLeavesTheScanRunning) {
  api_.script = {"waiting", "running"};  // never ends
  args_.timeout_minutes = 1;
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(out_.str(), HasSubstr("scan duration exceeds timeout, it will continue running "
                                    "async in the background"));
  EXPECT_EQ(clock_.Slept(), std::chrono::minutes(1));
}

TEST_F(ScanRunnerTest, FailedScanExitsOneWithItsErrorAndHint) {
  api_.fail_error = "the file is not an Xray report";
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("scan failed: the file is not an Xray report (hint: check "
                                    "the file)"));
}

TEST_F(ScanRunnerTest, RejectedFileIsAClearErrorAndExitsOne) {
  args_.file = report_;
  api_.import_status = 422;
  api_.import_error = {{"code", "data_loss"}, {"message", "line 1: not a JFrog Xray format"}};
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("failed to start scan"));
  EXPECT_THAT(err_.str(), HasSubstr("HTTP 422 data_loss: line 1: not a JFrog Xray format"));
}

TEST_F(ScanRunnerTest, MissingFileIsNamed) {
  args_.file = (dir_ / "nope.json").string();
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("nope.json: cannot be read"));
}

TEST_F(ScanRunnerTest, MissingTokenIsAClearErrorBeforeAnyRequest) {
  args_.connection.token = "";
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("the server token is not configured"));
  EXPECT_TRUE(api_.requests.empty());
}

TEST_F(ScanRunnerTest, UnknownProjectIsNamed) {
  args_.project = "nope";
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("no project named 'nope'"));
}

TEST_F(ScanRunnerTest, IgnoredKdtFlagsPrintANote) {
  args_.ignored_flags = {"--pr-number"};
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(err_.str(), HasSubstr("note: --pr-number is accepted for kdt compatibility and has "
                                    "no effect here"));
}

TEST_F(ScanRunnerTest, JsonOutputOnStdoutKeepsLogsOnStderr) {
  args_.output.format = "json";
  args_.gate.high = 0;
  api_.final_summary = {{"high", 1}};
  api_.findings = {MakeFinding(4, "high", "XRAY-4", "", "qs", "6.0.0", {"6.0.4"})};
  EXPECT_EQ(Run(), 1);
  auto doc = nlohmann::json::parse(out_.str());
  EXPECT_EQ(doc["scan"]["id"], 100);
  EXPECT_EQ(doc["gate"]["passed"], false);
  EXPECT_EQ(doc["gate"]["violations"][0]["flag"], "--threshold-high");
  EXPECT_EQ(doc["gate"]["offending_findings"][0]["issue_id"], "XRAY-4");
  EXPECT_EQ(doc["exit_code"], 1);
  EXPECT_THAT(err_.str(), HasSubstr("scan status is [finished]"));
}

TEST_F(ScanRunnerTest, SarifGoesToTheFileAndTheTableToStdout) {
  args_.output.format = "sarif";
  args_.output.file = (dir_ / "out.sarif").string();
  api_.findings = {MakeFinding(1, "critical", "XRAY-1", "CVE-2021-1", "lodash", "4.17.15"),
                   MakeFinding(2, "low", "XRAY-2", "", "ws", "1.0.0", {}, "fixed")};
  EXPECT_EQ(Run(), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("NAME    ID"));
  std::ifstream in(args_.output.file);
  auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_EQ(doc["runs"][0]["results"].size(), 1u);  // the fixed one is left out
  EXPECT_EQ(doc["runs"][0]["results"][0]["ruleId"], "XRAY-1");
}

TEST_F(ScanRunnerTest, NewFindingThresholdsCountOnlyUntriagedNewFindings) {
  args_.gate.new_high = 0;
  api_.final_summary = {{"high", 5}};
  api_.diff["new"] = {MakeFinding(9, "high", "XRAY-9", "", "qs", "6.0.0", {}, "risk_accepted")};
  EXPECT_EQ(Run(), 0) << out_.str();
  api_.diff["new"].push_back(MakeFinding(10, "high", "XRAY-10", "", "debug", "2.0.0"));
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(out_.str(), HasSubstr("number of new vulnerabilities with high severity (1) is "
                                    "higher than threshold (0) [--threshold-new-high]"));
  EXPECT_THAT(out_.str(), HasSubstr("debug@2.0.0"));
}

TEST_F(ScanRunnerTest, WithoutADiffRouteNewMeansFindingsInStateNew) {
  api_.has_diff_route = false;
  args_.gate.new_crit = 0;
  api_.final_summary = {{"critical", 2}};
  api_.findings = {MakeFinding(1, "critical", "XRAY-1", "", "old", "1.0.0", {}, "open"),
                   MakeFinding(2, "critical", "XRAY-2", "", "fresh", "1.0.0", {}, "new")};
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(out_.str(), HasSubstr("number of new vulnerabilities with critical severity (1)"));
  EXPECT_THAT(out_.str(), HasSubstr("fresh@1.0.0"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("old@1.0.0")));
}

TEST_F(ScanRunnerTest, RiskThresholdComparesWithThePreviousScanOfToolAndBranch) {
  args_.gate.risk = true;
  api_.final_risk = 40;
  api_.previous_scans = {{{"id", 50},
                          {"tool", "jfrogxraysca"},
                          {"branch", "main"},
                          {"state", "finished"},
                          {"risk_score", 40},
                          {"created_at", "2026-11-20T00:00:00Z"}},
                         {{"id", 51},
                          {"tool", "jfrogxraysca"},
                          {"branch", "dev"},
                          {"state", "finished"},
                          {"risk_score", 1},
                          {"created_at", "2026-11-21T00:00:00Z"}}};
  EXPECT_EQ(Run(), 0) << out_.str();  // equal is not a rise
  api_.final_risk = 41;
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(out_.str(), HasSubstr("risk score of the scan (41) is higher than last scan's (40)"));
}

TEST_F(ScanRunnerTest, RiskThresholdWithoutAPreviousScanPassesWithANote) {
  args_.gate.risk = true;
  api_.final_risk = 90;
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(out_.str(), HasSubstr("no previous finished scan"));
}

TEST_F(ScanRunnerTest, ProgressBarOnlyOnATerminal) {
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(err_.str(), Not(HasSubstr("[")));
  tty_ = true;
  EXPECT_EQ(Run(), 0);
  EXPECT_THAT(err_.str(), HasSubstr("running"));
  EXPECT_THAT(err_.str(), HasSubstr("%"));
}

TEST_F(ScanRunnerTest, RerunStartsTheSameScannerAgain) {
  args_.async = true;
  EXPECT_EQ(Run(), 0);
  ScanArgs rerun;
  rerun.connection = args_.connection;
  rerun.scan_id = "100";
  args_ = rerun;
  EXPECT_EQ(Run(), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("restarting scan [100]"));
  EXPECT_EQ(api_.CountRequests("POST", "/projects/7/scans"), 2);
}

TEST_F(ScanRunnerTest, NothingToScanIsExplained) {
  args_.tool = "";
  EXPECT_EQ(Run(), 1);
  EXPECT_THAT(err_.str(), HasSubstr("give -p/--project and -t/--tool"));
}

TEST_F(ScanRunnerTest, StatusReportsAndGatesTheLatestFinishedScan) {
  api_.previous_scans = {{{"id", 50},
                          {"project_name", "app"},
                          {"tool", "jfrogxraysca"},
                          {"branch", "main"},
                          {"state", "finished"},
                          {"summary", {{"critical", 3}}},
                          {"created_at", "2026-11-20T00:00:00Z"}}};
  StatusArgs status;
  status.connection = args_.connection;
  status.project = "app";
  status.gate.crit = 2;
  CommandIo io{api_, clock_, [](const std::string&) { return std::nullopt; }, "", out_,
               err_, false};
  EXPECT_EQ(RunStatus(status, io), 1);
  EXPECT_THAT(out_.str(), HasSubstr("app     50 "));
  EXPECT_THAT(out_.str(), HasSubstr("critical severity (3) is higher than threshold (2)"));
}

TEST_F(ScanRunnerTest, ListCommandsPrintTablesAndJson) {
  CommandIo io{api_, clock_, [](const std::string&) { return std::nullopt; }, "", out_,
               err_, false};
  ListArgs list;
  list.connection = args_.connection;
  list.what = "projects";
  EXPECT_EQ(RunList(list, io), 0);
  EXPECT_THAT(out_.str(), HasSubstr("NAME       ID      BRANCH    DESCRIPTION\n"));
  EXPECT_THAT(out_.str(), HasSubstr("app-two    8       main      -\n"));
  out_.str("");
  list.what = "scanners";
  list.project = "app";
  list.output.format = "json";
  api_.scanners = {{{"id", 3}, {"tool", "jfrogxraysca"}, {"repository_key", "npm-local"}}};
  EXPECT_EQ(RunList(list, io), 0);
  EXPECT_EQ(nlohmann::json::parse(out_.str())["scanners"][0]["repository_key"], "npm-local");
}

}  // namespace
}  // namespace bulwark::cli
