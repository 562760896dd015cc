// Contract cases of finding diffs, finding sort orders, release policies and scan filters, on
// SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "storage/store.h"
#include "storage/store_test_fixture.h"

namespace bulwark::storage {
namespace {

using core::ErrorCode;
using domain::Severity;

class Diffs : public StoreContract {
 protected:
  Time T(int seconds) { return Time(std::chrono::seconds(1'700'000'000 + seconds)); }

 public:
  static domain::Finding Vuln(const std::string& issue, const std::string& component,
                              Severity severity) {
    domain::Finding f;
    f.issue_id = issue;
    f.severity = severity;
    f.component = domain::ParseComponentId(component);
    f.summary = "summary of " + issue;
    return f;
  }

 protected:
  // Creates a scan of (project, branch), applies `findings` as its snapshot and finishes it.
  Scan Finished(std::int64_t project, const std::string& branch,
                const std::vector<domain::Finding>& findings, int at) {
    Scan s;
    s.project_id = project;
    s.tool = "jfrogxraysca";
    s.branch = branch;
    s.created_at = T(at);
    auto created = store_->Scans().Create(s);
    EXPECT_TRUE(created) << created.error().message;
    auto done = store_->WithTransaction([&](Repositories& r) -> core::Status {
      auto applied = r.Findings().ApplySnapshot(
          {project, branch, "jfrogxraysca", created->id, T(at)}, findings);
      if (!applied) return std::unexpected(applied.error());
      return r.Scans().Transition(created->id, ScanState::kFinished, 100, T(at));
    });
    EXPECT_TRUE(done) << done.error().message;
    return *created;
  }

  static std::vector<std::string> Issues(const std::vector<StoredFinding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.finding.issue_id);
    return out;
  }
};

const domain::Finding kA = Diffs::Vuln("XRAY-1", "npm://a:1", Severity::kLow);
const domain::Finding kB = Diffs::Vuln("XRAY-2", "npm://b:1", Severity::kCritical);
const domain::Finding kC = Diffs::Vuln("XRAY-3", "npm://c:1", Severity::kMedium);
const domain::Finding kD = Diffs::Vuln("XRAY-4", "npm://d:1", Severity::kHigh);

TEST_P(Diffs, ScanDiffAgainstPreviousShowsWhatTheScanChanged) {
  Project p = MakeProject("app");
  Scan s1 = Finished(p.id, "main", {kA, kB, kC}, 10);
  Scan s2 = Finished(p.id, "main", {kB, kC, kD}, 20);
  // A failed scan in between changes nothing and is skipped as "previous".
  Scan failed;
  failed.project_id = p.id;
  failed.tool = "jfrogxraysca";
  failed.branch = "main";
  failed.created_at = T(25);
  auto f = store_->Scans().Create(failed);
  ASSERT_TRUE(f);
  ASSERT_TRUE(store_->Scans().Transition(f->id, ScanState::kFailed, 100, T(26), "boom"));
  Scan s3 = Finished(p.id, "main", {kA, kB, kD}, 30);

  auto first = store_->Findings().DiffScan({s1.id, std::nullopt, 100}, T(40));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->against_scan_id);
  EXPECT_EQ(Issues(first->added), (std::vector<std::string>{"XRAY-2", "XRAY-3", "XRAY-1"}));
  EXPECT_EQ(first->fixed_count + first->unchanged_count, 0);

  auto second = store_->Findings().DiffScan({s2.id, std::nullopt, 100}, T(40));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->against_scan_id, s1.id);
  EXPECT_EQ(Issues(second->added), std::vector<std::string>{"XRAY-4"});
  EXPECT_EQ(Issues(second->fixed), std::vector<std::string>{"XRAY-1"});
  EXPECT_EQ(Issues(second->unchanged), (std::vector<std::string>{"XRAY-2", "XRAY-3"}));

  auto third = store_->Findings().DiffScan({s3.id, std::nullopt, 100}, T(40));
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->against_scan_id, s2.id);
  EXPECT_EQ(Issues(third->added), std::vector<std::string>{"XRAY-1"});  // reopened
  EXPECT_EQ(Issues(third->fixed), std::vector<std::string>{"XRAY-3"});
  EXPECT_EQ(Issues(third->unchanged), (std::vector<std::string>{"XRAY-2", "XRAY-4"}));

  auto over_two = store_->Findings().DiffScan({s3.id, s1.id, 100}, T(40));
  ASSERT_TRUE(over_two) << over_two.error().message;
  EXPECT_EQ(Issues(over_two->added), std::vector<std::string>{"XRAY-4"});
  EXPECT_EQ(Issues(over_two->fixed), std::vector<std::string>{"XRAY-3"});
  EXPECT_EQ(Issues(over_two->unchanged), (std::vector<std::string>{"XRAY-2", "XRAY-1"}));

  auto limited = store_->Findings().DiffScan({s3.id, s1.id, 1}, T(40));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->unchanged_count, 2);
  EXPECT_EQ(Issues(limited->unchanged), std::vector<std::string>{"XRAY-2"});
}

TEST_P(Diffs, ScanDiffRefusesUnknownUnfinishedAndForeignScans) {
  Project p = MakeProject("app");
  Scan s1 = Finished(p.id, "main", {kA}, 10);
  Scan s2 = Finished(p.id, "main", {kB}, 20);
  Scan dev = Finished(p.id, "dev", {kB}, 20);
  Scan waiting;
  waiting.project_id = p.id;
  waiting.tool = "jfrogxraysca";
  waiting.branch = "main";
  waiting.created_at = T(30);
  auto w = store_->Scans().Create(waiting);
  ASSERT_TRUE(w);
  auto code = [&](ScanDiffRequest r) {
    auto got = store_->Findings().DiffScan(r, T(40));
    EXPECT_FALSE(got);
    return got ? ErrorCode::kInternal : got.error().code;
  };
  EXPECT_EQ(code({999999, std::nullopt, 100}), ErrorCode::kNotFound);
  EXPECT_EQ(code({s2.id, 999999, 100}), ErrorCode::kNotFound);
  EXPECT_EQ(code({w->id, std::nullopt, 100}), ErrorCode::kConflict);
  EXPECT_EQ(code({s2.id, dev.id, 100}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({s1.id, s2.id, 100}), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code({s2.id, std::nullopt, 0}), ErrorCode::kInvalidArgument);
  Project other = MakeProject("other");
  Scan foreign = Finished(other.id, "main", {kA}, 5);
  auto err = store_->Findings().DiffScan({s2.id, foreign.id, 100}, T(40));
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find("project"), std::string::npos) << err.error().message;
}

TEST_P(Diffs, BranchDiffMatchesFindingsByIdentity) {
  Project p = MakeProject("app");
  Finished(p.id, "main", {kA, kB}, 10);
  domain::Finding b_again = kB;
  b_again.summary = "other words on another branch";
  Finished(p.id, "feature", {b_again, kC}, 20);
  auto diff = store_->Findings().DiffBranches({p.id, "main", "feature", 100}, T(30));
  ASSERT_TRUE(diff) << diff.error().message;
  EXPECT_EQ(Issues(diff->added), std::vector<std::string>{"XRAY-3"});
  EXPECT_EQ(Issues(diff->fixed), std::vector<std::string>{"XRAY-1"});
  ASSERT_EQ(diff->unchanged.size(), 1u);
  EXPECT_EQ(diff->unchanged[0].branch, "feature");
  EXPECT_EQ(diff->new_count, 1);
  // A fixed finding of `from` no longer counts.
  Finished(p.id, "main", {kB}, 40);
  auto later = store_->Findings().DiffBranches({p.id, "main", "feature", 100}, T(50));
  ASSERT_TRUE(later);
  EXPECT_EQ(later->fixed_count, 0);
}

TEST_P(Diffs, EverySortOrderPagesWithoutGapsOrRepeats) {
  Project p = MakeProject("app");
  std::vector<domain::Finding> report;
  for (int i = 0; i < 23; ++i) {
    report.push_back(Vuln("XRAY-" + std::to_string(500 + (i * 7) % 23),
                          "npm://pkg" + std::to_string((i * 5) % 23) + ":1",
                          static_cast<Severity>(i % 5)));
  }
  Finished(p.id, "main", std::vector(report.begin(), report.begin() + 11), 10);
  Finished(p.id, "main", report, 20);
  for (const char* text :
       {"severity", "-severity", "last_seen", "-last_seen", "first_seen", "-first_seen",
        "component", "-component", "vulnerability_key", "-vulnerability_key", "id", "-id"}) {
    auto sort = ParseFindingSort(text);
    ASSERT_TRUE(sort) << text;
    FindingFilter f;
    f.project_id = p.id;
    f.branch = "main";
    f.sort = *sort;
    std::vector<StoredFinding> seen;
    PageRequest page{4, ""};
    do {
      auto got = store_->Findings().List(f, page, T(30));
      ASSERT_TRUE(got) << text << ": " << got.error().message;
      for (auto& s : got->items) seen.push_back(std::move(s));
      page.cursor = got->next_cursor;
    } while (!page.cursor.empty());
    std::set<std::int64_t> ids;
    for (const auto& s : seen) ids.insert(s.id);
    EXPECT_EQ(seen.size(), 23u) << text;
    EXPECT_EQ(ids.size(), 23u) << text;
    auto key = [&](const StoredFinding& s) -> std::pair<std::string, std::int64_t> {
      std::string v;
      switch (sort->key) {
        case FindingSortKey::kSeverity:
          v = std::to_string(static_cast<int>(s.finding.severity));
          break;
        case FindingSortKey::kLastSeen:
          v = std::to_string(s.last_seen_at.time_since_epoch().count());
          break;
        case FindingSortKey::kFirstSeen:
          v = std::to_string(s.first_seen_at.time_since_epoch().count());
          break;
        case FindingSortKey::kComponent:
          v = s.finding.component.name;
          break;
        case FindingSortKey::kVulnerabilityKey:
          v = s.vulnerability_key;
          break;
        case FindingSortKey::kId:
          break;
      }
      return {v, s.id};
    };
    for (size_t i = 1; i < seen.size(); ++i) {
      auto a = key(seen[i - 1]), b = key(seen[i]);
      EXPECT_TRUE(sort->descending ? b < a : a < b) << text << " at " << i;
    }
  }
  auto bad = ParseFindingSort("name");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("-last_seen"), std::string::npos);
}

TEST_P(Diffs, PolicyIsStoredReplacedAndRemoved) {
  Project p = MakeProject("app");
  auto none = store_->Projects().GetPolicy(p.id);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->Empty());
  ReleasePolicy policy;
  policy.max_critical = 0;
  policy.max_low = 25;
  ASSERT_TRUE(store_->Projects().SetPolicy(p.id, policy, T(1)));
  EXPECT_EQ(*store_->Projects().GetPolicy(p.id), policy);
  policy.max_critical.reset();
  policy.max_high = 3;
  ASSERT_TRUE(store_->Projects().SetPolicy(p.id, policy, T(2)));
  EXPECT_EQ(*store_->Projects().GetPolicy(p.id), policy);
  ASSERT_TRUE(store_->Projects().SetPolicy(p.id, {}, T(3)));
  EXPECT_TRUE(store_->Projects().GetPolicy(p.id)->Empty());
  EXPECT_EQ(store_->Projects().GetPolicy(999999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->Projects().SetPolicy(999999, policy, T(4)).error().code, ErrorCode::kNotFound);
}

TEST_P(Diffs, ScanFiltersAndCountsRunInTheDatabase) {
  Project p = MakeProject("app");
  Project other = MakeProject("other");
  for (int i = 0; i < 7; ++i) {
    Scan s;
    s.project_id = i < 6 ? p.id : other.id;
    s.tool = "jfrogxraysca";
    s.method = i % 2 ? "import" : "kdt";
    s.branch = i < 4 ? "main" : "dev";
    s.meta_data = i == 2 ? "m" : "";
    s.source_path = i == 1 ? "/uploads/x/report.json" : "";
    s.created_at = T(i);
    ASSERT_TRUE(store_->Scans().Create(s));
  }
  auto count = [&](auto&& set) {
    ScanFilter f;
    set(f);
    auto n = store_->Scans().Count(f);
    EXPECT_TRUE(n) << n.error().message;
    return n.value_or(-1);
  };
  EXPECT_EQ(count([&](ScanFilter& f) { f.project_id = p.id; }), 6);
  EXPECT_EQ(count([&](ScanFilter& f) {
              f.project_id = p.id;
              f.branch = "main";
            }),
            4);
  EXPECT_EQ(count([&](ScanFilter& f) {
              f.project_id = p.id;
              f.branch = "main";
              f.manual = true;
            }),
            2);
  EXPECT_EQ(count([&](ScanFilter& f) {
              f.project_id = p.id;
              f.meta_data = "m";
            }),
            1);
  EXPECT_EQ(count([&](ScanFilter& f) { f.source_path = "/uploads/x/report.json"; }), 1);
  EXPECT_EQ(count([&](ScanFilter& f) {
              f.project_id = p.id;
              f.final = true;
            }),
            0);
  EXPECT_EQ(count([&](ScanFilter& f) {
              f.project_id = p.id;
              f.final = false;
            }),
            6);
  ScanFilter newest;
  newest.project_id = p.id;
  newest.newest_first = true;
  std::vector<std::int64_t> ids;
  PageRequest page{4, ""};
  do {
    auto got = store_->Scans().List(newest, page);
    ASSERT_TRUE(got) << got.error().message;
    for (const auto& s : got->items) ids.push_back(s.id);
    page.cursor = got->next_cursor;
  } while (!page.cursor.empty());
  ASSERT_EQ(ids.size(), 6u);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
}

INSTANTIATE_TEST_SUITE_P(Backends, Diffs, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bulwark::storage
