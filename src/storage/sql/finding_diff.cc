// SQL of finding diffs (finding_diff.h). A finished scan's snapshot is every finding of its scope
// whose last lifecycle change (new, reopened, fixed) at or before the scan's place in the scope's
// sequence (scans.snapshot_seq) left it present: a completed snapshot fixes whatever it lacks, so
// "not fixed as of scan S" is "in S's snapshot".
#include "storage/sql/finding_diff.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "storage/sql/row_codec.h"

namespace bulwark::storage::sql {
namespace {

using core::ErrorCode;

struct Entry {
  std::int64_t id = 0;
  std::int64_t severity = 0;
  std::string key;  // identity the two sides are matched on
};

struct ScanPlace {
  std::int64_t id = 0;
  std::int64_t project_id = 0;
  std::string branch;
  std::string tool;
  std::string state;
  std::optional<std::int64_t> seq;
};

core::Result<ScanPlace> LoadScan(Session& s, std::int64_t id, std::string_view what) {
  auto rows = s.Query(
      "SELECT project_id, branch, tool, state, snapshot_seq FROM scans WHERE id = $1", {Int(id)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return core::Fail(ErrorCode::kNotFound, fmt::format("{}scan {} not found", what, id));
  }
  const Row& r = rows->front();
  ScanPlace p{id, ToInt(r[0]), ToText(r[1]), ToText(r[2]), ToText(r[3]), std::nullopt};
  if (r[4]) p.seq = ToInt(r[4]);
  if (p.state != "finished" || !p.seq) {
    return core::Fail(ErrorCode::kConflict,
                      fmt::format("{}scan {} is {}; a diff needs a finished scan", what, id,
                                  p.state == "finished" ? "finished without a snapshot" : p.state));
  }
  return p;
}

core::Result<std::vector<Entry>> Snapshot(Session& s, const ScanPlace& scan) {
  auto rows = s.Query(
      "SELECT f.id, f.severity FROM findings f WHERE f.project_id = $1 AND f.branch = $2 AND "
      "f.tool = $3 AND (SELECT h.change FROM finding_history h JOIN scans sc ON sc.id = "
      "h.scan_id WHERE h.finding_id = f.id AND h.change IN ('new', 'reopened', 'fixed') AND "
      "sc.project_id = $1 AND sc.snapshot_seq <= $4 ORDER BY sc.snapshot_seq DESC, h.id DESC "
      "LIMIT 1) IN ('new', 'reopened')",
      {Int(scan.project_id), scan.branch, scan.tool, Int(*scan.seq)});
  if (!rows) return std::unexpected(rows.error());
  std::vector<Entry> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) out.push_back({ToInt(r[0]), ToInt(r[1]), ToText(r[0])});
  return out;
}

core::Result<std::vector<Entry>> OpenOfBranch(Session& s, std::int64_t project_id,
                                              const std::string& branch) {
  auto rows = s.Query(
      "SELECT id, severity, tool, fingerprint FROM findings WHERE project_id = $1 AND branch = $2 "
      "AND status <> 'fixed'",
      {Int(project_id), branch});
  if (!rows) return std::unexpected(rows.error());
  std::vector<Entry> out;
  out.reserve(rows->size());
  for (const Row& r : *rows) {
    out.push_back({ToInt(r[0]), ToInt(r[1]), ToText(r[2]) + '\x1f' + ToText(r[3])});
  }
  return out;
}

// Loads the rows of `ids` and returns them in that order.
core::Result<std::vector<StoredFinding>> Load(Session& s, const std::vector<std::int64_t>& ids,
                                              Time now) {
  constexpr size_t kBatch = 100;
  std::unordered_map<std::int64_t, StoredFinding> by_id;
  for (size_t start = 0; start < ids.size(); start += kBatch) {
    std::vector<Value> params = {Ms(now)};
    std::string in;
    for (size_t i = start; i < std::min(ids.size(), start + kBatch); ++i) {
      params.push_back(Int(ids[i]));
      in += fmt::format("{}${}", i == start ? "" : ", ", params.size());
    }
    auto rows = s.Query(SelectFindingRows() + " WHERE f.id IN (" + in + ")", params);
    if (!rows) return std::unexpected(rows.error());
    for (const Row& r : *rows) {
      StoredFinding f = ToStoredFinding(r);
      by_id.emplace(f.id, std::move(f));
    }
  }
  std::vector<StoredFinding> out;
  for (std::int64_t id : ids) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

// Most severe first, then by id; the first `limit` ids.
std::vector<std::int64_t> Top(std::vector<Entry> entries, int limit) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.id < b.id;
  });
  std::vector<std::int64_t> ids;
  for (size_t i = 0; i < entries.size() && static_cast<int>(i) < limit; ++i) {
    ids.push_back(entries[i].id);
  }
  return ids;
}

core::Result<FindingDiff> Compare(Session& s, const std::vector<Entry>& before,
                                  const std::vector<Entry>& after, int limit, Time now) {
  std::unordered_set<std::string> before_keys, after_keys;
  for (const Entry& e : before) before_keys.insert(e.key);
  for (const Entry& e : after) after_keys.insert(e.key);
  std::vector<Entry> added, fixed, unchanged;
  for (const Entry& e : after) (before_keys.contains(e.key) ? unchanged : added).push_back(e);
  for (const Entry& e : before) {
    if (!after_keys.contains(e.key)) fixed.push_back(e);
  }
  FindingDiff diff;
  diff.new_count = static_cast<int>(added.size());
  diff.fixed_count = static_cast<int>(fixed.size());
  diff.unchanged_count = static_cast<int>(unchanged.size());
  for (auto [entries, out] : {std::pair{&added, &diff.added}, std::pair{&fixed, &diff.fixed},
                              std::pair{&unchanged, &diff.unchanged}}) {
    auto rows = Load(s, Top(std::move(*entries), limit), now);
    if (!rows) return std::unexpected(rows.error());
    *out = std::move(*rows);
  }
  return diff;
}

core::Status CheckLimit(int limit) {
  if (limit < 1 || limit > 1000) {
    return core::Fail(ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000");
  }
  return core::Ok();
}

// The finished scan of `scan`'s scope just before it, if any.
core::Result<std::optional<ScanPlace>> Previous(Session& s, const ScanPlace& scan) {
  auto rows = s.Query(
      "SELECT id FROM scans WHERE project_id = $1 AND branch = $2 AND tool = $3 AND "
      "snapshot_seq < $4 AND state = 'finished' ORDER BY snapshot_seq DESC LIMIT 1",
      {Int(scan.project_id), scan.branch, scan.tool, Int(*scan.seq)});
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::optional<ScanPlace>();
  auto prev = LoadScan(s, ToInt(rows->front()[0]), "");
  if (!prev) return std::unexpected(prev.error());
  return std::optional<ScanPlace>(std::move(*prev));
}

core::Status SameScopeAndEarlier(const ScanPlace& scan, const ScanPlace& against) {
  if (against.project_id != scan.project_id) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("against: scan {} belongs to project {}, scan {} to project {}; "
                                  "compare scans of one project",
                                  against.id, against.project_id, scan.id, scan.project_id));
  }
  if (against.branch != scan.branch || against.tool != scan.tool) {
    return core::Fail(
        ErrorCode::kInvalidArgument,
        fmt::format("against: scan {} covers branch '{}' with {}, scan {} branch "
                    "'{}' with {}; compare scans of one branch and tool (or use "
                    "the project diff for branches)",
                    against.id, against.branch, against.tool, scan.id, scan.branch, scan.tool));
  }
  if (*against.seq >= *scan.seq) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("against: scan {} is not earlier than scan {}; pass an earlier "
                                  "scan of the same branch",
                                  against.id, scan.id));
  }
  return core::Ok();
}

}  // namespace

core::Result<FindingDiff> DiffScan(Session& s, const ScanDiffRequest& request, Time now) {
  if (auto ok = CheckLimit(request.limit); !ok) return std::unexpected(ok.error());
  auto scan = LoadScan(s, request.scan_id, "");
  if (!scan) return std::unexpected(scan.error());
  std::optional<ScanPlace> against;
  if (request.against_scan_id) {
    auto other = LoadScan(s, *request.against_scan_id, "against: ");
    if (!other) return std::unexpected(other.error());
    if (auto ok = SameScopeAndEarlier(*scan, *other); !ok) return std::unexpected(ok.error());
    against = std::move(*other);
  } else {
    auto prev = Previous(s, *scan);
    if (!prev) return std::unexpected(prev.error());
    against = std::move(*prev);
  }
  auto after = Snapshot(s, *scan);
  if (!after) return std::unexpected(after.error());
  std::vector<Entry> before;
  if (against) {
    auto rows = Snapshot(s, *against);
    if (!rows) return std::unexpected(rows.error());
    before = std::move(*rows);
  }
  auto diff = Compare(s, before, *after, request.limit, now);
  if (diff && against) diff->against_scan_id = against->id;
  return diff;
}

core::Result<FindingDiff> DiffBranches(Session& s, const BranchDiffRequest& request, Time now) {
  if (auto ok = CheckLimit(request.limit); !ok) return std::unexpected(ok.error());
  auto before = OpenOfBranch(s, request.project_id, request.from);
  if (!before) return std::unexpected(before.error());
  auto after = OpenOfBranch(s, request.project_id, request.to);
  if (!after) return std::unexpected(after.error());
  return Compare(s, *before, *after, request.limit, now);
}

}  // namespace bulwark::storage::sql
