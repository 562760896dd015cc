// Scans: durable jobs that import a file or pull a scanner's results, with their state machine
// row, source, summary and job-queue lease. Part of the storage port (store.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "domain/lifecycle.h"
#include "storage/page.h"

namespace bulwark::storage {

// waiting -> starting -> running -> retrieving_results -> analyzing -> notifying -> finished,
// or failed / canceled from any non-final state.
enum class ScanState {
  kWaiting,
  kStarting,
  kRunning,
  kRetrievingResults,
  kAnalyzing,
  kNotifying,
  kFinished,
  kFailed,
  kCanceled
};
std::string_view ScanStateName(ScanState s);
core::Result<ScanState> ParseScanState(std::string_view text);
inline bool IsFinal(ScanState s) {
  return s == ScanState::kFinished || s == ScanState::kFailed || s == ScanState::kCanceled;
}

// "kdt", "import", "ui-import", "bind", "scheduled".
bool IsScanMethod(std::string_view method);

using domain::SeverityCounts;

struct Scan {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::optional<std::int64_t> scanner_config_id;
  std::string tool;
  std::string method = "import";
  std::string branch;
  std::string environment;
  std::string meta_data;
  std::string scan_tag;
  ScanState state = ScanState::kWaiting;
  std::vector<std::pair<ScanState, Time>> state_times;  // when each state was entered
  int progress = 0;                                     // 0..100
  std::optional<std::string> error;
  std::optional<std::string> hint;
  bool cancel_requested = false;
  std::string source_file_name;
  std::string source_sha256;
  std::string source_path;  // stored upload (import methods)
  std::string xray_report_id;
  SeverityCounts summary;
  double risk_score = 0;
  int new_findings = 0;
  int fixed_findings = 0;
  std::string lease_owner;
  std::optional<Time> lease_expires_at;
  int attempts = 0;
  Time created_at{};
  std::optional<Time> started_at;
  std::optional<Time> finished_at;
};

struct ScanFilter {
  std::optional<std::int64_t> project_id;
  std::optional<ScanState> state;
  std::optional<bool> final;  // true: finished, failed or canceled; false: any other state
  std::optional<std::string> branch;
  std::optional<std::string> tool;
  std::optional<std::string> meta_data;
  std::optional<std::string> environment;
  std::optional<bool> manual;  // true: methods import and ui-import; false: the others
  std::optional<std::string> source_path;
  bool newest_first = false;  // id descending instead of the port's id ascending
};

struct ScanOutcome {
  SeverityCounts summary;
  double risk_score = 0;
  int new_findings = 0;
  int fixed_findings = 0;
};

// Scans waiting to be claimed (for /metrics).
struct QueueBacklog {
  std::int64_t waiting = 0;
  std::optional<Time> oldest_created_at;  // nullopt when none waits
};

class ScanRepository {
 public:
  virtual ~ScanRepository() = default;
  // Inserts a waiting scan (id assigned, state_times starts with waiting at created_at).
  // kInvalidArgument when the project or scanner config does not exist.
  virtual core::Result<Scan> Create(const Scan& scan) = 0;
  virtual core::Result<Scan> Get(std::int64_t id) = 0;
  // Id ascending (the port's paging contract), or descending with filter.newest_first.
  virtual core::Result<Page<Scan>> List(const ScanFilter& filter, const PageRequest& page) = 0;
  // How many scans match (newest_first is ignored).
  virtual core::Result<std::int64_t> Count(const ScanFilter& filter) = 0;
  // Moves a non-final scan to `state` (recording when), with progress; `error`/`hint` are set
  // when given. kConflict when the scan is already final (its row is left as it was).
  virtual core::Status Transition(std::int64_t id, ScanState state, int progress, Time at,
                                  std::optional<std::string> error = std::nullopt,
                                  std::optional<std::string> hint = std::nullopt) = 0;
  // Records the results of a scan (summary, risk score, counts).
  virtual core::Status SetOutcome(std::int64_t id, const ScanOutcome& outcome) = 0;
  virtual core::Status SetXrayReportId(std::int64_t id, std::string_view report_id) = 0;
  // Flags a non-final scan for cancellation; a waiting scan nobody holds is canceled at once.
  // Returns the scan as it now is. kConflict when it is already final.
  virtual core::Result<Scan> RequestCancel(std::int64_t id, Time at) = 0;
  // Job queue: takes the oldest claimable scan (waiting, or non-final with an expired lease)
  // that is the oldest non-final scan of its scanner configuration, and leases it to `owner`
  // until `lease_until` (attempts + 1). nullopt when nothing is claimable.
  virtual core::Result<std::optional<Scan>> ClaimNext(std::string_view owner, Time now,
                                                      Time lease_until) = 0;
  // Extends the lease while `owner` holds it; kConflict when it lost the lease. Returns whether
  // cancellation was requested.
  virtual core::Result<bool> Heartbeat(std::int64_t id, std::string_view owner,
                                       Time lease_until) = 0;
  // Gives the lease up. A scan still non-final is handed back (a graceful shutdown): that claim
  // does not count as an attempt.
  virtual core::Status ReleaseLease(std::int64_t id, std::string_view owner) = 0;
  // How many scans are waiting and since when the oldest of them waits.
  virtual core::Result<QueueBacklog> Backlog() = 0;
};

// An outbox row: something happened that other systems are told about (webhooks).
struct Event {
  std::int64_t id = 0;
  std::string kind;  // e.g. "scan.finished", "scan.failed"
  std::string aggregate_type;
  std::int64_t aggregate_id = 0;
  std::string payload;  // JSON text built by the caller
  Time created_at{};
  std::optional<Time> published_at;
};

class EventRepository {
 public:
  virtual ~EventRepository() = default;
  virtual core::Result<Event> Append(const Event& event) = 0;
  // Unpublished events, oldest first.
  virtual core::Result<std::vector<Event>> Pending(int limit) = 0;
  virtual core::Status MarkPublished(std::int64_t id, Time at) = 0;
};

}  // namespace bulwark::storage
