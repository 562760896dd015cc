// Scale-out: three real `bulwark serve` processes on one PostgreSQL schema share queued imports
// and due schedules; every job runs exactly once and every webhook reaches a real receiver on
// loopback exactly once.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <random>
#include <set>
#include <thread>

#include "env/clock.h"
#include "env/crypto.h"
#include "storage/store.h"
#include "test/fakes/fake_xray/fake_xray_process.h"
#include "test/fakes/webhook_receiver/webhook_receiver.h"
#include "test/integration/process.h"
#include "test/support/postgres_schema.h"

namespace bulwark::testing {
namespace {

constexpr char kKeyHex[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr char kSecret[] = "whsec-scale-out";

class ScaleOut : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string schema =
        "scale_" + std::to_string(getpid()) + "_" + std::to_string(std::random_device()());
    std::string why;
    if (!pg_.Create(schema, why)) {
      if (PostgresSchema::SkipRequested()) GTEST_SKIP() << why;
      FAIL() << why;
    }
    url_ = pg_.url();
    dir_ = std::filesystem::temp_directory_path() / schema;
    std::filesystem::create_directories(dir_);
    auto store = storage::OpenStore(url_);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    // An existing user, so no process races to create the first administrator.
    ASSERT_TRUE(store_->Users().Create({0, "ops", "x", storage::Role::kAdmin, Now()}));
    project_ = *store_->Projects().Create({0, "shop", "", "main", Now()});
  }
  void TearDown() override {
    processes_.clear();
    store_.reset();
    pg_.Drop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  static storage::Time Now() { return env::Clock::System().Now(); }

  void StartProcess(int index, const std::vector<std::string>& extra = {}) {
    const std::string data = (dir_ / ("p" + std::to_string(index))).string();
    std::vector<std::string> args{"serve",
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--data-dir",
                                  data,
                                  "--database",
                                  url_,
                                  "--workers",
                                  "2",
                                  "--scheduler-interval",
                                  "1",
                                  "--webhook-url",
                                  receiver_.Url("/all"),
                                  "--webhook-allow-private-networks",
                                  "true"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto p = std::make_unique<Process>(
        args, std::map<std::string, std::string>{{"BULWARK_SECRET_KEY", kKeyHex},
                                                 {"BULWARK_WEBHOOK_SECRET", kSecret},
                                                 {"BULWARK_LOG_LEVEL", "info"}});
    ASSERT_NE(p->WaitForLine("listening on "), "") << p->Stderr();
    processes_.push_back(std::move(p));
  }

  // An import of a real Xray file, queued as a durable job (what the upload endpoint stores).
  std::int64_t QueueImport(int i) {
    storage::Scan s;
    s.project_id = project_.id;
    s.tool = "jfrogxraysca";
    s.method = "import";
    s.branch = "import-" + std::to_string(i);
    s.source_file_name = "build_scan.json";
    s.source_path = BULWARK_SOURCE_DIR "/test/fixtures/xray/build_scan.json";
    s.created_at = Now();
    auto created = store_->Scans().Create(s);
    EXPECT_TRUE(created) << created.error().message;
    return created ? created->id : 0;
  }

  // A scanner configuration whose daily schedule is due at once (its first slot is its creation).
  void QueueSchedule(int i) {
    storage::ScannerConfig c;
    c.project_id = project_.id;
    c.tool = "jfrogxraysca";
    c.branch = "scheduled-" + std::to_string(i);
    c.schedule = {true, "daily", 1, {}};
    c.created_at = Now();
    auto created = store_->ScannerConfigs().Create(c);
    ASSERT_TRUE(created) << created.error().message;
  }

  std::vector<storage::Scan> AllScans() {
    return store_->Scans().List({}, {1000, ""}).value().items;
  }

  PostgresSchema pg_;
  std::string url_;
  std::filesystem::path dir_;
  std::unique_ptr<storage::Store> store_;
  storage::Project project_;
  WebhookReceiver receiver_{kSecret};
  std::vector<std::unique_ptr<Process>> processes_;
};

TEST_F(ScaleOut, ThreeProcessesRunEveryJobOnceAndDeliverEveryWebhookOnce) {
  constexpr int kImports = 24, kSchedules = 6, kProcesses = 3;
  for (int i = 0; i < kImports; ++i) QueueImport(i);
  for (int i = 0; i < kSchedules; ++i) QueueSchedule(i);
  for (int i = 0; i < kProcesses; ++i) StartProcess(i);

  constexpr size_t kEvents = kImports + kSchedules;
  ASSERT_TRUE(receiver_.WaitForRequests(kEvents, std::chrono::seconds(180)))
      << "received " << receiver_.Requests().size() << " of " << kEvents << "\n"
      << processes_[0]->Stderr();

  // Every job ran once: one claim each, all final; each schedule fired once.
  const auto scans = AllScans();
  ASSERT_EQ(scans.size(), kEvents);
  int scheduled = 0;
  for (const auto& s : scans) {
    EXPECT_TRUE(storage::IsFinal(s.state)) << "scan " << s.id;
    EXPECT_EQ(s.attempts, 1) << "scan " << s.id << " was claimed " << s.attempts << " times";
    if (s.method == "import") {
      EXPECT_EQ(s.state, storage::ScanState::kFinished) << s.error.value_or("");
    }
    if (s.method == "scheduled") ++scheduled;
  }
  EXPECT_EQ(scheduled, kSchedules);

  // Stop the processes (graceful) so no late delivery can arrive after the count.
  for (auto& p : processes_) p->Signal(SIGTERM);
  for (auto& p : processes_) EXPECT_EQ(p->Wait(), 0) << p->Stderr();

  // Every webhook was received exactly once: one request per scan, distinct delivery ids,
  // every signature valid.
  const auto requests = receiver_.Requests();
  EXPECT_EQ(requests.size(), kEvents);
  std::set<std::string> delivery_ids, scan_ids;
  for (const auto& r : requests) {
    EXPECT_TRUE(r.signature_valid) << r.signature_problem;
    delivery_ids.insert(r.headers.at("x-bulwark-delivery"));
    scan_ids.insert(nlohmann::json::parse(r.body)["scan"]["id"].get<std::string>());
  }
  EXPECT_EQ(delivery_ids.size(), kEvents);
  EXPECT_EQ(scan_ids.size(), kEvents);
  EXPECT_EQ(receiver_.Accepted(), static_cast<int>(kEvents));

  // The processes' own logs agree: each schedule queued once in all, each scan ended once.
  int queued = 0, ended = 0;
  for (auto& p : processes_) {
    const std::string err = p->Stderr();
    int mine = 0;
    for (size_t at = 0; (at = err.find("queued scan", at)) != std::string::npos; ++at) ++queued;
    for (const char* word : {" finished findings=", " failed: "}) {
      for (size_t at = 0; (at = err.find(word, at)) != std::string::npos; ++at) ++mine;
    }
    ended += mine;
    std::cout << "process ran " << mine << " scans\n";
  }
  EXPECT_EQ(queued, kSchedules);
  EXPECT_EQ(ended, static_cast<int>(kEvents));
}

// Two processes share the queue; the one running an API-based scan is killed with SIGKILL while
// it reads slow result pages. The other takes the scan over once the (2 s) lease expires, runs
// it to the end once, and the scan is announced once.
TEST_F(ScaleOut, KilledProcessScanIsFinishedByTheOtherAfterTheLease) {
  auto fake = fakes::FakeXrayProcess::Start(FAKE_XRAY_BINARY);
  ASSERT_NE(fake, nullptr);
  auto answer = fake->Control("POST", "/__fake/config",
                              nlohmann::json{{"dataset", {{"generate", 3000}, {"seed", 5}}},
                                             {"report_duration_ms", 100},
                                             {"faults",
                                              {{{"kind", "latency"},
                                                {"path", "/reports/vulnerabilities/"},
                                                {"ms", 400},
                                                {"count", -1}}}}}
                                  .dump());
  ASSERT_FALSE(answer.starts_with("error")) << answer;
  auto key = *env::ParseSecretKey(kKeyHex);
  storage::Integration integration;
  integration.kind = "jfrogxraysca";
  integration.active = true;
  integration.api_enabled = true;
  integration.url = fake->http_url();
  integration.sealed_access_token = env::Seal(key, "good-token");
  ASSERT_TRUE(store_->Integrations().Create(integration));
  storage::ScannerConfig c;
  c.project_id = project_.id;
  c.tool = "jfrogxraysca";
  c.repository_key = "npm-local";
  c.branch = "main";
  c.created_at = Now();
  const auto config = store_->ScannerConfigs().Create(c).value();
  storage::Scan s;
  s.project_id = project_.id;
  s.scanner_config_id = config.id;
  s.tool = "jfrogxraysca";
  s.method = "bind";
  s.branch = "main";
  s.created_at = Now();
  const std::int64_t id = store_->Scans().Create(s).value().id;

  for (int i = 0; i < 2; ++i) StartProcess(i, {"--job-lease", "2"});
  storage::Scan running;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    running = store_->Scans().Get(id).value();
    if ((running.state == storage::ScanState::kRetrievingResults && running.progress > 20) ||
        storage::IsFinal(running.state)) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(running.state, storage::ScanState::kRetrievingResults) << running.error.value_or("");
  int victim = -1;
  for (int i = 0; i < 2; ++i) {
    if (running.lease_owner.ends_with(":" + std::to_string(processes_[i]->pid()))) victim = i;
  }
  ASSERT_NE(victim, -1) << "lease owner " << running.lease_owner;
  processes_[victim]->Signal(SIGKILL);
  EXPECT_EQ(processes_[victim]->Wait(), 128 + SIGKILL);
  Process& survivor = *processes_[1 - victim];

  ASSERT_TRUE(receiver_.WaitForRequests(1, std::chrono::seconds(120))) << survivor.Stderr();
  const storage::Scan done = store_->Scans().Get(id).value();
  EXPECT_EQ(done.state, storage::ScanState::kFinished) << done.error.value_or("");
  EXPECT_EQ(done.attempts, 2);
  EXPECT_NE(survivor.Stderr().find("scan id=" + std::to_string(id) + " finished"),
            std::string::npos)
      << survivor.Stderr();
  survivor.Signal(SIGTERM);
  EXPECT_EQ(survivor.Wait(), 0) << survivor.Stderr();
  const auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(requests[0].body)["scan"]["id"], std::to_string(id));
  EXPECT_EQ(receiver_.Accepted(), 1);
}

}  // namespace
}  // namespace bulwark::testing
