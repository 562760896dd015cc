// Contract of the webhook delivery queue and the schedule slots, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <future>

#include "storage/store_test_fixture.h"

namespace bulwark::storage {
namespace {

class WebhookStore : public StoreContract {
 protected:
  Time T(int seconds) { return Time(std::chrono::seconds(1'700'000'000 + seconds)); }

  void SetUp() override {
    StoreContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_ = MakeProject("p");
    ScannerConfig c;
    c.project_id = project_.id;
    c.tool = "jfrogxraysca";
    c.schedule.enabled = true;
    c.created_at = T(0);
    config_ = store_->ScannerConfigs().Create(c).value();
    Scan s;
    s.project_id = project_.id;
    s.scanner_config_id = config_.id;
    s.tool = "jfrogxraysca";
    s.method = "kdt";
    s.created_at = T(0);
    scan_ = store_->Scans().Create(s).value();
    event_ =
        store_->Events().Append({0, "scan.finished", "scan", scan_.id, "{}", T(0), {}}).value();
  }

  WebhookDeliveryRow Row(std::string url, std::string id) {
    WebhookDeliveryRow r;
    r.event_id = event_.id;
    r.scanner_config_id = config_.id;
    r.delivery_id = std::move(id);
    r.event = "scan.finished";
    r.url = std::move(url);
    r.body = R"({"event":"scan.finished"})";
    r.created_at = T(1);
    return r;
  }

  Project project_;
  ScannerConfig config_;
  Scan scan_;
  Event event_;
};

TEST_P(WebhookStore, EnqueueIsIdempotentPerEventAndUrl) {
  auto& d = store_->WebhookDeliveries();
  EXPECT_TRUE(d.Enqueue(Row("http://a/hook", "d1")).value());
  EXPECT_FALSE(d.Enqueue(Row("http://a/hook", "d2")).value());  // fanned out already
  EXPECT_TRUE(d.Enqueue(Row("http://b/hook", "d3")).value());
  auto page = d.List({config_.id, std::nullopt}, {10, ""}).value();
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].delivery_id, "d1");
  EXPECT_EQ(page.items[0].state, "pending");
  EXPECT_EQ(page.items[0].body, R"({"event":"scan.finished"})");
  auto backlog = d.Backlog().value();
  EXPECT_EQ(backlog.first, 2);
  EXPECT_EQ(backlog.second, T(1));
}

// On PostgreSQL a second process skips the delivery another one is claiming instead of waiting.
TEST_P(WebhookStore, ConcurrentClaimsSkipALockedDeliveryOnPostgres) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite has a single writer";
  auto& d = store_->WebhookDeliveries();
  ASSERT_TRUE(d.Enqueue(Row("http://a/hook", "d1")));
  ASSERT_TRUE(d.Enqueue(Row("http://b/hook", "d2")));
  auto other = OpenStore(url_);
  ASSERT_TRUE(other) << other.error().message;
  std::optional<std::string> mine, theirs;
  std::future<core::Result<std::optional<WebhookDeliveryRow>>> fut;
  auto st = store_->WithTransaction([&](Repositories& r) -> core::Status {
    auto a = r.WebhookDeliveries().ClaimDue("a", T(2), T(62));
    if (!a || !*a) return core::Fail(core::ErrorCode::kInternal, "no claim");
    mine = (**a).delivery_id;
    fut = std::async(std::launch::async,
                     [&] { return (*other)->WebhookDeliveries().ClaimDue("b", T(2), T(62)); });
    if (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "the second claimer waited for the locked delivery";
      return core::Ok();
    }
    auto b = fut.get();
    if (b && *b) theirs = (**b).delivery_id;
    return core::Ok();
  });
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(mine, "d1");
  EXPECT_EQ(theirs, "d2");
}

TEST_P(WebhookStore, ClaimLeasesOneDueDeliveryAndRecordingNeedsTheLease) {
  auto& d = store_->WebhookDeliveries();
  ASSERT_TRUE(d.Enqueue(Row("http://a/hook", "d1")));
  auto a = d.ClaimDue("a", T(2), T(62)).value();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->lease_owner, "a");
  EXPECT_FALSE(d.ClaimDue("b", T(3), T(63)).value());  // leased
  WebhookAttempt attempt{a->id, 1, T(3), 503, 12, "busy", "503", "retry"};
  auto lost = d.RecordAttempt(a->id, "b", attempt, {"pending", T(100), T(3)});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, core::ErrorCode::kConflict);
  ASSERT_TRUE(d.RecordAttempt(a->id, "a", attempt, {"pending", T(100), T(3)}));
  EXPECT_FALSE(d.ClaimDue("b", T(99), T(159)).value());  // not due yet
  auto again = d.ClaimDue("b", T(100), T(160)).value();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->attempts, 1);
  EXPECT_EQ(again->last_status, 503);
  EXPECT_EQ(again->first_attempt_at, T(3));
  ASSERT_TRUE(d.RecordAttempt(again->id, "b", {again->id, 2, T(101), 204, 5, "", "", "delivered"},
                              {"delivered", std::nullopt, T(3)}));
  auto row = d.Get(again->id).value();
  EXPECT_EQ(row.state, "delivered");
  EXPECT_EQ(row.delivered_at, T(101));
  EXPECT_EQ(row.lease_owner, "");
  EXPECT_FALSE(d.ClaimDue("c", T(500), T(560)).value());
  auto attempts = d.Attempts(row.id).value();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[0].response_snippet, "busy");
  EXPECT_EQ(attempts[1].outcome, "delivered");
  EXPECT_EQ(d.Backlog()->first, 0);
  ASSERT_TRUE(d.Requeue(row.id, T(600)));  // redeliver
  EXPECT_TRUE(d.ClaimDue("c", T(600), T(660)).value());
}

TEST_P(WebhookStore, AnExpiredLeaseIsClaimedAgain) {
  auto& d = store_->WebhookDeliveries();
  ASSERT_TRUE(d.Enqueue(Row("http://a/hook", "d1")));
  ASSERT_TRUE(d.ClaimDue("dead", T(2), T(62)).value());
  EXPECT_FALSE(d.ClaimDue("b", T(61), T(121)).value());
  EXPECT_TRUE(d.ClaimDue("b", T(63), T(123)).value());
}

TEST_P(WebhookStore, ScheduleSlotClaimSucceedsOncePerSlot) {
  auto& s = store_->ScheduleSlots();
  EXPECT_EQ(s.EnabledConfigs().value(), std::vector<std::int64_t>{config_.id});
  auto slot = s.Get(config_.id).value();
  EXPECT_FALSE(slot.last_fired_at);
  EXPECT_FALSE(slot.next_run_at);
  EXPECT_TRUE(s.Claim(config_.id, std::nullopt, T(0), T(86400), "").value());
  EXPECT_FALSE(s.Claim(config_.id, std::nullopt, T(0), T(86400), "").value());  // taken
  slot = s.Get(config_.id).value();
  EXPECT_EQ(slot.last_fired_at, T(0));
  EXPECT_EQ(slot.next_run_at, T(86400));
  EXPECT_TRUE(s.Claim(config_.id, T(0), T(86400), T(172800), "skipped").value());
  EXPECT_EQ(s.Get(config_.id)->note, "skipped");
  ASSERT_TRUE(s.SetNextRun(config_.id, std::nullopt, "bad schedule"));
  EXPECT_FALSE(s.Get(config_.id)->next_run_at);
  EXPECT_TRUE(s.HasActiveScan(config_.id).value());
  ASSERT_TRUE(store_->Scans().Transition(scan_.id, ScanState::kFailed, 100, T(5)));
  EXPECT_FALSE(s.HasActiveScan(config_.id).value());
  EXPECT_EQ(s.Get(9999).error().code, core::ErrorCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::storage
