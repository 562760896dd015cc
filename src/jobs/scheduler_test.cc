// The scheduler on a real store (a SQLite file and a PostgreSQL schema) with a fake clock.
#include "jobs/scheduler.h"

#include <gtest/gtest.h>

#include <thread>

#include "storage/store_test_fixture.h"

namespace bulwark::jobs {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class SchedulerTest : public storage::StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    project_ = MakeProject("shop");
  }

  storage::ScannerConfig MakeConfig(storage::Schedule schedule, std::string branch = "main") {
    storage::ScannerConfig config;
    config.project_id = project_.id;
    config.tool = "jfrogxraysca";
    config.branch = std::move(branch);
    config.schedule = std::move(schedule);
    config.created_at = clock_.Now();
    auto created = store_->ScannerConfigs().Create(config);
    EXPECT_TRUE(created) << created.error().message;
    return created.value_or(storage::ScannerConfig{});
  }

  std::vector<storage::Scan> Scans() { return store_->Scans().List({}, {1000, ""}).value().items; }
  void FinishAll() {
    for (const auto& s : Scans()) {
      if (!storage::IsFinal(s.state)) {
        ASSERT_TRUE(
            store_->Scans().Transition(s.id, storage::ScanState::kFinished, 100, clock_.Now()));
      }
    }
  }
  Scheduler MakeScheduler(storage::Store& store) { return Scheduler({store, clock_, {}}, {}); }

  env::FakeClock clock_;
  storage::Project project_;
};

TEST_P(SchedulerTest, ADailyScheduleFiresWhenDueAndOnlyThen) {
  const auto config = MakeConfig({true, "", 1, {}});  // the toggle alone: daily
  const auto start = clock_.Now();
  Scheduler scheduler = MakeScheduler(*store_);
  EXPECT_EQ(scheduler.Tick()->fired, 1);  // the first slot is the configuration's creation
  EXPECT_EQ(scheduler.Tick()->fired, 0);
  auto scans = Scans();
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0].method, "scheduled");
  EXPECT_EQ(scans[0].scanner_config_id, config.id);
  auto slot = store_->ScheduleSlots().Get(config.id).value();
  EXPECT_EQ(slot.last_fired_at, start);
  EXPECT_EQ(slot.next_run_at, start + days(1));
  FinishAll();

  clock_.Advance(hours(23) + minutes(59));
  EXPECT_EQ(scheduler.Tick()->fired, 0);
  clock_.Advance(minutes(1));
  EXPECT_EQ(scheduler.Tick()->fired, 1);
  EXPECT_EQ(scheduler.Tick()->fired, 0);
  EXPECT_EQ(Scans().size(), 2u);
  EXPECT_EQ(store_->ScheduleSlots().Get(config.id)->next_run_at, start + days(2));
}

TEST_P(SchedulerTest, MissedRunsAfterDowntimeFireOnce) {
  const auto config = MakeConfig({true, "daily", 1, {}});
  Scheduler scheduler = MakeScheduler(*store_);
  ASSERT_EQ(scheduler.Tick()->fired, 1);
  FinishAll();
  clock_.Advance(days(5) + hours(3));  // the server was down for five slots
  EXPECT_EQ(scheduler.Tick()->fired, 1);
  EXPECT_EQ(scheduler.Tick()->fired, 0);
  EXPECT_EQ(Scans().size(), 2u);
  auto slot = store_->ScheduleSlots().Get(config.id).value();
  EXPECT_NE(slot.note.find("5 runs missed"), std::string::npos) << slot.note;
  EXPECT_EQ(slot.next_run_at, config.created_at + days(6));
}

TEST_P(SchedulerTest, ARunningScanSkipsTheDueRunWithANote) {
  const auto config = MakeConfig({true, "hourly", 1, {}});
  Scheduler scheduler = MakeScheduler(*store_);
  ASSERT_EQ(scheduler.Tick()->fired, 1);  // left running
  clock_.Advance(hours(1));
  auto report = scheduler.Tick().value();
  EXPECT_EQ(report.fired, 0);
  EXPECT_EQ(report.skipped, 1);
  EXPECT_EQ(Scans().size(), 1u);  // not queued behind the running one
  auto slot = store_->ScheduleSlots().Get(config.id).value();
  EXPECT_NE(slot.note.find("still running"), std::string::npos) << slot.note;
  EXPECT_EQ(scheduler.Tick()->skipped, 0);  // that slot is spent
  FinishAll();
  clock_.Advance(hours(1));
  EXPECT_EQ(scheduler.Tick()->fired, 1);
  EXPECT_EQ(store_->ScheduleSlots().Get(config.id)->note, "");
}

TEST_P(SchedulerTest, DisabledAndInvalidSchedulesNeverFire) {
  MakeConfig({false, "daily", 1, {}}, "off");
  const auto bad = MakeConfig({true, "yearly", 1, {}}, "bad");
  Scheduler scheduler = MakeScheduler(*store_);
  auto report = scheduler.Tick().value();
  EXPECT_EQ(report.fired, 0);
  EXPECT_EQ(report.invalid, 1);
  EXPECT_TRUE(Scans().empty());
  auto slot = store_->ScheduleSlots().Get(bad.id).value();
  EXPECT_NE(slot.note.find("frequency"), std::string::npos) << slot.note;
  EXPECT_FALSE(slot.next_run_at);
}

// A stored schedule with its own start, an end and a count: fires on its slots only, the
// count-th is the last.
TEST_P(SchedulerTest, StartEndAndCountAreStoredAndHonoured) {
  storage::Schedule schedule{true, "monthly", 1, {}};
  schedule.days_of_month = {31};
  schedule.start_at = clock_.Now() + days(2);
  schedule.end_at = clock_.Now() + days(400);
  schedule.count = 2;
  const auto config = MakeConfig(schedule);
  const auto stored = store_->ScannerConfigs().Get(config.id).value();
  EXPECT_EQ(stored.schedule, schedule);
  Scheduler scheduler = MakeScheduler(*store_);
  EXPECT_EQ(scheduler.Tick()->fired, 0);  // before the start
  auto parsed = ScheduleOf(stored);
  ASSERT_TRUE(parsed) << parsed.error().message;
  const auto first = parsed->NextRun(clock_.Now());
  ASSERT_TRUE(first);
  EXPECT_EQ(store_->ScheduleSlots().Get(config.id)->next_run_at, first);
  clock_.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(*first - clock_.Now()));
  EXPECT_EQ(scheduler.Tick()->fired, 1);
  FinishAll();
  clock_.Advance(days(31));
  EXPECT_EQ(scheduler.Tick()->fired, 1);
  FinishAll();
  clock_.Advance(days(62));
  EXPECT_EQ(scheduler.Tick()->fired, 0) << "count 2 reached";
  EXPECT_EQ(Scans().size(), 2u);
}

TEST_P(SchedulerTest, SeveralProcessesFireEachDueRunExactlyOnce) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "several processes need PostgreSQL";
  constexpr int kConfigs = 8, kProcesses = 3, kDays = 3;
  for (int i = 0; i < kConfigs; ++i) MakeConfig({true, "daily", 1, {}}, "b" + std::to_string(i));
  std::vector<std::unique_ptr<storage::Store>> stores;
  for (int i = 0; i < kProcesses; ++i) {
    auto opened = storage::OpenStore(url_);
    ASSERT_TRUE(opened) << opened.error().message;
    stores.push_back(std::move(*opened));
  }
  int fired = 0;
  for (int day = 0; day < kDays; ++day) {
    std::vector<std::thread> threads;
    std::vector<int> counts(kProcesses, 0);
    for (int p = 0; p < kProcesses; ++p) {
      threads.emplace_back([&, p] {
        Scheduler s({*stores[p], clock_, {}}, {});
        auto report = s.Tick();
        ASSERT_TRUE(report) << report.error().message;
        counts[p] = report->fired;
      });
    }
    for (auto& t : threads) t.join();
    for (int c : counts) fired += c;
    FinishAll();
    clock_.Advance(days(1));
  }
  EXPECT_EQ(fired, kConfigs * kDays);
  EXPECT_EQ(Scans().size(), static_cast<size_t>(kConfigs * kDays));
}

INSTANTIATE_TEST_SUITE_P(Backends, SchedulerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::jobs
