#include "jobs/scan_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "domain/finding_set.h"
#include "env/thread_priority.h"
#include "ingest/ingest.h"

namespace bulwark::jobs {
namespace {

using storage::Scan;
using storage::ScanState;

// Accumulates every finding of one source; stops the parse once the scan is to stop.
class SetSink final : public ingest::FindingSink {
 public:
  SetSink(domain::FindingSet& set, const std::atomic<bool>& cancel) : set_(set), cancel_(cancel) {}
  core::Status Consume(std::span<const domain::Finding> batch) override {
    if (cancel_.load()) return core::Fail(core::ErrorCode::kCanceled, "scan canceled");
    set_.Add(batch);
    return core::Ok();
  }

 private:
  domain::FindingSet& set_;
  const std::atomic<bool>& cancel_;
};

std::string Payload(const Scan& s, std::string_view kind) {
  nlohmann::json j = {{"event", kind},
                      {"scan_id", s.id},
                      {"project_id", s.project_id},
                      {"tool", s.tool},
                      {"method", s.method},
                      {"branch", s.branch},
                      {"state", storage::ScanStateName(s.state)},
                      {"summary",
                       {{"critical", s.summary.critical},
                        {"high", s.summary.high},
                        {"medium", s.summary.medium},
                        {"low", s.summary.low},
                        {"info", s.summary.info}}},
                      {"risk_score", s.risk_score},
                      {"new_findings", s.new_findings},
                      {"fixed_findings", s.fixed_findings}};
  if (s.scanner_config_id) j["scanner_id"] = *s.scanner_config_id;
  if (s.error) j["error"] = *s.error;
  return j.dump();
}

bool IsImport(const Scan& s) { return !s.source_path.empty(); }

}  // namespace

ScanRunner::ScanRunner(ScanRunnerDeps deps, ScanRunnerOptions options)
    : deps_(deps), options_(std::move(options)) {}

ScanRunner::~ScanRunner() { Stop(); }

void ScanRunner::Start() {
  std::lock_guard lock(mu_);
  stopping_ = false;
  shutdown_ = false;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

void ScanRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    shutdown_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void ScanRunner::Wake() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  wake_.notify_all();
}

void ScanRunner::WorkerLoop() {
  if (options_.nice > 0) {
    if (auto lowered = env::SetCurrentThreadNice(options_.nice); !lowered) {
      spdlog::warn("scan worker priority: {}", lowered.error().message);
    }
  }
  while (true) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      seen = wakeups_;
    }
    auto ran = RunOne();
    if (!ran) spdlog::warn("scan queue: {}", ran.error().message);
    if (ran && *ran) continue;  // there may be more
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.poll, [&] { return stopping_ || wakeups_ != seen; });
  }
}

core::Result<bool> ScanRunner::RunOne() {
  const auto now = deps_.clock.Now();
  auto claimed = deps_.store.Scans().ClaimNext(options_.owner, now, now + options_.lease);
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return false;
  const Scan scan = **claimed;
  spdlog::info("scan id={} claimed attempt={} method={}", scan.id, scan.attempts, scan.method);
  const std::string_view kind = IsImport(scan) ? "import" : "api_scan";
  const auto started = std::chrono::steady_clock::now();
  auto observe = [&](std::string_view outcome) {
    deps_.metrics.ObserveJob(
        kind, outcome,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  };
  if (scan.attempts > options_.max_attempts) {
    auto failed = Fail(scan, fmt::format("abandoned after {} attempts: the worker running it "
                                         "stopped or lost its lease each time",
                                         scan.attempts - 1));
    observe("failed");
    if (!failed) return std::unexpected(failed.error());
    return true;
  }
  std::atomic<bool> cancel{scan.cancel_requested};
  std::atomic<bool> lease_lost{false};
  std::atomic<bool> done{false};
  std::mutex hb_mu;
  std::condition_variable hb_cv;
  // Renews the lease and watches for a cancel request (or shutdown) while the scan runs.
  std::thread heartbeat([&] {
    const auto every =
        std::min<std::chrono::milliseconds>(options_.lease / 3, std::chrono::milliseconds(250));
    std::unique_lock lock(hb_mu);
    while (!hb_cv.wait_for(lock, every, [&] { return done.load(); })) {
      auto beat = deps_.store.Scans().Heartbeat(scan.id, options_.owner,
                                                deps_.clock.Now() + options_.lease);
      if (!beat && beat.error().code == core::ErrorCode::kConflict) lease_lost = true;
      if (!beat || *beat || shutdown_.load()) cancel = true;
    }
  });
  core::Status result = Execute(scan, cancel);
  {
    std::lock_guard lock(hb_mu);
    done = true;
  }
  hb_cv.notify_all();
  heartbeat.join();
  auto& scans = deps_.store.Scans();
  if (result) {
    observe("finished");
  } else if (result.error().code == core::ErrorCode::kCanceled &&
             (lease_lost.load() || LeaseLost(scan.id))) {
    // Another worker holds the scan now and finishes it; touch nothing.
    spdlog::warn("scan id={} lease lost; left to its new holder", scan.id);
    observe("lease_lost");
    return true;
  } else if (result.error().code == core::ErrorCode::kCanceled && shutdown_.load()) {
    (void)scans.ReleaseLease(scan.id, options_.owner);  // resumed after restart
    observe("handed_back");
    return true;
  } else if (result.error().code == core::ErrorCode::kCanceled) {
    spdlog::info("scan id={} canceled: {}", scan.id, result.error().message);
    (void)scans.Transition(scan.id, ScanState::kCanceled, 100, deps_.clock.Now(),
                           result.error().message);
    observe("canceled");
  } else {
    spdlog::info("scan id={} failed: {}", scan.id, result.error().message);
    if (auto failed = Fail(scan, result.error().message); !failed) {
      spdlog::warn("scan id={}: recording the failure: {}", scan.id, failed.error().message);
    }
    observe("failed");
  }
  (void)scans.ReleaseLease(scan.id, options_.owner);
  return true;
}

// Whether another worker holds (or has released) the scan this worker claimed.
bool ScanRunner::LeaseLost(std::int64_t id) {
  auto now = deps_.store.Scans().Get(id);
  return now && now->lease_owner != options_.owner;
}

// The failed state and its outbox event land together, or neither does (so a failed scan is
// announced exactly once).
core::Status ScanRunner::Fail(const Scan& scan, const std::string& why) {
  const auto at = deps_.clock.Now();
  return deps_.store.WithTransaction([&](storage::Repositories& r) -> core::Status {
    if (auto s = r.Scans().Transition(scan.id, ScanState::kFailed, 100, at, why); !s) return s;
    auto failed = r.Scans().Get(scan.id);
    if (!failed) return std::unexpected(failed.error());
    auto event = r.Events().Append(
        {0, "scan.failed", "scan", scan.id, Payload(*failed, "scan.failed"), at, {}});
    if (!event) return std::unexpected(event.error());
    return core::Ok();
  });
}

core::Status ScanRunner::Execute(const Scan& scan, const std::atomic<bool>& cancel) {
  auto& scans = deps_.store.Scans();
  auto step = [&](ScanState state, int progress) {
    return scans.Transition(scan.id, state, progress, deps_.clock.Now());
  };
  if (auto s = step(ScanState::kStarting, 5); !s) return s;
  if (auto s = step(ScanState::kRunning, 10); !s) return s;
  domain::FindingSet set;
  SetSink sink(set, cancel);
  if (IsImport(scan)) {
    // No validation pass first: the findings are collected in memory and applied in one
    // transaction below, so a file refused half-way stores nothing anyway.
    ingest::ParseOptions options;
    auto parsed = ingest::ParseFile(scan.source_path, ingest::Format::kAuto, sink, options);
    if (!parsed) return std::unexpected(parsed.error());
  } else {
    if (auto s = step(ScanState::kRetrievingResults, 20); !s) return s;
    if (auto s = RunRemote(scan, sink, cancel); !s) return s;
  }
  if (cancel.load()) return core::Fail(core::ErrorCode::kCanceled, "scan canceled");
  if (auto s = step(ScanState::kAnalyzing, 80); !s) return s;
  std::vector<domain::Finding> findings = set.Take();
  const auto at = deps_.clock.Now();
  storage::ScanOutcome outcome;
  // The findings, the outcome, the final state and the outbox event are one transaction: a crash
  // leaves either none of them (the scan is run again after its lease) or all of them.
  auto applied = deps_.store.WithTransaction([&](storage::Repositories& r) -> core::Status {
    auto current = r.Scans().Get(scan.id);
    if (!current) return std::unexpected(current.error());
    if (current->cancel_requested || storage::IsFinal(current->state)) {
      return core::Fail(core::ErrorCode::kCanceled, "scan canceled");
    }
    if (current->lease_owner != options_.owner) {
      return core::Fail(core::ErrorCode::kCanceled, "scan lease lost");
    }
    auto result = r.Findings().ApplySnapshot({scan.project_id, scan.branch, scan.tool, scan.id, at},
                                             findings);
    if (!result) return std::unexpected(result.error());
    auto open = r.Findings().OpenUntriaged(scan.project_id, scan.branch, scan.tool, at);
    if (!open) return std::unexpected(open.error());
    outcome = {*open, domain::RiskScore(*open, options_.risk_weights), result->new_findings,
               result->fixed};
    if (auto s = r.Scans().SetOutcome(scan.id, outcome); !s) return s;
    if (auto s = r.Scans().Transition(scan.id, ScanState::kNotifying, 90, at); !s) return s;
    auto finished = r.Scans().Get(scan.id);
    if (!finished) return std::unexpected(finished.error());
    finished->state = ScanState::kFinished;
    auto event = r.Events().Append(
        {0, "scan.finished", "scan", scan.id, Payload(*finished, "scan.finished"), at, {}});
    if (!event) return std::unexpected(event.error());
    return r.Scans().Transition(scan.id, ScanState::kFinished, 100, at);
  });
  if (!applied) return applied;
  spdlog::info("scan id={} finished findings={} new={} fixed={}", scan.id, findings.size(),
               outcome.new_findings, outcome.fixed_findings);
  return core::Ok();
}

}  // namespace bulwark::jobs

namespace bulwark::jobs {

core::Status ScanRunner::RunRemote(const storage::Scan& scan, ingest::FindingSink& sink,
                                   const std::atomic<bool>& cancel) {
  if (!scan.scanner_config_id) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "scan has neither an uploaded file nor a scanner configuration");
  }
  auto config = deps_.store.ScannerConfigs().Get(*scan.scanner_config_id);
  if (!config) return std::unexpected(config.error());
  auto project = deps_.store.Projects().Get(scan.project_id);
  if (!project) return std::unexpected(project.error());
  auto integration = deps_.store.Integrations().GetByKind(scan.tool);
  if (!integration) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("the {} integration is not configured; set it up under "
                                  "Integrations > Scanners first",
                                  scan.tool));
  }
  if (!integration->active || !integration->api_enabled) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      fmt::format("the {} integration is {}; activate it and enable its API to "
                                  "run API-based scans",
                                  scan.tool, integration->active ? "not API-enabled" : "inactive"));
  }
  scanners::IntegrationSettings settings;
  settings.api_enabled = integration->api_enabled;
  settings.url = integration->url;
  settings.insecure = integration->insecure;
  if (!integration->sealed_access_token.empty()) {
    auto token = env::Unseal(deps_.secret_key, integration->sealed_access_token);
    if (!token) return std::unexpected(token.error().Wrap("integration access token"));
    settings.access_token = std::move(*token);
  }
  auto adapter = deps_.registry.Create(scan.tool, settings, {deps_.transport, deps_.clock});
  if (!adapter) return std::unexpected(adapter.error());
  scanners::ScanTarget target{project->name, std::to_string(scan.id), config->repository_key,
                              config->include_patterns, config->exclude_patterns};
  int last_percent = -1;
  scanners::ScanControl control{&cancel, [&](int percent, std::string_view) {
                                  const int progress = 20 + percent * 55 / 100;
                                  if (progress / 5 == last_percent / 5) return;
                                  last_percent = progress;
                                  (void)deps_.store.Scans().Transition(
                                      scan.id, ScanState::kRetrievingResults, progress,
                                      deps_.clock.Now());
                                }};
  auto outcome = (*adapter)->RunApiScan(
      target,
      [&](int, std::string body) -> core::Status {
        auto rows = ingest::ParseReportPage(body, sink);
        if (!rows) return std::unexpected(rows.error());
        return core::Ok();
      },
      control);
  if (!outcome) return std::unexpected(outcome.error());
  if (!outcome->report_id.empty()) {
    (void)deps_.store.Scans().SetXrayReportId(scan.id, outcome->report_id);
  }
  return core::Ok();
}

}  // namespace bulwark::jobs
