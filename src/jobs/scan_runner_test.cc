// ScanRunner over a real SQLite store: imports run to "finished" and feed the lifecycle; a
// refused file fails the scan and changes no finding; a cancel request stops a scan; the outbox
// records the finished scan.
#include "jobs/scan_runner.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test/support/names.h"

namespace bulwark::jobs {
namespace {

namespace fs = std::filesystem;
using storage::ScanState;

const fs::path kSample = fs::path(BULWARK_SOURCE_DIR) / ".." / "shared" / "samples" / "xray" /
                         "xray-report-export" / "Vulnerabilities-Report-XRAY_Unified.json";

class NoTransport final : public env::HttpTransport {
 public:
  env::HttpResult Send(const env::HttpRequest&) override {
    return std::unexpected(
        env::TransportError{env::TransportErrorKind::kConnectionRefused, "no network here"});
  }
};

class ScanRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bulwark-runner-" + bulwark::testing::Unique());
    fs::create_directories(dir_);
    auto store = storage::OpenStore("sqlite://" + (dir_ / "db.sqlite").string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    storage::Project p;
    p.name = "app";
    project_ = store_->Projects().Create(p).value().id;
    key_ = env::ParseSecretKey(std::string(64, 'a')).value();
    runner_ = std::make_unique<ScanRunner>(
        ScanRunnerDeps{*store_, clock_, registry_, transport_, key_}, ScanRunnerOptions{});
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  storage::Scan Queue(const fs::path& file) {
    storage::Scan s;
    s.project_id = project_;
    s.tool = "jfrogxraysca";
    s.method = "import";
    s.branch = "main";
    s.source_path = file.string();
    s.created_at = clock_.Now();
    return store_->Scans().Create(s).value();
  }

  fs::path dir_;
  env::FakeClock clock_;
  scanners::ScannerRegistry registry_;
  NoTransport transport_;
  env::SecretKey key_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ScanRunner> runner_;
  std::int64_t project_ = 0;
};

TEST_F(ScanRunnerTest, AnImportRunsToFinishedAndAReimportAddsNothing) {
  if (!fs::exists(kSample)) GTEST_SKIP() << "samples not available";
  auto first = Queue(kSample);
  ASSERT_EQ(runner_->RunOne(), true);
  auto done = store_->Scans().Get(first.id).value();
  ASSERT_EQ(done.state, ScanState::kFinished) << done.error.value_or("");
  EXPECT_EQ(done.progress, 100);
  EXPECT_GT(done.new_findings, 0);
  EXPECT_GT(done.risk_score, 0);
  std::vector<ScanState> states;
  for (const auto& [s, t] : done.state_times) states.push_back(s);
  EXPECT_EQ(states, (std::vector<ScanState>{ScanState::kWaiting, ScanState::kStarting,
                                            ScanState::kRunning, ScanState::kAnalyzing,
                                            ScanState::kNotifying, ScanState::kFinished}));
  auto events = store_->Events().Pending(10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "scan.finished");
  EXPECT_NE(events[0].payload.find("\"risk_score\""), std::string::npos);

  auto second = Queue(kSample);
  ASSERT_EQ(runner_->RunOne(), true);
  auto again = store_->Scans().Get(second.id).value();
  ASSERT_EQ(again.state, ScanState::kFinished);
  EXPECT_EQ(again.new_findings, 0);
  EXPECT_EQ(again.fixed_findings, 0);
  EXPECT_EQ(again.summary, done.summary);
  EXPECT_EQ(runner_->RunOne(), false);
}

TEST_F(ScanRunnerTest, ARefusedFileFailsTheScanAndChangesNoFinding) {
  if (!fs::exists(kSample)) GTEST_SKIP() << "samples not available";
  Queue(kSample);
  ASSERT_EQ(runner_->RunOne(), true);
  storage::FindingFilter all;
  all.project_id = project_;
  const auto before = store_->Findings().Count(all).value();
  const fs::path broken = dir_ / "broken.json";
  std::ofstream(broken) << "{\"total_rows\": 1, \"rows\": [";
  auto bad = Queue(broken);
  ASSERT_EQ(runner_->RunOne(), true);
  auto failed = store_->Scans().Get(bad.id).value();
  EXPECT_EQ(failed.state, ScanState::kFailed);
  ASSERT_TRUE(failed.error);
  EXPECT_FALSE(failed.error->empty());
  EXPECT_EQ(store_->Findings().Count(all).value(), before);
  storage::FindingFilter fixed = all;
  fixed.status = domain::FindingStatus::kFixed;
  EXPECT_EQ(store_->Findings().Count(fixed).value(), 0);
}

TEST_F(ScanRunnerTest, ACancelRequestStopsTheScanBeforeItChangesFindings) {
  if (!fs::exists(kSample)) GTEST_SKIP() << "samples not available";
  auto s = Queue(kSample);
  // Claimed by a worker that died: the cancel flag is set but the lease still holds the row.
  ASSERT_TRUE(
      store_->Scans().ClaimNext("dead", clock_.Now(), clock_.Now() + std::chrono::seconds(1)));
  ASSERT_TRUE(store_->Scans().RequestCancel(s.id, clock_.Now()));
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_EQ(runner_->RunOne(), true);
  auto canceled = store_->Scans().Get(s.id).value();
  EXPECT_EQ(canceled.state, ScanState::kCanceled);
  storage::FindingFilter all;
  all.project_id = project_;
  EXPECT_EQ(store_->Findings().Count(all).value(), 0);
}

TEST_F(ScanRunnerTest, ABindScanWithoutAnIntegrationFailsSayingWhatToSetUp) {
  storage::ScannerConfig c;
  c.project_id = project_;
  c.tool = "jfrogxraysca";
  c.branch = "main";
  c.repository_key = "libs-release";
  auto config = store_->ScannerConfigs().Create(c).value();
  storage::Scan s;
  s.project_id = project_;
  s.scanner_config_id = config.id;
  s.tool = "jfrogxraysca";
  s.method = "bind";
  s.branch = "main";
  s.created_at = clock_.Now();
  auto scan = store_->Scans().Create(s).value();
  ASSERT_EQ(runner_->RunOne(), true);
  auto failed = store_->Scans().Get(scan.id).value();
  EXPECT_EQ(failed.state, ScanState::kFailed);
  EXPECT_NE(failed.error.value_or("").find("integration is not configured"), std::string::npos)
      << failed.error.value_or("");
}

// Workers that die leave their scan leased; after max_attempts claims the next claimer fails it
// with the reason (and announces the failure once) instead of running it again.
TEST_F(ScanRunnerTest, AScanWhoseWorkersKeepDyingIsFailedAfterMaxAttempts) {
  const fs::path file = fs::path(BULWARK_SOURCE_DIR) / "test" / "fixtures" / "xray" / "report.json";
  auto s = Queue(file);
  for (int i = 0; i < ScanRunnerOptions{}.max_attempts; ++i) {
    auto claimed =
        store_->Scans().ClaimNext("dead", clock_.Now(), clock_.Now() + std::chrono::seconds(1));
    ASSERT_TRUE(claimed && *claimed);
    clock_.Advance(std::chrono::seconds(5));
  }
  ASSERT_EQ(runner_->RunOne(), true);
  auto failed = store_->Scans().Get(s.id).value();
  EXPECT_EQ(failed.state, ScanState::kFailed);
  EXPECT_NE(failed.error.value_or("").find("abandoned after 3 attempts"), std::string::npos)
      << failed.error.value_or("");
  auto events = store_->Events().Pending(10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, "scan.failed");
  storage::FindingFilter all;
  all.project_id = project_;
  EXPECT_EQ(store_->Findings().Count(all).value(), 0);
}

class RecordingMetrics final : public JobMetrics {
 public:
  void ObserveJob(std::string_view kind, std::string_view outcome, double seconds) override {
    jobs.push_back(std::string(kind) + "/" + std::string(outcome));
    EXPECT_GE(seconds, 0);
  }
  void CountDeliveryFailure(std::string_view reason) override { failures.emplace_back(reason); }
  std::vector<std::string> jobs, failures;
};

TEST_F(ScanRunnerTest, EachScanReportsItsKindOutcomeAndDuration) {
  RecordingMetrics metrics;
  runner_ = std::make_unique<ScanRunner>(
      ScanRunnerDeps{*store_, clock_, registry_, transport_, key_, metrics}, ScanRunnerOptions{});
  Queue(fs::path(BULWARK_SOURCE_DIR) / "test" / "fixtures" / "xray" / "report.json");
  const fs::path broken = dir_ / "broken.json";
  std::ofstream(broken) << "{\"total_rows\": 1, \"rows\": [";
  Queue(broken);
  ASSERT_EQ(runner_->RunOne(), true);
  ASSERT_EQ(runner_->RunOne(), true);
  EXPECT_EQ(metrics.jobs, (std::vector<std::string>{"import/finished", "import/failed"}));
}

}  // namespace
}  // namespace bulwark::jobs
