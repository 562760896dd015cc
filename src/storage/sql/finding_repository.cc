// SQL of findings: the snapshot lifecycle (batched, multi-row), keyset lists, history, triage.
#include <fmt/format.h>

#include <charconv>
#include <unordered_map>

#include "storage/sql/finding_codec.h"
#include "storage/sql/finding_diff.h"
#include "storage/sql/query_builder.h"
#include "storage/sql/repositories.h"

namespace bulwark::storage {

core::Result<FindingSort> ParseFindingSort(std::string_view text) {
  static constexpr std::pair<std::string_view, FindingSortKey> kKeys[] = {
      {"severity", FindingSortKey::kSeverity},
      {"last_seen", FindingSortKey::kLastSeen},
      {"first_seen", FindingSortKey::kFirstSeen},
      {"component", FindingSortKey::kComponent},
      {"vulnerability_key", FindingSortKey::kVulnerabilityKey},
      {"id", FindingSortKey::kId}};
  const bool descending = text.starts_with('-');
  const std::string_view name = descending ? text.substr(1) : text;
  for (const auto& [key_name, key] : kKeys) {
    if (key_name == name) return FindingSort{key, descending};
  }
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    fmt::format("sort: '{}' is not one of severity, -severity, last_seen, "
                                "-last_seen, first_seen, -first_seen, component, -component, "
                                "vulnerability_key, -vulnerability_key, id, -id",
                                text));
}

namespace sql {
namespace {

using domain::FindingStatus;

// Rows per multi-row statement. SQLite resolves placeholders while preparing in time that grows
// faster than linearly with their number, so statements stay small.
constexpr size_t kBatch = 32;

// f.* identity and lifecycle columns, then content columns, then the triage in force.
std::string SelectFindings() {
  std::string content = kFindingContentCols;
  std::string prefixed;
  size_t start = 0;
  while (start < content.size()) {
    size_t comma = content.find(", ", start);
    prefixed += "f." + content.substr(start, comma == std::string::npos ? comma : comma - start);
    if (comma == std::string::npos) break;
    prefixed += ", ";
    start = comma + 2;
  }
  return "SELECT f.id, f.project_id, f.branch, f.tool, f.fingerprint, f.vulnerability_key, "
         "f.status, f.first_seen_at, f.last_seen_at, f.fixed_at, f.first_scan_id, "
         "f.last_scan_id, " +
         prefixed +
         ", t.id, t.state, t.reason, t.expires_at, t.decided_by, t.decided_at "
         "FROM findings f LEFT JOIN triage t ON t.project_id = f.project_id AND "
         "t.vulnerability_key = f.vulnerability_key AND t.component_name = f.component_name AND "
         "(t.expires_at IS NULL OR t.expires_at > $1)";
}

std::optional<std::int64_t> OptInt(const Value& v) {
  if (!v) return std::nullopt;
  return ToInt(v);
}

StoredFinding ToStored(const Row& r) {
  StoredFinding s;
  s.id = ToInt(r[0]);
  s.project_id = ToInt(r[1]);
  s.branch = ToText(r[2]);
  s.tool = ToText(r[3]);
  s.fingerprint = ToText(r[4]);
  s.vulnerability_key = ToText(r[5]);
  s.status = domain::ParseFindingStatus(ToText(r[6])).value_or(FindingStatus::kOpen);
  s.first_seen_at = ToTime(r[7]);
  s.last_seen_at = ToTime(r[8]);
  s.fixed_at = ToOptTime(r[9]);
  s.first_scan_id = OptInt(r[10]);
  s.last_scan_id = OptInt(r[11]);
  ReadFindingContent(r, 12, s.finding);
  const size_t t = 12 + kFindingContentCount;
  if (r[t]) {
    Triage tr;
    tr.id = ToInt(r[t]);
    tr.project_id = s.project_id;
    tr.vulnerability_key = s.vulnerability_key;
    tr.component_name = s.finding.component.name;
    tr.state =
        domain::ParseTriageState(ToText(r[t + 1])).value_or(domain::TriageState::kFalsePositive);
    tr.reason = ToText(r[t + 2]);
    tr.expires_at = ToOptTime(r[t + 3]);
    tr.decided_by = ToText(r[t + 4]);
    tr.decided_at = ToTime(r[t + 5]);
    s.triage = std::move(tr);
  }
  return s;
}

// "($k, $k+1, ...)" for `n` placeholders starting at `first`.
std::string Tuple(int first, int n) {
  std::string out = "(";
  for (int i = 0; i < n; ++i) out += fmt::format("{}${}", i ? ", " : "", first + i);
  return out + ")";
}

struct Existing {
  std::int64_t id;
  std::string hash;
  FindingStatus status;
  bool present = false;
};

class SqlFindings final : public FindingRepository {
 public:
  explicit SqlFindings(Session& s) : s_(s) {}

  core::Result<ApplyResult> ApplySnapshot(const SnapshotScope& scope,
                                          std::span<const domain::Finding> findings) override;
  core::Result<StoredFinding> Get(std::int64_t id, Time now) override {
    auto rows = s_.Query(SelectFindings() + " WHERE f.id = $2", {Ms(now), Int(id)});
    if (!rows) return std::unexpected(rows.error());
    if (rows->empty()) {
      return core::Fail(core::ErrorCode::kNotFound, fmt::format("finding {} not found", id));
    }
    return ToStored(rows->front());
  }
  core::Result<Page<StoredFinding>> List(const FindingFilter& f, const PageRequest& page,
                                         Time now) override;
  core::Result<std::int64_t> Count(const FindingFilter& f) override {
    std::vector<Value> params;
    std::string where = Where(f, params);
    auto rows = s_.Query("SELECT COUNT(*) FROM findings f WHERE " + where, params);
    if (!rows) return std::unexpected(rows.error());
    return ToInt(rows->at(0)[0]);
  }
  core::Result<std::vector<HistoryEntry>> History(std::int64_t finding_id) override {
    auto rows = s_.Query(
        "SELECT id, finding_id, scan_id, change, detail, at FROM finding_history "
        "WHERE finding_id = $1 ORDER BY id",
        {Int(finding_id)});
    if (!rows) return std::unexpected(rows.error());
    std::vector<HistoryEntry> out;
    for (const Row& r : *rows) {
      out.push_back(
          {ToInt(r[0]), ToInt(r[1]), OptInt(r[2]), ToText(r[3]), ToText(r[4]), ToTime(r[5])});
    }
    return out;
  }
  core::Result<domain::SeverityCounts> OpenUntriaged(std::int64_t project_id,
                                                     std::string_view branch, std::string_view tool,
                                                     Time now) override {
    // The branch and tool conditions are left out rather than written "($2 = '' OR ...)", which
    // keeps the planner from searching the branch's index entries.
    auto rows = s_.Query(
        fmt::format("SELECT f.severity, COUNT(*) FROM findings f WHERE f.project_id = $1 AND {}{}"
                    "f.status <> 'fixed' AND NOT EXISTS (SELECT 1 FROM triage t WHERE "
                    "t.project_id = f.project_id AND t.vulnerability_key = f.vulnerability_key "
                    "AND t.component_name = f.component_name AND (t.expires_at IS NULL OR "
                    "t.expires_at > $4)) GROUP BY f.severity",
                    branch.empty() ? "$2 = '' AND " : "f.branch = $2 AND ",
                    tool.empty() ? "$3 = '' AND " : "f.tool = $3 AND "),
        {Int(project_id), std::string(branch), std::string(tool), Ms(now)});
    if (!rows) return std::unexpected(rows.error());
    domain::SeverityCounts counts;
    for (const Row& r : *rows) {
      counts.Add(static_cast<domain::Severity>(ToInt(r[0])), static_cast<int>(ToInt(r[1])));
    }
    return counts;
  }
  core::Result<FindingDiff> DiffScan(const ScanDiffRequest& request, Time now) override {
    return sql::DiffScan(s_, request, now);
  }
  core::Result<FindingDiff> DiffBranches(const BranchDiffRequest& request, Time now) override {
    return sql::DiffBranches(s_, request, now);
  }
  core::Result<Triage> SetTriage(const Triage& t) override;
  core::Status ClearTriage(std::int64_t project_id, std::string_view vulnerability_key,
                           std::string_view component_name, Time at) override {
    auto rows = s_.Query(
        "DELETE FROM triage WHERE project_id = $1 AND vulnerability_key = $2 AND "
        "component_name = $3 RETURNING id",
        {Int(project_id), std::string(vulnerability_key), std::string(component_name)});
    if (!rows) return std::unexpected(rows.error());
    return TriageHistory(project_id, vulnerability_key, component_name, "open", at);
  }

 private:
  std::string Where(const FindingFilter& f, std::vector<Value>& params) const;
  core::Status TriageHistory(std::int64_t project_id, std::string_view vulnerability_key,
                             std::string_view component_name, std::string_view detail, Time at) {
    auto rows = s_.Query(
        "INSERT INTO finding_history (finding_id, scan_id, change, detail, at) "
        "SELECT id, NULL, 'triaged', $4, $5 FROM findings WHERE project_id = $1 AND "
        "vulnerability_key = $2 AND component_name = $3",
        {Int(project_id), std::string(vulnerability_key), std::string(component_name),
         std::string(detail), Ms(at)});
    if (!rows) return std::unexpected(rows.error());
    return core::Ok();
  }
  core::Status AddHistory(const std::vector<std::int64_t>& ids, const SnapshotScope& scope,
                          std::string_view change);
  core::Status MarkFixed(const std::vector<std::int64_t>& ids, const SnapshotScope& scope);
  core::Status Rewrite(std::int64_t id, const std::vector<Value>& content, const std::string& hash,
                       const SnapshotScope& scope, bool reopen);
  core::Status Insert(std::span<const domain::Finding* const> batch, const SnapshotScope& scope,
                      std::vector<std::int64_t>& ids);

  Session& s_;
};

core::Status SqlFindings::AddHistory(const std::vector<std::int64_t>& ids,
                                     const SnapshotScope& scope, std::string_view change) {
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    const size_t end = std::min(ids.size(), start + kBatch);
    // Every row has its own placeholders: SQLite looks a reused placeholder up linearly.
    std::vector<Value> params;
    std::string sql = "INSERT INTO finding_history (finding_id, scan_id, change, at) VALUES ";
    for (size_t i = start; i < end; ++i) {
      sql += (i == start ? "" : ", ") + Tuple(static_cast<int>(params.size()) + 1, 4);
      for (Value v : {Int(ids[i]), Int(scope.scan_id), Value(std::string(change)), Ms(scope.at)}) {
        params.push_back(std::move(v));
      }
    }
    if (auto rows = s_.Query(sql, params); !rows) return std::unexpected(rows.error());
  }
  return core::Ok();
}

core::Status SqlFindings::MarkFixed(const std::vector<std::int64_t>& ids,
                                    const SnapshotScope& scope) {
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    const size_t end = std::min(ids.size(), start + kBatch);
    std::vector<Value> params = {Ms(scope.at)};
    std::string in;
    for (size_t i = start; i < end; ++i) {
      params.push_back(Int(ids[i]));
      in += fmt::format("{}${}", i == start ? "" : ", ", params.size());
    }
    auto rows = s_.Query(
        "UPDATE findings SET status = 'fixed', fixed_at = $1 WHERE id IN (" + in + ")", params);
    if (!rows) return std::unexpected(rows.error());
  }
  return AddHistory(ids, scope, "fixed");
}

core::Status SqlFindings::Rewrite(std::int64_t id, const std::vector<Value>& content,
                                  const std::string& hash, const SnapshotScope& scope,
                                  bool reopen) {
  std::string sets;
  std::vector<Value> params = content;
  std::string cols = kFindingContentCols;
  size_t start = 0;
  for (int i = 0; i < kFindingContentCount; ++i) {
    size_t comma = cols.find(", ", start);
    sets += fmt::format("{} = ${}, ", cols.substr(start, comma - start), i + 1);
    start = comma + 2;
  }
  params.push_back(hash);
  params.push_back(Int(scope.scan_id));
  params.push_back(Ms(scope.at));
  params.push_back(Int(id));
  const int n = kFindingContentCount;
  auto rows = s_.Query(
      fmt::format("UPDATE findings SET {}content_hash = ${}, last_scan_id = ${}, last_seen_at = "
                  "${}{} WHERE id = ${}",
                  sets, n + 1, n + 2, n + 3, reopen ? ", status = 'reopened', fixed_at = NULL" : "",
                  n + 4),
      params);
  if (!rows) return std::unexpected(rows.error());
  return AddHistory({id}, scope, reopen ? "reopened" : "updated");
}

core::Status SqlFindings::Insert(std::span<const domain::Finding* const> batch,
                                 const SnapshotScope& scope, std::vector<std::int64_t>& ids) {
  std::vector<Value> params;
  std::string sql = fmt::format(
      "INSERT INTO findings (project_id, branch, tool, first_scan_id, first_seen_at, "
      "last_scan_id, last_seen_at, status, fingerprint, vulnerability_key, content_hash, {}) "
      "VALUES ",
      kFindingContentCols);
  for (size_t i = 0; i < batch.size(); ++i) {
    const domain::Finding& f = *batch[i];
    auto content = FindingContent(f);
    const int first = static_cast<int>(params.size()) + 1;
    for (Value v : {Int(scope.project_id), Value(scope.branch), Value(scope.tool),
                    Int(scope.scan_id), Ms(scope.at), Int(scope.scan_id), Ms(scope.at)}) {
      params.push_back(std::move(v));
    }
    params.push_back(f.Fingerprint());
    params.push_back(f.VulnerabilityKey());
    params.push_back(ContentDigest(f));
    for (auto& v : content) params.push_back(std::move(v));
    const std::string identity = Tuple(first, 7);  // "(... )": drop the closing parenthesis
    sql += fmt::format("{}{}, 'new', {}", i ? ", " : "", identity.substr(0, identity.size() - 1),
                       Tuple(first + 7, kFindingContentCount + 3).substr(1));
  }
  auto rows = s_.Query(sql + " RETURNING id", params);
  if (!rows) return std::unexpected(rows.error());
  std::vector<std::int64_t> batch_ids;
  for (const Row& r : *rows) batch_ids.push_back(ToInt(r[0]));
  ids.insert(ids.end(), batch_ids.begin(), batch_ids.end());
  return AddHistory(batch_ids, scope, "new");
}

core::Result<ApplyResult> SqlFindings::ApplySnapshot(const SnapshotScope& scope,
                                                     std::span<const domain::Finding> findings) {
  auto rows = s_.Query(
      "SELECT id, fingerprint, content_hash, status FROM findings WHERE project_id = $1 AND "
      "branch = $2 AND tool = $3",
      {Int(scope.project_id), scope.branch, scope.tool});
  if (!rows) return std::unexpected(rows.error());
  std::unordered_map<std::string, Existing> existing;
  existing.reserve(rows->size());
  for (Row& r : *rows) {
    existing.emplace(
        ToText(r[1]),
        Existing{ToInt(r[0]), ToText(r[2]),
                 domain::ParseFindingStatus(ToText(r[3])).value_or(FindingStatus::kOpen)});
  }
  ApplyResult result;
  std::vector<const domain::Finding*> fresh;
  struct Pending {
    std::int64_t id;
    std::vector<Value> content;
    std::string hash;
    bool reopen;
  };
  std::vector<Pending> rewrites;
  for (const domain::Finding& f : findings) {
    auto it = existing.find(f.Fingerprint());
    if (it == existing.end()) {
      fresh.push_back(&f);
      continue;
    }
    Existing& e = it->second;
    e.present = true;
    const bool was_fixed = e.status == FindingStatus::kFixed;
    // Compared by digest only: the column text is built for the rows that are written.
    std::string digest = ContentDigest(f);
    const bool same =
        IsContentDigest(e.hash) ? digest == e.hash : ContentHash(FindingContent(f)) == e.hash;
    if (!was_fixed && same) {
      ++result.unchanged;
      continue;
    }
    ++(was_fixed ? result.reopened : result.updated);
    rewrites.push_back({e.id, FindingContent(f), std::move(digest), was_fixed});
  }
  std::vector<std::int64_t> gone;
  for (const auto& [fp, e] : existing) {
    if (!e.present && e.status != FindingStatus::kFixed) gone.push_back(e.id);
  }
  result.fixed = static_cast<int>(gone.size());
  if (auto s = MarkFixed(gone, scope); !s) return std::unexpected(s.error());
  // Every finding still open was seen again: its last scan moves and it is "open" now. Set-based,
  // content columns untouched, each row written once: the rows already open first, without
  // assigning the status (so its index entries stay as they are), then the new and reopened ones.
  for (const char* sql :
       {"UPDATE findings SET last_scan_id = $4, last_seen_at = $5 WHERE project_id = $1 AND "
        "branch = $2 AND tool = $3 AND status = 'open'",
        "UPDATE findings SET last_scan_id = $4, last_seen_at = $5, status = 'open' WHERE "
        "project_id = $1 AND branch = $2 AND tool = $3 AND status IN ('new', 'reopened')"}) {
    auto bumped = s_.Query(
        sql, {Int(scope.project_id), scope.branch, scope.tool, Int(scope.scan_id), Ms(scope.at)});
    if (!bumped) return std::unexpected(bumped.error());
  }
  for (const Pending& p : rewrites) {
    if (auto s = Rewrite(p.id, p.content, p.hash, scope, p.reopen); !s) {
      return std::unexpected(s.error());
    }
  }
  std::vector<std::int64_t> ids;
  for (size_t start = 0; start < fresh.size(); start += kBatch) {
    const size_t n = std::min(kBatch, fresh.size() - start);
    if (auto s = Insert(std::span(fresh).subspan(start, n), scope, ids); !s) {
      return std::unexpected(s.error());
    }
  }
  // The scan's place in its scope's sequence of snapshots (diffs rebuild snapshots from it).
  auto seq = s_.Query(
      "UPDATE scans SET snapshot_seq = (SELECT COALESCE(MAX(s2.snapshot_seq), 0) + 1 FROM scans "
      "s2 WHERE s2.project_id = $1 AND s2.branch = $2 AND s2.tool = $3) WHERE id = $4 "
      "RETURNING id",
      {Int(scope.project_id), scope.branch, scope.tool, Int(scope.scan_id)});
  if (!seq) return std::unexpected(seq.error());
  result.new_findings = static_cast<int>(fresh.size());
  result.rows_written = static_cast<int>(rewrites.size() + fresh.size());
  return result;
}

std::string SqlFindings::Where(const FindingFilter& f, std::vector<Value>& params) const {
  auto add = [&](Value v) {
    params.push_back(std::move(v));
    return fmt::format("${}", params.size());
  };
  std::string w = "f.project_id = " + add(Int(f.project_id));
  if (f.branch) w += " AND f.branch = " + add(*f.branch);
  if (f.tool) w += " AND f.tool = " + add(*f.tool);
  if (!f.severities.empty()) {
    w += " AND f.severity IN (";
    for (size_t i = 0; i < f.severities.size(); ++i) {
      w += (i ? ", " : "") + add(Int(static_cast<int>(f.severities[i])));
    }
    w += ")";
  }
  if (f.status) w += " AND f.status = " + add(std::string(domain::FindingStatusName(*f.status)));
  if (f.kind) w += " AND f.kind = " + add(std::string(domain::FindingKindName(*f.kind)));
  if (!f.q.empty()) {
    std::string q;
    for (char c : f.q) q += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    w += " AND strpos(lower(f.cve_text || ' ' || f.issue_id || ' ' || f.component_name || ' ' || "
         "f.summary), " +
         add(q) + ") > 0";
  }
  return w;
}

// The ORDER BY column of a sort key, and a finding's value in it as cursor text.
const char* SortColumn(FindingSortKey key) {
  switch (key) {
    case FindingSortKey::kSeverity:
      return "f.severity";
    case FindingSortKey::kLastSeen:
      return "f.last_seen_at";
    case FindingSortKey::kFirstSeen:
      return "f.first_seen_at";
    case FindingSortKey::kComponent:
      return "f.component_name";
    case FindingSortKey::kVulnerabilityKey:
      return "f.vulnerability_key";
    case FindingSortKey::kId:
      break;
  }
  return "f.id";
}

std::string SortValue(FindingSortKey key, const StoredFinding& f) {
  switch (key) {
    case FindingSortKey::kSeverity:
      return std::to_string(static_cast<int>(f.finding.severity));
    case FindingSortKey::kLastSeen:
      return *Ms(f.last_seen_at);
    case FindingSortKey::kFirstSeen:
      return *Ms(f.first_seen_at);
    case FindingSortKey::kComponent:
      return f.finding.component.name;
    case FindingSortKey::kVulnerabilityKey:
      return f.vulnerability_key;
    case FindingSortKey::kId:
      break;
  }
  return std::to_string(f.id);
}

// Cursor = "<id>" for the id order, else "<hex of the sort value>.<id>" (values may hold any
// character, so they travel hex-encoded).
std::string EncodeCursor(const FindingSort& sort, const StoredFinding& f) {
  if (sort.key == FindingSortKey::kId) return std::to_string(f.id);
  std::string hex;
  for (unsigned char c : SortValue(sort.key, f)) hex += fmt::format("{:02x}", c);
  return fmt::format("{}.{}", hex, f.id);
}

bool DecodeCursor(const FindingSort& sort, const std::string& cursor, std::string& value,
                  std::int64_t& id) {
  const size_t dot = sort.key == FindingSortKey::kId ? std::string::npos : cursor.rfind('.');
  if (sort.key != FindingSortKey::kId) {
    if (dot == std::string::npos || dot % 2 != 0) return false;
    for (size_t i = 0; i < dot; i += 2) {
      unsigned int byte = 0;
      auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, byte, 16);
      if (ec != std::errc() || p != cursor.data() + i + 2) return false;
      value += static_cast<char>(byte);
    }
  }
  const char* start = cursor.data() + (dot == std::string::npos ? 0 : dot + 1);
  auto [p, ec] = std::from_chars(start, cursor.data() + cursor.size(), id);
  return ec == std::errc() && p == cursor.data() + cursor.size() && id >= 0;
}

core::Result<Page<StoredFinding>> SqlFindings::List(const FindingFilter& f, const PageRequest& page,
                                                    Time now) {
  if (page.limit < 1 || page.limit > 1000) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000");
  }
  std::vector<Value> params = {Ms(now)};
  std::string where = Where(f, params);
  const char* col = SortColumn(f.sort.key);
  const char* cmp = f.sort.descending ? "<" : ">";
  if (!page.cursor.empty()) {
    std::string value;
    std::int64_t id = 0;
    if (!DecodeCursor(f.sort, page.cursor, value, id)) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "cursor: malformed; pass back the next_cursor of a previous page with "
                        "the same sort");
    }
    params.push_back(Int(id));
    const size_t id_param = params.size();
    if (f.sort.key == FindingSortKey::kId) {
      where += fmt::format(" AND f.id {} ${}", cmp, id_param);
    } else {
      params.push_back(value);
      where += fmt::format(" AND ({0} {1} ${2} OR ({0} = ${2} AND f.id {1} ${3}))", col, cmp,
                           params.size(), id_param);
    }
  }
  const char* dir = f.sort.descending ? " DESC" : "";
  const std::string order = f.sort.key == FindingSortKey::kId
                                ? fmt::format("f.id{}", dir)
                                : fmt::format("{}{}, f.id{}", col, dir, dir);
  auto rows = s_.Query(fmt::format("{} WHERE {} ORDER BY {} LIMIT {}", SelectFindings(), where,
                                   order, page.limit + 1),
                       params);
  if (!rows) return std::unexpected(rows.error());
  Page<StoredFinding> out;
  for (size_t i = 0; i < rows->size() && static_cast<int>(i) < page.limit; ++i) {
    out.items.push_back(ToStored((*rows)[i]));
  }
  if (static_cast<int>(rows->size()) > page.limit && !out.items.empty()) {
    out.next_cursor = EncodeCursor(f.sort, out.items.back());
  }
  return out;
}

core::Result<Triage> SqlFindings::SetTriage(const Triage& t) {
  auto rows = s_.Query(
      "INSERT INTO triage (project_id, vulnerability_key, component_name, state, reason, "
      "expires_at, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "ON CONFLICT (project_id, vulnerability_key, component_name) DO UPDATE SET "
      "state = excluded.state, reason = excluded.reason, expires_at = excluded.expires_at, "
      "decided_by = excluded.decided_by, decided_at = excluded.decided_at RETURNING id",
      {Int(t.project_id), t.vulnerability_key, t.component_name,
       std::string(domain::TriageStateName(t.state)), t.reason, Ms(t.expires_at), t.decided_by,
       Ms(t.decided_at)});
  if (!rows) return std::unexpected(rows.error());
  Triage out = t;
  out.id = ToInt(rows->at(0)[0]);
  if (auto s = TriageHistory(t.project_id, t.vulnerability_key, t.component_name,
                             domain::TriageStateName(t.state), t.decided_at);
      !s) {
    return std::unexpected(s.error());
  }
  return out;
}

}  // namespace

std::string SelectFindingRows() { return SelectFindings(); }
StoredFinding ToStoredFinding(const Row& row) { return ToStored(row); }

std::unique_ptr<FindingRepository> MakeFindingRepository(Session& s) {
  return std::make_unique<SqlFindings>(s);
}

}  // namespace sql
}  // namespace bulwark::storage
