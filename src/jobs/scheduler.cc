#include "jobs/scheduler.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

namespace bulwark::jobs {

ScheduleInput ScheduleInputOf(const storage::Schedule& stored, env::TimePoint created_at) {
  ScheduleInput input;
  input.enabled = stored.enabled ? "true" : "false";
  if (!stored.recurrence.empty()) input.frequency = stored.recurrence;
  input.interval = std::to_string(stored.interval);
  if (!stored.days.empty()) input.days_of_week = fmt::format("{}", fmt::join(stored.days, ","));
  if (!stored.days_of_month.empty()) {
    input.days_of_month = fmt::format("{}", fmt::join(stored.days_of_month, ","));
  }
  input.start_date =
      FormatUtc(stored.start_at.value_or(std::chrono::floor<std::chrono::seconds>(created_at)));
  if (stored.end_at) input.end_date = FormatUtc(*stored.end_at);
  if (stored.count) input.count = std::to_string(*stored.count);
  return input;
}

core::Result<Schedule> ScheduleOf(const storage::ScannerConfig& config) {
  return ParseSchedule(ScheduleInputOf(config.schedule, config.created_at), config.created_at);
}

Scheduler::Scheduler(SchedulerDeps deps, SchedulerOptions options)
    : deps_(std::move(deps)), options_(options) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  thread_ = std::thread([this] {
    while (true) {
      auto report = Tick();
      if (!report) spdlog::warn("scheduler: {}", report.error().message);
      std::unique_lock lock(mu_);
      if (wake_.wait_for(lock, options_.poll, [&] { return stopping_; })) return;
    }
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

core::Result<TickReport> Scheduler::Tick() {
  TickReport report;
  auto ids = deps_.store.ScheduleSlots().EnabledConfigs();
  if (!ids) return std::unexpected(ids.error());
  const env::TimePoint now = deps_.clock.Now();
  for (std::int64_t id : *ids) {
    if (auto s = TickOne(id, now, report); !s) {
      spdlog::warn("scheduler: scanner configuration {}: {}", id, s.error().message);
    }
  }
  if (report.fired > 0 && deps_.on_queued) deps_.on_queued();
  return report;
}

core::Status Scheduler::TickOne(std::int64_t id, env::TimePoint now, TickReport& report) {
  auto config = deps_.store.ScannerConfigs().Get(id);
  if (!config) return std::unexpected(config.error());
  auto slot = deps_.store.ScheduleSlots().Get(id);
  if (!slot) return std::unexpected(slot.error());
  auto schedule = ScheduleOf(*config);
  if (!schedule) {
    ++report.invalid;
    return deps_.store.ScheduleSlots().SetNextRun(id, std::nullopt, schedule.error().message);
  }
  const DueRun due = Due(*schedule, slot->last_fired_at, now);
  if (!due.due) {
    if (slot->next_run_at == due.next) return core::Ok();
    return deps_.store.ScheduleSlots().SetNextRun(id, due.next, slot->note);
  }
  bool fired = false, skipped = false, claimed = false;
  auto done = deps_.store.WithTransaction([&](storage::Repositories& r) -> core::Status {
    auto running = r.ScheduleSlots().HasActiveScan(id);
    if (!running) return std::unexpected(running.error());
    std::string note;
    if (*running) {
      note = fmt::format("skipped the run due at {}: a scan of this scanner was still running",
                         FormatUtc(*due.due));
    } else if (due.skipped > 0) {
      note = fmt::format("ran once for {} runs missed while the server was down", due.skipped + 1);
    }
    auto won = r.ScheduleSlots().Claim(id, slot->last_fired_at, *due.due, due.next, note);
    if (!won) return std::unexpected(won.error());
    claimed = *won;
    if (!claimed || *running) {
      skipped = claimed;
      return core::Ok();
    }
    storage::Scan scan;
    scan.project_id = config->project_id;
    scan.scanner_config_id = config->id;
    scan.tool = config->tool;
    scan.method = "scheduled";
    scan.branch = config->branch;
    scan.environment = config->environment;
    scan.meta_data = config->meta_data;
    scan.scan_tag = config->scan_tag;
    scan.created_at = now;
    auto created = r.Scans().Create(scan);
    if (!created) return std::unexpected(created.error());
    fired = true;
    spdlog::info("scheduler: scanner configuration {} queued scan {} for the run due at {}", id,
                 created->id, FormatUtc(*due.due));
    return core::Ok();
  });
  if (!done) return done;
  if (fired) ++report.fired;
  if (skipped) {
    ++report.skipped;
    spdlog::info(
        "scheduler: scanner configuration {} skipped the run due at {}: a scan is "
        "still running",
        id, FormatUtc(*due.due));
  }
  if (!claimed) ++report.lost;
  return core::Ok();
}

}  // namespace bulwark::jobs
