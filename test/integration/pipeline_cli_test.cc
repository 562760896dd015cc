// The real `bulwark scan`, `import`, `status` and `list` run as processes against the real
// `bulwark serve` (SQLite in a temp directory, port 0 on 127.0.0.1): imports that pass and fail
// their gates, --async, SARIF to a file, a rejected file, and every connection source in order;
// API scans through the project's JFrog Xray SCA scanner against the real fake-xray process:
// every threshold flag on both sides of its boundary, --timeout, --exit-code and SARIF.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/integration/process.h"
#include "test/support/names.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;

const std::string kFixtures = BULWARK_SOURCE_DIR "/test/fixtures/xray/";

// The URL of a loopback port that was free a moment ago: bound on port 0, read back, closed.
std::string UnusedLocalUrl() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

class PipelineCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-cli-it-" + Unique());
    std::filesystem::create_directories(dir_ / "home");
  }
  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      server_->Wait();
    }
    std::filesystem::remove_all(dir_);
  }

  // Starts `bulwark serve` and creates project "app" (default branch main).
  void StartServer() {
    server_ =
        std::make_unique<Process>(std::vector<std::string>{"serve", "--listen", "127.0.0.1:0",
                                                           "--data-dir", (dir_ / "data").string()},
                                  std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << "serve did not start:\n" << server_->Stderr();
    std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    token_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    httplib::Client client(url_);
    client.set_read_timeout(30);
    auto created =
        client.Post("/api/v1/projects", {{"Authorization", "Bearer " + token_}},
                    json{{"name", "app"}, {"default_branch", "main"}}.dump(), "application/json");
    ASSERT_TRUE(created);
    ASSERT_TRUE(created->status == 201 || created->status == 200) << created->body;
  }

  // The environment of a pipeline: only what the test sets, HOME in the temp directory.
  std::map<std::string, std::string> Env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{{"HOME", (dir_ / "home").string()},
                                           {"BULWARK_HOST", ""},
                                           {"BULWARK_TOKEN", ""},
                                           {"INVICTI_ASPM_HOST", ""},
                                           {"INVICTI_ASPM_TOKEN", ""},
                                           {"KONDUKTO_HOST", ""},
                                           {"KONDUKTO_TOKEN", ""}};
    for (auto& [k, v] : extra) env[k] = v;
    return env;
  }

  // Runs the CLI configured for the test's server through BULWARK_HOST and BULWARK_TOKEN.
  Output Cli(std::vector<std::string> args) {
    return RunBulwark(args, Env({{"BULWARK_HOST", url_}, {"BULWARK_TOKEN", token_}}));
  }

  std::vector<std::string> Import(const std::string& fixture, std::vector<std::string> more = {}) {
    std::vector<std::string> args{
        "scan", "-p", "app", "-t", "jfrogxraysca", "-b", "main", "-f", kFixtures + fixture};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  // Starts fake-xray, points the server's JFrog Xray SCA integration at it and adds project
  // "app"'s scanner on branch main for `repository`. Call after StartServer.
  void StartXray(const std::string& repository = "npm-local") {
    fake_ = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY);
    ASSERT_NE(fake_, nullptr) << "could not start " << FAKE_XRAY_BINARY;
    ConfigureFake({{"report_duration_ms", 0}});
    httplib::Client client(url_);
    client.set_read_timeout(30);
    httplib::Headers auth{{"Authorization", "Bearer " + token_}};
    auto saved = client.Put("/api/v1/integrations/jfrogxraysca", auth,
                            json{{"active", true},
                                 {"api_enabled", true},
                                 {"url", fake_->http_url()},
                                 {"access_token", "good-token"}}
                                .dump(),
                            "application/json");
    ASSERT_TRUE(saved);
    ASSERT_EQ(saved->status, 200) << saved->body;
    auto projects = client.Get("/api/v1/projects", auth);
    ASSERT_TRUE(projects);
    project_id_ = json::parse(projects->body)["projects"][0]["id"].get<long>();
    auto scanner = client.Post(
        "/api/v1/projects/" + std::to_string(project_id_) + "/scanners", auth,
        json{{"tool", "jfrogxraysca"}, {"repository_key", repository}, {"branch", "main"}}.dump(),
        "application/json");
    ASSERT_TRUE(scanner);
    ASSERT_EQ(scanner->status, 201) << scanner->body;
  }

  void ConfigureFake(const json& config) {
    auto answer = fake_->Control("POST", "/__fake/config", config.dump());
    ASSERT_FALSE(answer.starts_with("error")) << answer;
  }

  // Serves a report with `counts` findings of each severity (critical, high, medium, low), the
  // i-th of a severity always the same finding, so a later report with larger counts adds only
  // new findings.
  void ServeReport(std::array<int, 4> counts) {
    static const char* kNames[] = {"Critical", "High", "Medium", "Low"};
    json rows = json::array();
    for (int s = 0; s < 4; ++s) {
      for (int i = 0; i < counts[s]; ++i) {
        const std::string key = std::to_string(s) + std::to_string(100 + i);
        rows.push_back({{"issue_id", "XRAY-" + key},
                        {"severity", kNames[s]},
                        {"summary", std::string(kNames[s]) + " issue " + key},
                        {"vulnerable_component", "npm://pkg-" + key + ":1.0.0"},
                        {"impacted_artifact", "npm://app:1.0.0"},
                        {"cves", json::array({{{"cve", "CVE-2025-" + key}}})},
                        {"fixed_versions", json::array({"1.0.1"})}});
      }
    }
    const auto file = dir_ / ("report-" + Unique() + ".json");
    std::ofstream(file) << json{{"total_rows", rows.size()}, {"rows", rows}}.dump();
    ConfigureFake({{"dataset", {{"file", file.string()}}}});
  }

  std::vector<std::string> ApiScan(std::vector<std::string> more = {}) {
    std::vector<std::string> args{"scan", "-p", "app", "-t", "jfrogxraysca", "-b", "main"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  json FakeState() { return json::parse(fake_->Control("GET", "/__fake/state")); }

  std::filesystem::path dir_;
  std::unique_ptr<Process> server_;
  std::unique_ptr<fakes::FakeXrayProcess> fake_;
  std::string url_, token_;
  long project_id_ = 0;
};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(PipelineCliTest, MissingHostOrTokenIsAClearErrorWithExitOne) {
  Output o = RunBulwark(Import("cli_json.json"), Env());
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("host and token are not configured"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("BULWARK_HOST and BULWARK_TOKEN"), std::string::npos) << o.err;
  o = RunBulwark(Import("cli_json.json"), Env({{"BULWARK_HOST", UnusedLocalUrl()}}));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find("token is not configured"), std::string::npos) << o.err;
}

TEST_F(PipelineCliTest, UnreachableServerIsNamed) {
  const std::string host = UnusedLocalUrl();
  Output o =
      RunBulwark({"list", "projects"}, Env({{"BULWARK_HOST", host}, {"BULWARK_TOKEN", "t"}}));
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_NE(o.err.find(host + "/api/v1/projects"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("BULWARK_TOKEN=t"), std::string::npos);
}

TEST_F(PipelineCliTest, PassingImportPrintsStatesTableAndLink) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--threshold-high", "1", "--threshold-crit", "0"}));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("INF: scan status is [finished]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("NAME    ID      BRANCH    META    TOOL            CRIT    HIGH"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("scan passed security tests successfully"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find(token_), std::string::npos);
  EXPECT_EQ(o.err.find(token_), std::string::npos);
}

TEST_F(PipelineCliTest, FailedGateExitsOneAndListsTheOffendingFinding) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--threshold-high", "0"}));
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("number of vulnerabilities with high severity (1) is higher than "
                       "threshold (0) [--threshold-high]"),
            std::string::npos)
      << o.out;
  EXPECT_NE(o.out.find("XRAY-1001"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("lodash@4.17.15"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("4.17.21"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("libx11"), std::string::npos) << "a medium finding is not offending";

  o = Cli(Import("cli_json.json", {"--threshold-high", "0", "--exit-code", "0"}));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("overriding exit code [1] as [0]"), std::string::npos) << o.out;
}

TEST_F(PipelineCliTest, AsyncPrintsTheScanIdAndStatusFollowsIt) {
  StartServer();
  Output o = Cli(Import("cli_json.json", {"--async"}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  auto at = o.out.find("SCAN ID\n-------\n");
  ASSERT_NE(at, std::string::npos) << o.out;
  std::string id = o.out.substr(at + 16, o.out.find('\n', at + 16) - at - 16);
  ASSERT_FALSE(id.empty());
  Output status = Cli({"status", "-e", id, "--output", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  auto doc = json::parse(status.out);
  EXPECT_EQ(doc["scan"]["id"].dump(), json::parse(id).dump());
}

TEST_F(PipelineCliTest, SarifToAFile) {
  StartServer();
  const std::string sarif = (dir_ / "out.sarif").string();
  Output o = Cli(Import("cli_json.json", {"--output", "sarif", "--output-file", sarif}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  std::ifstream in(sarif);
  json doc = json::parse(in);
  EXPECT_EQ(doc["version"], "2.1.0");
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "Bulwark");
  ASSERT_EQ(run["results"].size(), 2u) << doc.dump(2);
  std::set<std::string> rules;
  for (const json& r : run["tool"]["driver"]["rules"]) rules.insert(r["id"]);
  EXPECT_TRUE(rules.count("XRAY-1001")) << doc.dump(2);
  for (const json& r : run["results"]) {
    EXPECT_TRUE(rules.count(r["ruleId"].get<std::string>()));
    EXPECT_TRUE(r["message"]["text"].is_string());
  }
}

TEST_F(PipelineCliTest, RejectedFileIsAClearErrorWithExitOne) {
  StartServer();
  Output o = Cli(Import("unknown.json"));
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find("HTTP 422"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("failed to start scan"), std::string::npos) << o.err;
}

TEST_F(PipelineCliTest, ConnectionSourcesInOrder) {
  StartServer();
  std::ofstream(dir_ / "home" / ".bulwark.toml")
      << "host = \"" << url_ << "\"\ntoken = \"" << token_ << "\"\n";
  Output o = RunBulwark({"list", "projects", "--output", "json"}, Env());
  ASSERT_EQ(o.exit_code, 0) << o.err;  // the file alone
  EXPECT_EQ(json::parse(o.out)["projects"][0]["name"], "app");

  const std::string wrong = "bwk_" + std::string(43, 'A');
  o = RunBulwark({"list", "projects"}, Env({{"KONDUKTO_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 1);  // the legacy variable wins over the file, with a note
  EXPECT_NE(o.err.find("HTTP 401"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("KONDUKTO_TOKEN is read for compatibility"), std::string::npos) << o.err;

  o = RunBulwark({"list", "projects"},
                 Env({{"KONDUKTO_TOKEN", wrong}, {"INVICTI_ASPM_TOKEN", token_}}));
  EXPECT_EQ(o.exit_code, 0) << o.err;  // INVICTI_ASPM_* before KONDUKTO_*

  o = RunBulwark({"list", "projects"},
                 Env({{"INVICTI_ASPM_TOKEN", token_}, {"BULWARK_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 1);  // BULWARK_* before the kdt variables
  EXPECT_NE(o.err.find("HTTP 401"), std::string::npos) << o.err;

  o = RunBulwark({"list", "projects", "--token", token_}, Env({{"BULWARK_TOKEN", wrong}}));
  EXPECT_EQ(o.exit_code, 0) << o.err;  // the flag first

  const std::string elsewhere = UnusedLocalUrl();
  std::ofstream(dir_ / "other.toml") << "host = \"" << elsewhere << "\"\ntoken = \"x\"\n";
  o = RunBulwark({"list", "projects", "--config", (dir_ / "other.toml").string()}, Env());
  EXPECT_EQ(o.exit_code, 1);  // --config replaces ~/.bulwark.toml
  EXPECT_NE(o.err.find(elsewhere), std::string::npos) << o.err;
}

TEST_F(PipelineCliTest, ApiScanRunsThroughTheProjectsScanner) {
  StartServer();
  StartXray();
  ServeReport({3, 5, 4, 2});
  const std::string report = (dir_ / "report.json").string();
  Output o = Cli(ApiScan({"--output", "json", "--output-file", report}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(Has(o.out, "INF: scan status is [finished]")) << o.out;
  EXPECT_TRUE(Has(o.out, "NAME    ID      BRANCH    META    TOOL            CRIT    HIGH"))
      << o.out;
  EXPECT_TRUE(Has(o.out, "scan passed security tests successfully")) << o.out;
  std::ifstream in(report);
  json doc = json::parse(in);
  EXPECT_EQ(doc["scan"]["method"], "kdt") << doc.dump(2);
  EXPECT_EQ(doc["scan"]["tool"], "jfrogxraysca");
  EXPECT_EQ(doc["scan"]["branch"], "main");
  EXPECT_TRUE(doc["scan"]["scanner_id"].is_number()) << "ran through the project's scanner";
  EXPECT_EQ(doc["scan"]["summary"],
            json({{"critical", 3}, {"high", 5}, {"medium", 4}, {"low", 2}, {"info", 0}}));
  EXPECT_EQ(doc["exit_code"], 0);
  json state = FakeState();
  EXPECT_EQ(state["created"], 1);
  EXPECT_TRUE(state["reports"].empty()) << "the Xray report is deleted";
  EXPECT_EQ(o.out.find("good-token"), std::string::npos);
}

TEST_F(PipelineCliTest, SeverityThresholdsFailOnlyAboveTheirCount) {
  StartServer();
  StartXray();
  ServeReport({3, 5, 4, 2});
  struct Case {
    const char* flag;
    int count;
    const char* name;
  };
  for (Case c : {Case{"--threshold-crit", 3, "critical"}, Case{"--threshold-high", 5, "high"},
                 Case{"--threshold-med", 4, "medium"}, Case{"--threshold-low", 2, "low"}}) {
    Output at = Cli(ApiScan({c.flag, std::to_string(c.count)}));
    EXPECT_EQ(at.exit_code, 0) << c.flag << "\n" << at.out << at.err;
    EXPECT_TRUE(Has(at.out, "scan passed security tests successfully")) << at.out;
    Output above = Cli(ApiScan({c.flag, std::to_string(c.count - 1)}));
    EXPECT_EQ(above.exit_code, 1) << c.flag << "\n" << above.out << above.err;
    EXPECT_TRUE(Has(above.out, fmt::format("number of vulnerabilities with {} severity ({}) is "
                                           "higher than threshold ({}) [{}]",
                                           c.name, c.count, c.count - 1, c.flag)))
        << above.out;
    // Only findings of the failed severity are listed, and all of them.
    EXPECT_TRUE(Has(above.out, fmt::format("offending findings ({} of {}", c.count, c.count)))
        << above.out;
    EXPECT_TRUE(Has(above.out, "scan could not pass security tests")) << above.out;
  }
}

TEST_F(PipelineCliTest, RiskThresholdFailsOnlyWhenTheRiskRoseSinceThePreviousScan) {
  StartServer();
  StartXray();
  ServeReport({1, 2, 0, 0});
  Output first = Cli(ApiScan({"--threshold-risk"}));
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_TRUE(Has(first.out, "no previous finished scan of this tool and branch")) << first.out;
  Output same = Cli(ApiScan({"--threshold-risk"}));
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  ServeReport({2, 2, 0, 0});
  Output rose = Cli(ApiScan({"--threshold-risk"}));
  EXPECT_EQ(rose.exit_code, 1) << rose.out << rose.err;
  EXPECT_TRUE(Has(rose.out, "is higher than last scan's")) << rose.out;
  EXPECT_TRUE(Has(rose.out, "[--threshold-risk]")) << rose.out;
  ServeReport({1, 1, 0, 0});
  Output fell = Cli(ApiScan({"--threshold-risk"}));
  EXPECT_EQ(fell.exit_code, 0) << fell.out << fell.err;
}

TEST_F(PipelineCliTest, NewFindingThresholdsCountOnlyWhatIsNewSinceThePreviousScan) {
  StartServer();
  StartXray();
  const std::vector<std::string> all_zero = {
      "--threshold-new-crit", "0", "--threshold-new-high", "0",
      "--threshold-new-med",  "0", "--threshold-new-low",  "0"};
  ServeReport({1, 2, 1, 1});
  // First scan: everything is new; at the boundary passes, one below fails.
  Output at = Cli(ApiScan({"--threshold-new-crit", "1", "--threshold-new-high", "2",
                           "--threshold-new-med", "1", "--threshold-new-low", "1"}));
  EXPECT_EQ(at.exit_code, 0) << at.out << at.err;
  // The same report again: nothing new, so every new-findings gate at 0 passes although the
  // plain counts are above 0.
  Output none = Cli(ApiScan(all_zero));
  EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
  // One more finding of each severity in turn: exactly that gate fails, listing that finding.
  std::array<int, 4> counts = {1, 2, 1, 1};
  const char* flags[] = {"--threshold-new-crit", "--threshold-new-high", "--threshold-new-med",
                         "--threshold-new-low"};
  const char* names[] = {"critical", "high", "medium", "low"};
  for (int s = 0; s < 4; ++s) {
    ++counts[s];
    ServeReport(counts);
    Output o = Cli(ApiScan(all_zero));
    EXPECT_EQ(o.exit_code, 1) << flags[s] << "\n" << o.out << o.err;
    for (int other = 0; other < 4; ++other) {
      EXPECT_EQ(Has(o.out, std::string("[") + flags[other] + "]"), other == s)
          << flags[other] << "\n"
          << o.out;
    }
    EXPECT_TRUE(Has(o.out, fmt::format("number of new vulnerabilities with {} severity (1) is "
                                       "higher than threshold (0)",
                                       names[s])))
        << o.out;
    const std::string added = "XRAY-" + std::to_string(s) + std::to_string(100 + counts[s] - 1);
    EXPECT_TRUE(Has(o.out, added)) << added << "\n" << o.out;
  }
}

TEST_F(PipelineCliTest, TimeoutLeavesTheScanRunningAndExitsZero) {
  StartServer();
  StartXray();
  ConfigureFake({{"report_duration_ms", 600'000}});
  Output o = Cli(ApiScan({"--timeout", "0.05", "--threshold-crit", "0"}));
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(Has(o.out,
                  "scan duration exceeds timeout, it will continue running async in the "
                  "background"))
      << o.out;
  auto at = o.out.find("scan [");
  ASSERT_NE(at, std::string::npos) << o.out;
  const std::string id = o.out.substr(at + 6, o.out.find(']', at) - at - 6);
  Output status = Cli({"status", "-e", id, "--output", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.out << status.err;
  const std::string state = json::parse(status.out)["scan"]["state"];
  EXPECT_TRUE(state != "finished" && state != "failed" && state != "canceled") << state;
  EXPECT_EQ(FakeState()["reports"].size(), 1u) << "the report is still generating";
}

TEST_F(PipelineCliTest, ExitCodesOfAFailedScanAndTheirOverride) {
  StartServer();
  StartXray("debian-local");
  Output failed = Cli(ApiScan());
  EXPECT_EQ(failed.exit_code, 1) << failed.out << failed.err;
  EXPECT_TRUE(Has(failed.err, "failed to wait for scan to finish: scan failed:")) << failed.err;
  EXPECT_TRUE(Has(failed.err, "is not indexed by Xray")) << failed.err;
  Output overridden = Cli(ApiScan({"--exit-code", "0"}));
  EXPECT_EQ(overridden.exit_code, 0) << overridden.out;
  EXPECT_TRUE(Has(overridden.out, "overriding exit code [1] as [0]")) << overridden.out;
}

TEST_F(PipelineCliTest, ExitCodeOverridesSuccessToo) {
  StartServer();
  StartXray();
  ServeReport({0, 1, 0, 0});
  Output o = Cli(ApiScan({"--threshold-high", "1", "--exit-code", "3"}));
  EXPECT_EQ(o.exit_code, 3) << o.out << o.err;
  EXPECT_TRUE(Has(o.out, "scan passed security tests successfully")) << o.out;
  EXPECT_TRUE(Has(o.out, "overriding exit code [0] as [3]")) << o.out;
}

// The properties SARIF 2.1.0's schema requires (sarifLog, run, tool, toolComponent,
// reportingDescriptor, result, message, location, physicalLocation, artifactLocation).
void ExpectValidSarif(const json& doc, std::size_t results) {
  EXPECT_EQ(doc["version"], "2.1.0");
  EXPECT_TRUE(doc.value("$schema", "").find("sarif-2.1.0") != std::string::npos) << doc["$schema"];
  ASSERT_TRUE(doc["runs"].is_array() && doc["runs"].size() == 1u);
  const json& run = doc["runs"][0];
  ASSERT_TRUE(run["tool"]["driver"]["name"].is_string());
  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_TRUE(rules.is_array());
  for (const json& rule : rules) EXPECT_TRUE(rule["id"].is_string()) << rule;
  ASSERT_TRUE(run["results"].is_array());
  EXPECT_EQ(run["results"].size(), results);
  const std::set<std::string> levels = {"none", "note", "warning", "error"};
  for (const json& r : run["results"]) {
    EXPECT_TRUE(r["message"]["text"].is_string()) << r;
    ASSERT_TRUE(r["ruleId"].is_string()) << r;
    ASSERT_TRUE(r["ruleIndex"].is_number_unsigned()) << r;
    ASSERT_LT(r["ruleIndex"].get<std::size_t>(), rules.size());
    EXPECT_EQ(rules[r["ruleIndex"].get<std::size_t>()]["id"], r["ruleId"]);
    EXPECT_TRUE(levels.count(r["level"].get<std::string>())) << r;
    ASSERT_TRUE(r["locations"].is_array() && !r["locations"].empty()) << r;
    for (const json& l : r["locations"]) {
      EXPECT_TRUE(l["physicalLocation"]["artifactLocation"]["uri"].is_string()) << l;
    }
  }
}

TEST_F(PipelineCliTest, ApiScanSarifHasTheRequiredFields) {
  StartServer();
  StartXray();
  ServeReport({1, 2, 3, 1});
  Output o = Cli(ApiScan({"--output", "sarif"}));
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  json doc = json::parse(o.out);  // the document alone on stdout; the log goes to stderr
  ExpectValidSarif(doc, 7);
  std::set<std::string> levels;
  for (const json& r : doc["runs"][0]["results"]) levels.insert(r["level"]);
  EXPECT_EQ(levels, (std::set<std::string>{"error", "warning", "note"}));
  EXPECT_TRUE(Has(o.err, "scan status is [finished]")) << o.err;
}

}  // namespace
}  // namespace bulwark::testing
