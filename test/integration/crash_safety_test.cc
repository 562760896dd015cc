// Crash safety of the real `bulwark serve`: the process is killed with SIGKILL during an import
// of a large file, during an API-based scan (fake-xray serving slow pages) and during a webhook
// delivery (the receiver holding the request), then started again on the same database (SQLite
// file, or a PostgreSQL schema of the `make test` server). After the restart:
//  - no finding is half-written: the findings are none (before) or all of the complete import;
//  - no job is lost: the scan is taken again after its short lease and finishes;
//  - no webhook is announced twice: one outbox event, one delivery row, one accepted delivery id
//    at the receiver (a repeat attempt of the same delivery id is allowed, docs/webhooks.md).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "env/clock.h"
#include "env/crypto.h"
#include "storage/store.h"
#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/fakes/webhook_receiver/webhook_receiver.h"
#include "test/integration/process.h"
#include "test/support/names.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr char kKeyHex[] = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
constexpr char kHookSecret[] = "whsec-crash";

// An Xray report export of `n` distinct vulnerabilities (each its own finding).
void WriteReport(const fs::path& file, int n) {
  json rows = json::array();
  for (int i = 0; i < n; ++i) {
    const std::string component =
        "npm://crash-lib-" + std::to_string(i) + ":1.0." + std::to_string(i % 7);
    rows.push_back({{"issue_id", "XRAY-" + std::to_string(500000 + i)},
                    {"summary", "issue number " + std::to_string(i)},
                    {"severity", i % 4 == 0 ? "Critical" : (i % 4 == 1 ? "High" : "Low")},
                    {"vulnerable_component", component},
                    {"impacted_artifact", "docker://app:1.0"},
                    {"impact_path", json::array({"docker://app:1.0", component})},
                    {"cves", json::array({{{"cve", "CVE-2024-" + std::to_string(100000 + i)},
                                           {"cvss_v3_score", 7.5}}})},
                    {"fixed_versions", json::array({"1.0.99"})}});
  }
  std::ofstream(file) << json{{"total_rows", n}, {"rows", rows}}.dump();
}

class CrashSafety : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-crash-" + Unique());
    fs::create_directories(dir_ / "data");
    db_url_ = "sqlite://" + (dir_ / "data" / "bulwark.db").string();
    if (GetParam() == "postgresql") {
      std::string why;
      if (!pg_.Create("crash_" + Unique(), why)) {
        if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
        FAIL() << why;
      }
      db_url_ = pg_.url();
    }
    auto store = storage::OpenStore(db_url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Users().Create({0, "ops", "x", storage::Role::kAdmin, Now()}));
    auto project = store_->Projects().Create({0, "shop", "", "main", Now()});
    ASSERT_TRUE(project) << project.error().message;
    project_id_ = project->id;
    key_ = *env::ParseSecretKey(kKeyHex);
  }

  void TearDown() override {
    server_.reset();
    store_.reset();
    fake_.reset();
    fs::remove_all(dir_);
    pg_.Drop();
  }

  static storage::Time Now() { return env::Clock::System().Now(); }

  // `bulwark serve` on the test database with a 2 s job lease (webhook leases keep 15 s).
  void StartServer() {
    server_ = std::make_unique<Process>(
        std::vector<std::string>{"serve", "--listen", "127.0.0.1:0", "--data-dir",
                                 (dir_ / "data").string(), "--database", db_url_, "--workers", "1",
                                 "--job-lease", "2", "--webhook-allow-private-networks", "true"},
        std::map<std::string, std::string>{{"BULWARK_SECRET_KEY", kKeyHex},
                                           {"BULWARK_LOG_LEVEL", "info"}});
    ASSERT_NE(server_->WaitForLine("listening on "), "") << server_->Stderr();
  }

  void KillServer() {
    server_->Signal(SIGKILL);
    EXPECT_EQ(server_->Wait(), 128 + SIGKILL);
    log_ += server_->Stderr();
  }

  storage::Scan GetScan(std::int64_t id) { return store_->Scans().Get(id).value(); }

  // Polls the database until `pred` holds (a condition, not a fixed sleep).
  template <typename Pred>
  static bool WaitFor(Pred pred, std::chrono::seconds timeout = 120s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  template <typename Pred>
  bool WaitForScan(std::int64_t id, Pred pred, std::chrono::seconds timeout = 120s) {
    return WaitFor(
        [&] {
          auto s = store_->Scans().Get(id);
          return s && pred(*s);
        },
        timeout);
  }

  // One number from the database, behind the store's back.
  std::int64_t Count(const std::string& sql) {
    if (GetParam() == "postgresql") {
      pqxx::connection conn(db_url_);
      return pqxx::nontransaction(conn).exec1(sql)[0].as<std::int64_t>();
    }
    sqlite3* db = nullptr;
    EXPECT_EQ(
        sqlite3_open_v2((dir_ / "data" / "bulwark.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    std::int64_t n = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }

  std::int64_t Findings() {
    return Count("SELECT COUNT(*) FROM findings WHERE project_id = " + std::to_string(project_id_));
  }
  std::int64_t Events(std::int64_t scan_id, const std::string& kind) {
    return Count("SELECT COUNT(*) FROM events WHERE aggregate_id = " + std::to_string(scan_id) +
                 " AND kind = '" + kind + "'");
  }

  std::int64_t QueueImport(const fs::path& file, std::optional<std::int64_t> config = {}) {
    storage::Scan s;
    s.project_id = project_id_;
    s.scanner_config_id = config;
    s.tool = "jfrogxraysca";
    s.method = "import";
    s.branch = "main";
    s.source_file_name = file.filename().string();
    s.source_path = file.string();
    s.created_at = Now();
    auto created = store_->Scans().Create(s);
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->id : 0;
  }

  std::int64_t CreateScanner(const std::string& webhook_url = "") {
    storage::ScannerConfig c;
    c.project_id = project_id_;
    c.tool = "jfrogxraysca";
    c.repository_key = "npm-local";
    c.branch = "main";
    c.created_at = Now();
    if (!webhook_url.empty()) {
      c.webhook_url = webhook_url;
      c.sealed_webhook_secret = env::Seal(key_, kHookSecret);
    }
    auto created = store_->ScannerConfigs().Create(c);
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->id : 0;
  }

  fs::path dir_;
  std::string db_url_, log_;
  PostgresSchema pg_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Process> server_;
  std::unique_ptr<fakes::FakeXrayProcess> fake_;
  std::int64_t project_id_ = 0;
  env::SecretKey key_{};
};

bool Working(const storage::Scan& s) {
  return s.state == storage::ScanState::kRunning ||
         s.state == storage::ScanState::kRetrievingResults ||
         s.state == storage::ScanState::kAnalyzing || storage::IsFinal(s.state);
}

TEST_P(CrashSafety, KillDuringALargeImportWritesAllFindingsOrNone) {
  constexpr int kRows = 60000;
  const fs::path file = dir_ / "large-report.json";
  WriteReport(file, kRows);
  const std::int64_t id = QueueImport(file);
  StartServer();
  ASSERT_TRUE(WaitForScan(id, Working)) << server_->Stderr();
  KillServer();
  const storage::Scan killed = GetScan(id);
  ASSERT_FALSE(storage::IsFinal(killed.state))
      << "the import ended before the kill; make the file larger";
  std::cout << "killed in state " << storage::ScanStateName(killed.state) << "\n";
  EXPECT_EQ(Findings(), 0) << "a killed import left part of its findings";
  EXPECT_EQ(Events(id, "scan.finished"), 0);

  StartServer();
  // The whole import runs again after the lease: on a busy machine with the sanitizer build that
  // takes a while, so this wait is longer than the others (the test's own limit is 300 s).
  ASSERT_TRUE(WaitForScan(
      id, [](const storage::Scan& s) { return storage::IsFinal(s.state); }, 220s))
      << server_->Stderr();
  const storage::Scan done = GetScan(id);
  EXPECT_EQ(done.state, storage::ScanState::kFinished) << done.error.value_or("");
  EXPECT_EQ(done.attempts, 2) << "claimed once before the kill and once after";
  EXPECT_EQ(Findings(), kRows);
  EXPECT_EQ(done.new_findings, kRows);
  EXPECT_EQ(Events(id, "scan.finished"), 1);
}

TEST_P(CrashSafety, KillDuringAnApiScanResumesAfterTheLeaseAndFinishesOnce) {
  fake_ = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY);
  ASSERT_NE(fake_, nullptr);
  // Slow result pages, so the kill lands while rows are being read.
  auto answer = fake_->Control("POST", "/__fake/config",
                               json{{"dataset", {{"generate", 4000}, {"seed", 11}}},
                                    {"report_duration_ms", 100},
                                    {"faults",
                                     {{{"kind", "latency"},
                                       {"path", "/reports/vulnerabilities/"},
                                       {"ms", 400},
                                       {"count", -1}}}}}
                                   .dump());
  ASSERT_FALSE(answer.starts_with("error")) << answer;
  storage::Integration integration;
  integration.kind = "jfrogxraysca";
  integration.active = true;
  integration.api_enabled = true;
  integration.url = fake_->http_url();
  integration.sealed_access_token = env::Seal(key_, "good-token");
  ASSERT_TRUE(store_->Integrations().Create(integration));
  const std::int64_t config = CreateScanner();
  storage::Scan s;
  s.project_id = project_id_;
  s.scanner_config_id = config;
  s.tool = "jfrogxraysca";
  s.method = "bind";
  s.branch = "main";
  s.created_at = Now();
  const std::int64_t id = store_->Scans().Create(s).value().id;

  StartServer();
  ASSERT_TRUE(WaitForScan(id, [](const storage::Scan& x) {
    return (x.state == storage::ScanState::kRetrievingResults && x.progress > 20) ||
           storage::IsFinal(x.state);
  })) << server_->Stderr();
  KillServer();
  ASSERT_FALSE(storage::IsFinal(GetScan(id).state)) << "the scan ended before the kill";
  EXPECT_EQ(Findings(), 0) << "rows read before the kill reached the findings";

  StartServer();
  ASSERT_TRUE(WaitForScan(id, [](const storage::Scan& x) { return storage::IsFinal(x.state); }))
      << server_->Stderr();
  const storage::Scan done = GetScan(id);
  EXPECT_EQ(done.state, storage::ScanState::kFinished) << done.error.value_or("");
  EXPECT_EQ(done.attempts, 2);
  const std::int64_t findings = Findings();
  EXPECT_GT(findings, 0);
  EXPECT_EQ(done.new_findings, findings) << "every finding comes from the one complete run";
  EXPECT_EQ(done.summary.critical + done.summary.high + done.summary.medium + done.summary.low +
                done.summary.info,
            findings);
  EXPECT_EQ(Events(id, "scan.finished"), 1);
}

TEST_P(CrashSafety, KillDuringWebhookDeliveryYieldsOneAcceptedDelivery) {
  WebhookReceiver receiver(kHookSecret);
  receiver.HoldNext(1);
  const std::int64_t config = CreateScanner(receiver.Url("/hook"));
  const std::int64_t id = QueueImport(BULWARK_SOURCE_DIR "/test/fixtures/xray/report.json", config);
  StartServer();
  ASSERT_TRUE(receiver.WaitForRequests(1, 60s)) << server_->Stderr();
  KillServer();  // while the receiver holds the request
  receiver.ReleaseHeld();
  EXPECT_EQ(GetScan(id).state, storage::ScanState::kFinished);
  EXPECT_EQ(Events(id, "scan.finished"), 1);

  StartServer();  // the delivery's lease (15 s) expires, then it is attempted again
  ASSERT_TRUE(receiver.WaitForRequests(2, 90s)) << server_->Stderr();
  ASSERT_TRUE(WaitFor([&] {
    return Count("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'delivered'") == 1;
  })) << server_->Stderr();
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->Wait(), 0) << server_->Stderr();

  const auto requests = receiver.Requests();
  ASSERT_EQ(requests.size(), 2u) << "one cut-off attempt and one retry, nothing more";
  EXPECT_EQ(requests[0].headers.at("x-bulwark-delivery"),
            requests[1].headers.at("x-bulwark-delivery"))
      << "the retry carries the same delivery id";
  EXPECT_EQ(requests[0].body, requests[1].body);
  for (const auto& r : requests) EXPECT_TRUE(r.signature_valid) << r.signature_problem;
  EXPECT_EQ(receiver.Accepted(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_deliveries"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM webhook_attempts"), 1)
      << "only the attempt that got an answer is recorded";
  EXPECT_EQ(Events(id, "scan.finished"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CrashSafety, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::testing
