// The webhook worker on a real store (a SQLite file and a PostgreSQL schema) delivering to a
// real receiver on 127.0.0.1 port 0; retries are driven by a fake clock, not by waiting.
#include "jobs/webhook_worker.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "storage/store_test_fixture.h"
#include "test/fakes/webhook_receiver/webhook_receiver.h"

namespace bulwark::jobs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr char kSecret[] = "whsec-worker";

class WebhookWorkerTest : public storage::StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    key_ = env::ParseSecretKey(std::string(64, 'a')).value();
    auto made = WebhookDispatcher::Create({*transport_, clock_, [] { return 0.5; }},
                                          {.ssrf = {.allow_private_networks = true}});
    ASSERT_TRUE(made) << made.error().message;
    dispatcher_ = std::move(*made);
    project_ = MakeProject("shop");
    storage::ScannerConfig config;
    config.project_id = project_.id;
    config.tool = "jfrogxraysca";
    config.branch = "main";
    config.environment = "prod";
    config.webhook_url = receiver_.Url("/hook");
    config.sealed_webhook_secret = env::Seal(key_, kSecret);
    config.created_at = clock_.Now();
    auto created = store_->ScannerConfigs().Create(config);
    ASSERT_TRUE(created) << created.error().message;
    config_ = *created;
  }

  std::unique_ptr<WebhookWorker> MakeWorker(storage::Store& store, std::string owner,
                                            WebhookWorkerOptions options = {}) {
    options.owner = std::move(owner);
    options.public_url = "https://bulwark.test";
    return std::make_unique<WebhookWorker>(WebhookWorkerDeps{store, clock_, *dispatcher_, key_},
                                           options);
  }

  // A finished scan of the configuration and its outbox event.
  storage::Scan FinishScan(std::string_view kind = "scan.finished") {
    storage::Scan s;
    s.project_id = project_.id;
    s.scanner_config_id = config_.id;
    s.tool = "jfrogxraysca";
    s.method = "kdt";
    s.branch = "main";
    s.created_at = clock_.Now();
    auto scan = store_->Scans().Create(s);
    EXPECT_TRUE(scan);
    EXPECT_TRUE(store_->Scans().SetOutcome(scan->id, {{1, 2, 3, 4, 5}, 7.5, 3, 1}));
    const auto final =
        kind == "scan.failed" ? storage::ScanState::kFailed : storage::ScanState::kFinished;
    EXPECT_TRUE(store_->Scans().Transition(scan->id, final, 100, clock_.Now(), "xray said 503"));
    EXPECT_TRUE(store_->Events().Append(
        {0, std::string(kind), "scan", scan->id, "{}", clock_.Now(), std::nullopt}));
    return *store_->Scans().Get(scan->id);
  }

  storage::WebhookDeliveryRow OnlyDelivery() {
    auto page = store_->WebhookDeliveries().List({}, {100, ""});
    EXPECT_TRUE(page);
    EXPECT_EQ(page->items.size(), 1u);
    return page->items.empty() ? storage::WebhookDeliveryRow{} : page->items.front();
  }

  env::FakeClock clock_;
  std::unique_ptr<env::HttpTransport> transport_ = env::MakeCurlTransport();
  testing::WebhookReceiver receiver_{kSecret};
  env::SecretKey key_{};
  std::unique_ptr<WebhookDispatcher> dispatcher_;
  storage::Project project_;
  storage::ScannerConfig config_;
};

TEST_P(WebhookWorkerTest, DeliversEachEventOnceSignedWithTheIssuePayload) {
  const storage::Scan scan = FinishScan();
  auto worker = MakeWorker(*store_, "a");
  EXPECT_EQ(worker->FanOut().value(), 1);
  EXPECT_EQ(worker->FanOut().value(), 0);  // the event is published
  EXPECT_TRUE(worker->DeliverOne().value());
  EXPECT_FALSE(worker->DeliverOne().value());

  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].signature_valid) << requests[0].signature_problem;
  EXPECT_EQ(requests[0].headers["x-bulwark-event"], "scan.finished");
  const auto body = nlohmann::json::parse(requests[0].body);
  EXPECT_EQ(body["event"], "scan.finished");
  EXPECT_EQ(body["delivery_id"], requests[0].headers["x-bulwark-delivery"]);
  EXPECT_EQ(body["project"]["name"], "shop");
  EXPECT_EQ(body["scan"]["id"], std::to_string(scan.id));
  EXPECT_EQ(body["scan"]["state"], "finished");
  EXPECT_EQ(body["scan"]["summary"]["critical"], 1);
  EXPECT_EQ(body["scan"]["summary"]["info"], 5);
  EXPECT_EQ(body["scan"]["new_findings"], 3);
  EXPECT_EQ(body["scan"]["fixed_findings"], 1);
  EXPECT_EQ(body["scan"]["links"]["api"],
            "https://bulwark.test/api/v1/scans/" + std::to_string(scan.id));

  const auto row = OnlyDelivery();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.attempts, 1);
  auto attempts = store_->WebhookDeliveries().Attempts(row.id).value();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].outcome, "delivered");
  EXPECT_EQ(attempts[0].status, 204);
  EXPECT_EQ(receiver_.Accepted(), 1);
  EXPECT_EQ(worker->stats().delivered.load(), 1);
}

TEST_P(WebhookWorkerTest, FailedScanCarriesTheErrorAndGoesToTheGlobalWebhookToo) {
  FinishScan("scan.failed");
  testing::WebhookReceiver global("");
  auto worker = MakeWorker(*store_, "a", {.global_url = global.Url("/all")});
  EXPECT_EQ(worker->FanOut().value(), 2);
  while (worker->DeliverOne().value()) {
  }
  ASSERT_EQ(receiver_.Requests().size(), 1u);
  ASSERT_EQ(global.Requests().size(), 1u);
  EXPECT_EQ(global.Requests()[0].headers.count("x-bulwark-signature"), 0u);  // no global secret
  const auto body = nlohmann::json::parse(global.Requests()[0].body);
  EXPECT_EQ(body["event"], "scan.failed");
  EXPECT_EQ(body["scan"]["state"], "failed");
  EXPECT_EQ(body["error"]["message"], "xray said 503");
  EXPECT_NE(body["delivery_id"],
            nlohmann::json::parse(receiver_.Requests()[0].body)["delivery_id"]);
}

TEST_P(WebhookWorkerTest, RetriesAfterA5xxWhenDueAndNotBefore) {
  FinishScan();
  receiver_.FailNext(1, 500);
  auto worker = MakeWorker(*store_, "a");
  ASSERT_EQ(worker->FanOut().value(), 1);
  EXPECT_TRUE(worker->DeliverOne().value());
  auto row = OnlyDelivery();
  EXPECT_EQ(row.state, "pending");
  EXPECT_EQ(row.last_status, 500);
  ASSERT_TRUE(row.next_attempt_at);
  EXPECT_GT(*row.next_attempt_at, clock_.Now());
  EXPECT_FALSE(worker->DeliverOne().value());  // not due yet
  clock_.Advance(
      std::chrono::duration_cast<std::chrono::milliseconds>(*row.next_attempt_at - clock_.Now()));
  EXPECT_TRUE(worker->DeliverOne().value());
  row = OnlyDelivery();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.attempts, 2);
  auto attempts = store_->WebhookDeliveries().Attempts(row.id).value();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].outcome, "retry");
  EXPECT_EQ(attempts[0].status, 500);
  EXPECT_EQ(attempts[1].outcome, "delivered");
  EXPECT_EQ(receiver_.Requests().size(), 2u);
  EXPECT_EQ(receiver_.Accepted(), 1);
}

TEST_P(WebhookWorkerTest, GivesUpAfterTheRetryBudget) {
  FinishScan();
  receiver_.AnswerAlways(503);
  auto worker = MakeWorker(*store_, "a");
  ASSERT_EQ(worker->FanOut().value(), 1);
  for (int i = 0; i < 200 && OnlyDelivery().state == "pending"; ++i) {
    if (!worker->DeliverOne().value()) clock_.Advance(minutes(30));
  }
  const auto row = OnlyDelivery();
  EXPECT_EQ(row.state, "failed");
  EXPECT_GT(row.attempts, 5);
  EXPECT_LE(row.attempts, 50);
  ASSERT_TRUE(row.first_attempt_at);
  EXPECT_LE(clock_.Now() - *row.first_attempt_at, hours(25));
  EXPECT_EQ(receiver_.Accepted(), 0);
  clock_.Advance(hours(48));
  EXPECT_FALSE(worker->DeliverOne().value());  // given up for good
}

TEST_P(WebhookWorkerTest, A4xxStopsAtOnce) {
  FinishScan();
  receiver_.AnswerAlways(400);
  auto worker = MakeWorker(*store_, "a");
  ASSERT_EQ(worker->FanOut().value(), 1);
  EXPECT_TRUE(worker->DeliverOne().value());
  EXPECT_EQ(OnlyDelivery().state, "failed");
  clock_.Advance(hours(1));
  EXPECT_FALSE(worker->DeliverOne().value());
}

TEST_P(WebhookWorkerTest, AnExpiredLeaseIsTakenOverAndALostLeaseRecordsNothing) {
  FinishScan();
  auto a = MakeWorker(*store_, "a");
  ASSERT_EQ(a->FanOut().value(), 1);
  const auto now = clock_.Now();
  auto claimed = store_->WebhookDeliveries().ClaimDue("crashed", now, now + minutes(1));
  ASSERT_TRUE(claimed && *claimed);
  EXPECT_FALSE(a->DeliverOne().value());  // leased by the crashed worker
  storage::WebhookAttempt attempt{(*claimed)->id, 1, now, 204, 1, "", "", "delivered"};
  clock_.Advance(minutes(2));
  EXPECT_TRUE(a->DeliverOne().value());
  auto late = store_->WebhookDeliveries().RecordAttempt((*claimed)->id, "crashed", attempt,
                                                        {"delivered", std::nullopt, now});
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::ErrorCode::kConflict);
  EXPECT_EQ(store_->WebhookDeliveries().Attempts((*claimed)->id)->size(), 1u);
  EXPECT_EQ(receiver_.Accepted(), 1);
}

TEST_P(WebhookWorkerTest, TwoProcessesDeliverEveryEventExactlyOnce) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "several processes need PostgreSQL";
  auto other = storage::OpenStore(url_);
  ASSERT_TRUE(other) << other.error().message;
  constexpr int kEvents = 12;
  for (int i = 0; i < kEvents; ++i) FinishScan();
  auto a = MakeWorker(*store_, "a");
  auto b = MakeWorker(**other, "b");
  auto run = [](WebhookWorker& w) {
    for (int idle = 0; idle < 3;) {
      auto fanned = w.FanOut();
      auto delivered = w.DeliverOne();
      ASSERT_TRUE(fanned) << fanned.error().message;
      ASSERT_TRUE(delivered) << delivered.error().message;
      idle = *delivered ? 0 : idle + 1;
    }
  };
  std::thread ta([&] { run(*a); });
  std::thread tb([&] { run(*b); });
  ta.join();
  tb.join();
  std::set<std::string> ids;
  for (const auto& r : receiver_.Requests()) ids.insert(r.headers.at("x-bulwark-delivery"));
  EXPECT_EQ(receiver_.Requests().size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(ids.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(receiver_.Accepted(), kEvents);
  EXPECT_EQ(a->stats().delivered + b->stats().delivered, kEvents);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookWorkerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::jobs
