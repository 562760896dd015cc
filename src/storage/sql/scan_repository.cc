// SQL of scans (durable jobs with a lease) and of the event outbox.
#include <fmt/format.h>

#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"

namespace bulwark::storage {

std::string_view ScanStateName(ScanState s) {
  static constexpr std::string_view kNames[] = {
      "waiting",  "starting", "running", "retrieving_results", "analyzing", "notifying",
      "finished", "failed",   "canceled"};
  return kNames[static_cast<int>(s)];
}

core::Result<ScanState> ParseScanState(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(ScanState::kCanceled); ++i) {
    if (ScanStateName(static_cast<ScanState>(i)) == text) return static_cast<ScanState>(i);
  }
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    fmt::format("state: '{}' is not a scan state", text));
}

bool IsScanMethod(std::string_view m) {
  return m == "kdt" || m == "import" || m == "ui-import" || m == "bind" || m == "scheduled";
}

namespace sql {
namespace {

constexpr const char* kScanCols =
    "id, project_id, scanner_config_id, tool, method, branch, environment, meta_data, scan_tag, "
    "state, state_times, progress, error, hint, cancel_requested, source_file_name, "
    "source_sha256, source_path, xray_report_id, summary_critical, summary_high, "
    "summary_medium, summary_low, summary_info, risk_score, new_findings, fixed_findings, "
    "lease_owner, lease_expires_at, attempts, created_at, started_at, finished_at";

std::string StateTimes(const std::vector<std::pair<ScanState, Time>>& times) {
  std::vector<std::string> lines;
  for (const auto& [s, t] : times) lines.push_back(fmt::format("{} {}", ScanStateName(s), *Ms(t)));
  return *Lines(lines);
}

Scan ToScan(const Row& r) {
  Scan s;
  s.id = ToInt(r[0]);
  s.project_id = ToInt(r[1]);
  if (r[2]) s.scanner_config_id = ToInt(r[2]);
  s.tool = ToText(r[3]);
  s.method = ToText(r[4]);
  s.branch = ToText(r[5]);
  s.environment = ToText(r[6]);
  s.meta_data = ToText(r[7]);
  s.scan_tag = ToText(r[8]);
  s.state = ParseScanState(ToText(r[9])).value_or(ScanState::kFailed);
  for (const std::string& line : ToLines(r[10])) {
    const size_t sp = line.find(' ');
    auto st = ParseScanState(line.substr(0, sp));
    if (st && sp != std::string::npos) s.state_times.emplace_back(*st, ToTime(line.substr(sp + 1)));
  }
  s.progress = static_cast<int>(ToInt(r[11]));
  s.error = r[12];
  s.hint = r[13];
  s.cancel_requested = ToBool(r[14]);
  s.source_file_name = ToText(r[15]);
  s.source_sha256 = ToText(r[16]);
  s.source_path = ToText(r[17]);
  s.xray_report_id = ToText(r[18]);
  s.summary = {static_cast<int>(ToInt(r[19])), static_cast<int>(ToInt(r[20])),
               static_cast<int>(ToInt(r[21])), static_cast<int>(ToInt(r[22])),
               static_cast<int>(ToInt(r[23]))};
  s.risk_score = r[24] ? std::stod(*r[24]) : 0;
  s.new_findings = static_cast<int>(ToInt(r[25]));
  s.fixed_findings = static_cast<int>(ToInt(r[26]));
  s.lease_owner = ToText(r[27]);
  s.lease_expires_at = ToOptTime(r[28]);
  s.attempts = static_cast<int>(ToInt(r[29]));
  s.created_at = ToTime(r[30]);
  s.started_at = ToOptTime(r[31]);
  s.finished_at = ToOptTime(r[32]);
  return s;
}

core::Result<Scan> OneScan(core::Result<Rows> rows, std::int64_t id) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return core::Fail(core::ErrorCode::kNotFound, fmt::format("scan {} not found", id));
  }
  return ToScan(rows->front());
}

constexpr const char* kNonFinal = "state NOT IN ('finished', 'failed', 'canceled')";

class SqlScans final : public ScanRepository {
 public:
  explicit SqlScans(Session& s) : s_(s) {}
  core::Result<Scan> Create(const Scan& c) override {
    if (!IsScanMethod(c.method)) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        fmt::format("method: '{}' is not one of kdt, import, ui-import, bind, "
                                    "scheduled",
                                    c.method));
    }
    return OneScan(
        s_.Query(fmt::format(
                     "INSERT INTO scans (project_id, scanner_config_id, tool, method, branch, "
                     "environment, meta_data, scan_tag, state, state_times, source_file_name, "
                     "source_sha256, source_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                     "$8, 'waiting', $9, $10, $11, $12, $13) RETURNING {}",
                     kScanCols),
                 {Int(c.project_id), c.scanner_config_id ? Int(*c.scanner_config_id) : Value{},
                  c.tool, c.method, c.branch, c.environment, c.meta_data, c.scan_tag,
                  StateTimes({{ScanState::kWaiting, c.created_at}}), c.source_file_name,
                  c.source_sha256, c.source_path, Ms(c.created_at)}),
        0);
  }
  core::Result<Scan> Get(std::int64_t id) override {
    return OneScan(
        s_.Query(fmt::format("SELECT {} FROM scans WHERE id = $1", kScanCols), {Int(id)}), id);
  }
  core::Result<Page<Scan>> List(const ScanFilter& f, const PageRequest& page) override {
    ListQuery q(fmt::format("SELECT {} FROM scans", kScanCols));
    Filter(f, q);
    if (f.newest_first) q.Descending();
    auto sql = q.Build(page);
    if (!sql) return std::unexpected(sql.error());
    auto rows = s_.Query(*sql, q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToPage<Scan>(*rows, page, ToScan);
  }
  core::Result<std::int64_t> Count(const ScanFilter& f) override {
    ListQuery q("SELECT COUNT(*) FROM scans");
    Filter(f, q);
    auto rows = s_.Query("SELECT COUNT(*) FROM scans" + q.WhereClause(), q.params());
    if (!rows) return std::unexpected(rows.error());
    return ToInt(rows->at(0)[0]);
  }
  core::Status Transition(std::int64_t id, ScanState state, int progress, Time at,
                          std::optional<std::string> error,
                          std::optional<std::string> hint) override {
    auto rows = s_.Query(
        fmt::format(
            "UPDATE scans SET state = $2, progress = $3, state_times = state_times || $4, "
            "error = COALESCE($5, error), hint = COALESCE($6, hint), "
            "started_at = CASE WHEN $2 = 'starting' AND started_at IS NULL THEN $7 ELSE "
            "started_at END, finished_at = CASE WHEN $2 IN ('finished', 'failed', 'canceled') "
            "THEN $7 ELSE finished_at END WHERE id = $1 AND {} RETURNING id",
            kNonFinal),
        {Int(id), std::string(ScanStateName(state)), Int(std::clamp(progress, 0, 100)),
         fmt::format("\n{} {}", ScanStateName(state), *Ms(at)), error, hint, Ms(at)});
    return Touched(std::move(rows), id);
  }
  core::Status SetOutcome(std::int64_t id, const ScanOutcome& o) override {
    return Touched(
        s_.Query("UPDATE scans SET summary_critical = $2, summary_high = $3, summary_medium = $4, "
                 "summary_low = $5, summary_info = $6, risk_score = $7, new_findings = $8, "
                 "fixed_findings = $9 WHERE id = $1 RETURNING id",
                 {Int(id), Int(o.summary.critical), Int(o.summary.high), Int(o.summary.medium),
                  Int(o.summary.low), Int(o.summary.info), fmt::format("{}", o.risk_score),
                  Int(o.new_findings), Int(o.fixed_findings)}),
        id);
  }
  core::Status SetXrayReportId(std::int64_t id, std::string_view report_id) override {
    return Touched(s_.Query("UPDATE scans SET xray_report_id = $2 WHERE id = $1 RETURNING id",
                            {Int(id), std::string(report_id)}),
                   id);
  }
  core::Result<Scan> RequestCancel(std::int64_t id, Time at) override {
    auto rows = s_.Query(
        fmt::format("UPDATE scans SET cancel_requested = $2 WHERE id = $1 AND {} RETURNING id",
                    kNonFinal),
        {Int(id), Bool(true)});
    if (auto s = Touched(std::move(rows), id); !s) return std::unexpected(s.error());
    auto idle = s_.Query(
        "UPDATE scans SET state = 'canceled', finished_at = $2, state_times = state_times || $3 "
        "WHERE id = $1 AND state = 'waiting' AND (lease_expires_at IS NULL OR lease_expires_at "
        "< $2) RETURNING id",
        {Int(id), Ms(at), fmt::format("\ncanceled {}", *Ms(at))});
    if (!idle) return std::unexpected(idle.error());
    return Get(id);
  }
  // A scan is claimable when it is the oldest non-final scan of its scanner configuration (the
  // head of that configuration's queue) and no live lease holds it. Because only a head can be
  // claimed, two processes can only compete for the same row; on PostgreSQL the loser skips it
  // (SKIP LOCKED) and takes the head of another configuration instead of waiting.
  core::Result<std::optional<Scan>> ClaimNext(std::string_view owner, Time now,
                                              Time lease_until) override {
    auto rows = s_.Query(
        fmt::format(
            "UPDATE scans SET lease_owner = $1, lease_expires_at = $3, attempts = attempts + 1 "
            "WHERE id = (SELECT c.id FROM scans c WHERE c.{} AND (c.lease_expires_at IS NULL OR "
            "c.lease_expires_at < $2) AND (c.scanner_config_id IS NULL OR NOT EXISTS (SELECT 1 "
            "FROM scans o WHERE o.scanner_config_id = c.scanner_config_id AND o.id < c.id AND "
            "o.{})) ORDER BY c.id LIMIT 1{}) AND {} AND "
            "(lease_expires_at IS NULL OR lease_expires_at < $2) RETURNING {}",
            kNonFinal, kNonFinal, s_.SkipLockedClause(), kNonFinal, kScanCols),
        {std::string(owner), Ms(now), Ms(lease_until)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) return std::optional<Scan>();
    return std::optional<Scan>(ToScan(rows->front()));
  }
  core::Result<QueueBacklog> Backlog() override {
    auto rows = s_.Query("SELECT COUNT(*), MIN(created_at) FROM scans WHERE state = $1",
                         {std::string(ScanStateName(ScanState::kWaiting))});
    if (!rows) return std::unexpected(rows.error());
    QueueBacklog b;
    if (!rows->empty()) {
      b.waiting = ToInt(rows->front()[0]);
      b.oldest_created_at = ToOptTime(rows->front()[1]);
    }
    return b;
  }
  core::Result<bool> Heartbeat(std::int64_t id, std::string_view owner, Time until) override {
    auto rows = s_.Query(
        "UPDATE scans SET lease_expires_at = $3 WHERE id = $1 AND lease_owner = $2 RETURNING "
        "cancel_requested",
        {Int(id), std::string(owner), Ms(until)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kConflict,
                        fmt::format("scan {}: lease lost by {}", id, owner));
    }
    return ToBool(rows->front()[0]);
  }
  core::Status ReleaseLease(std::int64_t id, std::string_view owner) override {
    return Touched(
        s_.Query(fmt::format("UPDATE scans SET lease_owner = '', lease_expires_at = NULL, "
                             "attempts = CASE WHEN {} AND attempts > 0 THEN attempts - 1 ELSE "
                             "attempts END WHERE id = $1 AND lease_owner = $2 RETURNING id",
                             kNonFinal),
                 {Int(id), std::string(owner)}),
        id);
  }

 private:
  static void Filter(const ScanFilter& f, ListQuery& q) {
    if (f.project_id) q.Where("project_id = ${}", Int(*f.project_id));
    if (f.state) q.Where("state = ${}", std::string(ScanStateName(*f.state)));
    if (f.final) q.WhereRaw(*f.final ? fmt::format("NOT ({})", kNonFinal) : kNonFinal);
    if (f.branch) q.Where("branch = ${}", *f.branch);
    if (f.tool) q.Where("tool = ${}", *f.tool);
    if (f.meta_data) q.Where("meta_data = ${}", *f.meta_data);
    if (f.environment) q.Where("environment = ${}", *f.environment);
    if (f.manual) {
      q.WhereRaw(*f.manual ? "method IN ('import', 'ui-import')"
                           : "method NOT IN ('import', 'ui-import')");
    }
    if (f.source_path) q.Where("source_path = ${}", *f.source_path);
  }
  core::Status Touched(core::Result<Rows> rows, std::int64_t id) {
    if (!rows) return std::unexpected(rows.error());
    if (!rows->empty()) return core::Ok();
    auto scan = Get(id);
    if (!scan) return std::unexpected(scan.error());
    return core::Fail(core::ErrorCode::kConflict,
                      fmt::format("scan {} is already {}", id, ScanStateName(scan->state)));
  }

  Session& s_;
};

class SqlEvents final : public EventRepository {
 public:
  explicit SqlEvents(Session& s) : s_(s) {}
  core::Result<Event> Append(const Event& e) override {
    auto rows = s_.Query(
        "INSERT INTO events (kind, aggregate_type, aggregate_id, payload, created_at) VALUES ($1, "
        "$2, $3, $4, $5) RETURNING id",
        {e.kind, e.aggregate_type, Int(e.aggregate_id), e.payload, Ms(e.created_at)});
    if (!rows) return std::unexpected(rows.error());
    Event out = e;
    out.id = ToInt(rows->at(0)[0]);
    return out;
  }
  core::Result<std::vector<Event>> Pending(int limit) override {
    auto rows = s_.Query(
        "SELECT id, kind, aggregate_type, aggregate_id, payload, created_at FROM events WHERE "
        "published_at IS NULL ORDER BY id LIMIT $1",
        {Int(limit)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<Event> out;
    for (const Row& r : *rows) {
      out.push_back({ToInt(r[0]), ToText(r[1]), ToText(r[2]), ToInt(r[3]), ToText(r[4]),
                     ToTime(r[5]), std::nullopt});
    }
    return out;
  }
  core::Status MarkPublished(std::int64_t id, Time at) override {
    auto rows = s_.Query("UPDATE events SET published_at = $2 WHERE id = $1 RETURNING id",
                         {Int(id), Ms(at)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound, fmt::format("event {} not found", id));
    }
    return core::Ok();
  }

 private:
  Session& s_;
};

}  // namespace

std::unique_ptr<ScanRepository> MakeScanRepository(Session& s) {
  return std::make_unique<SqlScans>(s);
}
std::unique_ptr<EventRepository> MakeEventRepository(Session& s) {
  return std::make_unique<SqlEvents>(s);
}

}  // namespace sql
}  // namespace bulwark::storage
