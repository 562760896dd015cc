// API-based ("Bind") Xray scans end to end through the real server: `bulwark serve` (SQLite and
// PostgreSQL) started over /api/v1 against the real fake-xray process. A scan of thousands of
// rows stores exactly the dataset; faults are recovered; a non-indexed repository, a token
// without Manage Reports and a cancel during report generation each end the scan as the user
// needs to see it; the remote report is deleted in every outcome.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/integration/process.h"
#include "test/support/api_call.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;

constexpr const char* kToken = "good-token";
const std::vector<std::string> kSeverities = {"Critical", "High", "Medium", "Low", "Unknown"};

// A string member, "" when missing or not a string (e.g. a null error).
std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// A report of `n` distinct rows (one finding each), severities in a fixed cycle.
json Dataset(int n) {
  json rows = json::array();
  for (int i = 0; i < n; ++i) {
    rows.push_back(
        {{"issue_id", "XRAY-" + std::to_string(500000 + i)},
         {"summary", "vulnerability " + std::to_string(i)},
         {"severity", kSeverities[i % kSeverities.size()]},
         {"vulnerable_component", "npm://lib-" + std::to_string(i) + ":1." + std::to_string(i % 9)},
         {"impacted_artifact", "npm://shop:2.0.0"},
         {"path", "npm-local/shop/-/shop-2.0.0.tgz"},
         {"cves", json::array({{{"cve", "CVE-2025-" + std::to_string(20000 + i)},
                                {"cvss_v3_score", 5.5}}})},
         {"fixed_versions", json::array({"1." + std::to_string(i % 9 + 1)})}});
  }
  return {{"total_rows", n}, {"rows", rows}};
}

class XrayServerScanTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("bulwark-xray-it-" + Unique());
    std::filesystem::create_directories(dir_);
    std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                     (dir_ / "data").string()};
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("xray_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      args.push_back("--database");
      args.push_back(pg_.url());
    }
    fake_ = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY);
    ASSERT_NE(fake_, nullptr) << "could not start " << FAKE_XRAY_BINARY;
    server_ = std::make_unique<Process>(args, std::map<std::string, std::string>{});
    url_ = server_->WaitForLine("listening on ");
    ASSERT_FALSE(url_.empty()) << server_->Stderr();
    const std::string out = server_->Stdout();
    auto at = out.find("API token:  ");
    ASSERT_NE(at, std::string::npos) << out;
    admin_ = out.substr(at + 12, out.find('\n', at) - at - 12);
    ConfigureIntegration(kToken);
    auto project = Call("POST", "/api/v1/projects", {{"name", "shop"}});
    ASSERT_EQ(project.status, 201) << project.raw;
    project_ = std::to_string(project.body["id"].get<long>());
  }

  void TearDown() override {
    if (server_) {
      server_->Signal(SIGTERM);
      server_->Wait();
      EXPECT_EQ(server_->Stderr().find(kToken), std::string::npos) << "token in the log";
    }
    std::filesystem::remove_all(dir_);
    pg_.Drop();
  }

  Reply Call(const std::string& method, const std::string& path, const json& body = nullptr) {
    Reply reply = CallApi(url_, method, path, admin_, body);
    EXPECT_EQ(reply.raw.find(kToken), std::string::npos) << path;
    return reply;
  }

  void ConfigureIntegration(const std::string& token) {
    auto saved = Call("PUT", "/api/v1/integrations/jfrogxraysca",
                      {{"active", true},
                       {"api_enabled", true},
                       {"url", fake_->http_url()},
                       {"access_token", token}});
    ASSERT_EQ(saved.status, 200) << saved.raw;
  }

  void ConfigureFake(const json& config) {
    auto answer = fake_->Control("POST", "/__fake/config", config.dump());
    ASSERT_FALSE(answer.starts_with("error")) << answer;
  }
  json FakeState() { return json::parse(fake_->Control("GET", "/__fake/state")); }

  // Loads `dataset` into the fake (through a file, as a real export would be loaded).
  void LoadDataset(const json& dataset) {
    const auto file = dir_ / ("dataset-" + Unique() + ".json");
    std::ofstream(file) << dataset.dump();
    ConfigureFake({{"dataset", {{"file", file.string()}}}});
  }

  // Adds the project's JFrog Xray SCA scanner for `repository` on main; returns its id.
  long AddScanner(const std::string& repository) {
    auto created =
        Call("POST", "/api/v1/projects/" + project_ + "/scanners",
             {{"tool", "jfrogxraysca"}, {"repository_key", repository}, {"branch", "main"}});
    EXPECT_EQ(created.status, 201) << created.raw;
    return created.body.value("id", 0L);
  }

  std::string StartScan(long scanner_id) {
    auto started =
        Call("POST", "/api/v1/projects/" + project_ + "/scans", {{"scanner_id", scanner_id}});
    EXPECT_EQ(started.status, 202) << started.raw;
    return std::to_string(started.body.value("id", 0L));
  }

  // Polls the scan until `done` holds for it (or a minute passes); returns the last answer.
  json WaitForScan(const std::string& id, const std::function<bool(const json&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    json scan;
    while (std::chrono::steady_clock::now() < deadline) {
      scan = Call("GET", "/api/v1/scans/" + id).body;
      if (done(scan)) return scan;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "scan " << id << " did not reach the awaited state: " << scan.dump();
    return scan;
  }
  json WaitForEnd(const std::string& id) {
    return WaitForScan(id, [](const json& s) {
      const std::string state = Text(s, "state");
      return state == "finished" || state == "failed" || state == "canceled";
    });
  }

  // Every finding of the project's main branch, all pages.
  json AllFindings() {
    json all = json::array();
    std::string cursor;
    do {
      auto page = Call("GET", "/api/v1/projects/" + project_ +
                                  "/findings?branch=main&tool=jfrogxraysca&limit=1000&sort=id" +
                                  (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(page.status, 200) << page.raw;
      for (auto& f : page.body["findings"]) all.push_back(f);
      cursor =
          page.body["next_cursor"].is_string() ? page.body["next_cursor"].get<std::string>() : "";
    } while (!cursor.empty());
    return all;
  }

  void ExpectReportsDeleted(int created) {
    json state = FakeState();
    EXPECT_TRUE(state["reports"].empty()) << state.dump();
    EXPECT_EQ(state["created"], created) << state.dump();
    EXPECT_EQ(state["deleted"].size(), static_cast<std::size_t>(created)) << state.dump();
  }

  std::filesystem::path dir_;
  PostgresSchema pg_;
  std::unique_ptr<fakes::FakeXrayProcess> fake_;
  std::unique_ptr<Process> server_;
  std::string url_, admin_, project_;
};

TEST_P(XrayServerScanTest, ThousandsOfRowsBecomeExactlyTheDatasetsFindings) {
  const int n = 4321;
  const json dataset = Dataset(n);
  LoadDataset(dataset);
  ConfigureFake({{"report_duration_ms", 300}});
  const std::string id = StartScan(AddScanner("npm-local"));
  json scan = WaitForEnd(id);
  ASSERT_EQ(scan["state"], "finished") << scan.dump();
  EXPECT_EQ(scan["progress"], 100);
  EXPECT_TRUE(scan["error"].is_null()) << scan.dump();
  EXPECT_TRUE(scan["hint"].is_null()) << scan.dump();
  EXPECT_EQ(scan["new_findings"], n);
  // Severity counts: the cycle Critical, High, Medium, Low, Unknown (= info) over n rows.
  const json& summary = scan["summary"];
  EXPECT_EQ(summary["critical"], (n + 4) / 5);
  EXPECT_EQ(summary["high"], (n + 3) / 5);
  EXPECT_EQ(summary["medium"], (n + 2) / 5);
  EXPECT_EQ(summary["low"], (n + 1) / 5);
  EXPECT_EQ(summary["info"], n / 5);

  // Identities: exactly the dataset's (issue, component@version, severity), nothing else.
  std::set<std::tuple<std::string, std::string, std::string>> expected, stored;
  for (const json& row : dataset["rows"]) {
    std::string component = row["vulnerable_component"].get<std::string>();
    component = component.substr(component.find("://") + 3);
    std::string severity = row["severity"].get<std::string>();
    if (severity == "Unknown") severity = "info";
    for (char& c : severity) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    expected.emplace(row["issue_id"].get<std::string>(), component, severity);
  }
  json findings = AllFindings();
  ASSERT_EQ(findings.size(), static_cast<std::size_t>(n));
  for (const json& f : findings) {
    stored.emplace(Text(f, "issue_id"), Text(f, "component") + ":" + Text(f, "component_version"),
                   Text(f, "severity"));
  }
  EXPECT_EQ(stored, expected);
  for (const json& f : findings) {
    if (f["issue_id"] != "XRAY-500007") continue;
    EXPECT_EQ(f["cves"][0]["id"], "CVE-2025-20007");
    EXPECT_EQ(f["fixed_versions"], json({"1.8"}));
    EXPECT_EQ(f["state"], "new");
  }
  ExpectReportsDeleted(1);
}

TEST_P(XrayServerScanTest, RateLimitsServerErrorBurstsAndDroppedConnectionsAreRecovered) {
  ConfigureFake({{"dataset", {{"generate", 2500}, {"seed", 3}}},
                 {"report_duration_ms", 0},
                 {"faults",
                  {{{"kind", "status"}, {"status", 503}, {"query", "page_num=2&"}, {"count", 3}},
                   {{"kind", "status"},
                    {"status", 429},
                    {"retry_after", "1"},
                    {"query", "page_num=3&"},
                    {"count", 1}},
                   {{"kind", "drop"}, {"query", "page_num=1&"}, {"count", 1}},
                   {{"kind", "status"},
                    {"status", 502},
                    {"method", "GET"},
                    {"path", "/xray/api/v1/reports/"},
                    {"count", 2}}}}});
  const std::string id = StartScan(AddScanner("npm-local"));
  json scan = WaitForEnd(id);
  ASSERT_EQ(scan["state"], "finished") << scan.dump();
  const json& s = scan["summary"];
  EXPECT_EQ(s["critical"].get<int>() + s["high"].get<int>() + s["medium"].get<int>() +
                s["low"].get<int>() + s["info"].get<int>(),
            2500)
      << scan.dump();
  EXPECT_EQ(AllFindings().size(), 2500u);
  json state = FakeState();
  // Without faults: 2 preflight calls, create, 1 status poll, 3 pages, delete = 8; the 7
  // faulted answers (3 x 503, 429, drop, 2 x 502) were each followed by another attempt.
  EXPECT_GE(state["requests"].get<int>(), 8 + 7) << state.dump();
  ExpectReportsDeleted(1);
}

TEST_P(XrayServerScanTest, NonIndexedRepositoryFailsSayingSo) {
  const std::string id = StartScan(AddScanner("debian-local"));
  json scan = WaitForEnd(id);
  EXPECT_EQ(scan["state"], "failed") << scan.dump();
  const std::string error = Text(scan, "error");
  EXPECT_NE(error.find("repository 'debian-local' is not indexed by Xray"), std::string::npos)
      << error;
  EXPECT_TRUE(AllFindings().empty());
  ExpectReportsDeleted(0);
}

TEST_P(XrayServerScanTest, TokenWithoutManageReportsFailsWithTheDiagnosis) {
  ConfigureIntegration("read-token");
  const std::string id = StartScan(AddScanner("npm-local"));
  json scan = WaitForEnd(id);
  EXPECT_EQ(scan["state"], "failed") << scan.dump();
  const std::string error = Text(scan, "error");
  EXPECT_NE(error.find("403"), std::string::npos) << error;
  EXPECT_NE(error.find("the token needs Xray: Read and Xray: Manage Reports"), std::string::npos)
      << error;
  EXPECT_EQ(error.find("read-token"), std::string::npos) << error;
  ExpectReportsDeleted(0);
}

TEST_P(XrayServerScanTest, CancelWhileTheReportIsGeneratingDeletesIt) {
  ConfigureFake({{"report_duration_ms", 600'000}});
  const std::string id = StartScan(AddScanner("npm-local"));
  // The report exists on the platform and the scan waits for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (FakeState()["reports"].empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  json state = FakeState();
  ASSERT_EQ(state["reports"].size(), 1u) << state.dump();
  EXPECT_NE(state["reports"][0]["status"], "completed");
  auto canceled = Call("POST", "/api/v1/scans/" + id + "/cancel");
  EXPECT_EQ(canceled.status, 202) << canceled.raw;
  json scan = WaitForEnd(id);
  EXPECT_EQ(scan["state"], "canceled") << scan.dump();
  EXPECT_TRUE(AllFindings().empty());
  ExpectReportsDeleted(1);
}

INSTANTIATE_TEST_SUITE_P(Backends, XrayServerScanTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::testing
