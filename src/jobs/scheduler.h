// Scheduler: fires the scheduled runs of scanner configurations whose schedule is enabled.
//
// Each Tick reads every enabled configuration, turns its stored schedule into a jobs::Schedule
// (start = the configuration's creation time), asks Due() for the slot to fire, and in one
// transaction claims that slot with a conditional UPDATE (last fired slot still the one read) and
// queues a waiting scan with method "scheduled". With several processes on one PostgreSQL the
// claim lets exactly one of them fire each slot; a missed run after downtime fires once. When a
// scan of the configuration is still in a non-final state, the slot is claimed without queueing
// and the skip is recorded in the slot's note. The next run time is stored for display.
//
// Time comes only from the injected Clock (tests use env::FakeClock). Thread safety: Start/Stop
// from any thread; Tick is for tests (synchronous).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/error.h"
#include "env/clock.h"
#include "jobs/schedule.h"
#include "storage/store.h"

namespace bulwark::jobs {

struct SchedulerOptions {
  std::chrono::milliseconds poll = std::chrono::seconds(15);
};

struct SchedulerDeps {
  storage::Store& store;
  env::Clock& clock;
  std::function<void()> on_queued;  // e.g. wakes the scan runner; may be empty
};

struct TickReport {
  int fired = 0;    // scans queued
  int skipped = 0;  // due runs skipped because a scan was running
  int lost = 0;     // due runs another process claimed first
  int invalid = 0;  // configurations whose schedule cannot be read
};

// A stored schedule as parser input; it starts at `created_at` (to the second) unless it has a
// start of its own.
ScheduleInput ScheduleInputOf(const storage::Schedule& stored, env::TimePoint created_at);

// The stored schedule as a jobs::Schedule; the error names the schedule field.
core::Result<Schedule> ScheduleOf(const storage::ScannerConfig& config);

class Scheduler {
 public:
  Scheduler(SchedulerDeps deps, SchedulerOptions options);
  ~Scheduler();

  void Start();
  void Stop();
  core::Result<TickReport> Tick();

 private:
  core::Status TickOne(std::int64_t config_id, env::TimePoint now, TickReport& report);

  SchedulerDeps deps_;
  SchedulerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace bulwark::jobs
