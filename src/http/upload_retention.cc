#include "http/upload_retention.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <vector>

namespace bulwark::http {
namespace {

namespace fs = std::filesystem;
using storage::Scan;
using storage::ScanState;

fs::path Normal(const fs::path& p) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : out;
}

// The entry directly under `uploads_dir` that holds `file` (its upload), or empty when the file
// is not under `uploads_dir`.
fs::path UploadEntry(const fs::path& uploads_dir, const fs::path& file) {
  const fs::path root = Normal(uploads_dir);
  const fs::path target = Normal(file);
  auto [r, t] = std::mismatch(root.begin(), root.end(), target.begin(), target.end());
  if (r != root.end() || t == target.end()) return {};
  return root / *t;
}

// Whether a non-final scan names `path` (or, with `any`, whether any scan does).
core::Result<bool> Named(storage::Repositories& repos, const fs::path& path, bool any) {
  storage::ScanFilter filter;
  filter.source_path = path.string();
  if (!any) filter.final = false;
  auto n = repos.Scans().Count(filter);
  if (!n) return std::unexpected(n.error());
  return *n > 0;
}

// The files of an upload entry (a directory with one file, or a file of an older layout).
std::vector<fs::path> FilesOf(const fs::path& entry) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(entry, ec)) return {entry};
  for (const auto& f : fs::directory_iterator(entry, ec)) files.push_back(f.path());
  return files;
}

// Forwards to `inner` and reports every scan it moves to a final state.
class RetainingScans final : public storage::ScanRepository {
 public:
  using OnFinal = std::function<void(std::int64_t)>;
  RetainingScans(storage::ScanRepository& inner, OnFinal on_final)
      : inner_(inner), on_final_(std::move(on_final)) {}

  core::Result<Scan> Create(const Scan& scan) override { return inner_.Create(scan); }
  core::Result<Scan> Get(std::int64_t id) override { return inner_.Get(id); }
  core::Result<storage::Page<Scan>> List(const storage::ScanFilter& filter,
                                         const storage::PageRequest& page) override {
    return inner_.List(filter, page);
  }
  core::Result<std::int64_t> Count(const storage::ScanFilter& filter) override {
    return inner_.Count(filter);
  }
  core::Status Transition(std::int64_t id, ScanState state, int progress, storage::Time at,
                          std::optional<std::string> error,
                          std::optional<std::string> hint) override {
    auto moved = inner_.Transition(id, state, progress, at, std::move(error), std::move(hint));
    if (moved && storage::IsFinal(state)) on_final_(id);
    return moved;
  }
  core::Status SetOutcome(std::int64_t id, const storage::ScanOutcome& outcome) override {
    return inner_.SetOutcome(id, outcome);
  }
  core::Status SetXrayReportId(std::int64_t id, std::string_view report_id) override {
    return inner_.SetXrayReportId(id, report_id);
  }
  core::Result<Scan> RequestCancel(std::int64_t id, storage::Time at) override {
    auto scan = inner_.RequestCancel(id, at);
    if (scan && storage::IsFinal(scan->state)) on_final_(id);
    return scan;
  }
  core::Result<std::optional<Scan>> ClaimNext(std::string_view owner, storage::Time now,
                                              storage::Time lease_until) override {
    return inner_.ClaimNext(owner, now, lease_until);
  }
  core::Result<bool> Heartbeat(std::int64_t id, std::string_view owner,
                               storage::Time lease_until) override {
    return inner_.Heartbeat(id, owner, lease_until);
  }
  core::Status ReleaseLease(std::int64_t id, std::string_view owner) override {
    return inner_.ReleaseLease(id, owner);
  }
  core::Result<storage::QueueBacklog> Backlog() override { return inner_.Backlog(); }

 private:
  storage::ScanRepository& inner_;
  OnFinal on_final_;
};

// `inner`'s repositories with RetainingScans in place of its Scans().
class RetainingRepositories : public storage::Repositories {
 public:
  RetainingRepositories(storage::Repositories& inner, RetainingScans::OnFinal on_final)
      : inner_(inner), scans_(inner.Scans(), std::move(on_final)) {}

  storage::UserRepository& Users() override { return inner_.Users(); }
  storage::TokenRepository& Tokens() override { return inner_.Tokens(); }
  storage::IntegrationRepository& Integrations() override { return inner_.Integrations(); }
  storage::ProjectRepository& Projects() override { return inner_.Projects(); }
  storage::ScannerConfigRepository& ScannerConfigs() override { return inner_.ScannerConfigs(); }
  storage::ScanRepository& Scans() override { return scans_; }
  storage::FindingRepository& Findings() override { return inner_.Findings(); }
  storage::EventRepository& Events() override { return inner_.Events(); }
  storage::WebhookDeliveryRepository& WebhookDeliveries() override {
    return inner_.WebhookDeliveries();
  }
  storage::ScheduleSlotRepository& ScheduleSlots() override { return inner_.ScheduleSlots(); }
  storage::LoginSessionRepository& LoginSessions() override { return inner_.LoginSessions(); }
  storage::AuditRepository& Audit() override { return inner_.Audit(); }
  storage::SealedSecretRepository& SealedSecrets() override { return inner_.SealedSecrets(); }

 private:
  storage::Repositories& inner_;
  RetainingScans scans_;
};

class RetainingStore final : public storage::Store {
 public:
  RetainingStore(storage::Store& inner, fs::path uploads_dir)
      : inner_(inner),
        uploads_dir_(std::move(uploads_dir)),
        repos_(inner, [this](std::int64_t id) { Release(id); }) {}

  storage::UserRepository& Users() override { return repos_.Users(); }
  storage::TokenRepository& Tokens() override { return repos_.Tokens(); }
  storage::IntegrationRepository& Integrations() override { return repos_.Integrations(); }
  storage::ProjectRepository& Projects() override { return repos_.Projects(); }
  storage::ScannerConfigRepository& ScannerConfigs() override { return repos_.ScannerConfigs(); }
  storage::ScanRepository& Scans() override { return repos_.Scans(); }
  storage::FindingRepository& Findings() override { return repos_.Findings(); }
  storage::EventRepository& Events() override { return repos_.Events(); }
  storage::WebhookDeliveryRepository& WebhookDeliveries() override {
    return repos_.WebhookDeliveries();
  }
  storage::ScheduleSlotRepository& ScheduleSlots() override { return repos_.ScheduleSlots(); }
  storage::LoginSessionRepository& LoginSessions() override { return repos_.LoginSessions(); }
  storage::AuditRepository& Audit() override { return repos_.Audit(); }
  storage::SealedSecretRepository& SealedSecrets() override { return repos_.SealedSecrets(); }
  // Inside a transaction nothing is final before the commit: the scans it moves to a final state
  // are noted, and their uploads released once it committed.
  core::Status WithTransaction(
      const std::function<core::Status(storage::Repositories&)>& fn) override {
    std::vector<std::int64_t> finished;
    auto done = inner_.WithTransaction([&](storage::Repositories& tx) {
      finished.clear();  // a retried transaction starts over
      RetainingRepositories repos(tx, [&](std::int64_t id) { finished.push_back(id); });
      return fn(repos);
    });
    if (done) {
      for (std::int64_t id : finished) Release(id);
    }
    return done;
  }
  core::Result<storage::SchemaStatus> CheckReady() override { return inner_.CheckReady(); }
  std::string_view Backend() const override { return inner_.Backend(); }

 private:
  void Release(std::int64_t id) {
    if (auto s = ReleaseUpload(inner_, uploads_dir_, id); !s) {
      spdlog::warn("scan id={} upload not deleted: {}", id, s.error().message);
    }
  }

  storage::Store& inner_;
  fs::path uploads_dir_;
  RetainingRepositories repos_;
};

}  // namespace

core::Status ReleaseUpload(storage::Repositories& repos, const fs::path& uploads_dir,
                           std::int64_t scan_id) {
  auto scan = repos.Scans().Get(scan_id);
  if (!scan) return std::unexpected(scan.error());
  if (scan->source_path.empty()) return core::Ok();
  const fs::path entry = UploadEntry(uploads_dir, scan->source_path);
  if (entry.empty()) return core::Ok();  // not a file this server stored
  auto live = Named(repos, scan->source_path, false);
  if (!live) return std::unexpected(live.error());
  if (*live) return core::Ok();
  std::error_code ec;
  fs::remove_all(entry, ec);
  if (ec) {
    return core::Fail(core::ErrorCode::kInternal,
                      fmt::format("cannot delete {}: {}", entry.string(), ec.message()));
  }
  return core::Ok();
}

core::Result<int> SweepUploads(storage::Repositories& repos, const fs::path& uploads_dir,
                               std::chrono::seconds orphan_age) {
  std::error_code ec;
  if (!fs::is_directory(uploads_dir, ec)) return 0;
  int removed = 0;
  const auto now = fs::file_time_type::clock::now();
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(uploads_dir, ec)) entries.push_back(e.path());
  for (const fs::path& entry : entries) {
    bool named = false, live = false;
    for (const fs::path& file : FilesOf(entry)) {
      // Scans store the path as it was built from the data directory setting.
      for (const fs::path& form : {file, Normal(file)}) {
        auto any = Named(repos, form, true);
        if (!any) return std::unexpected(any.error());
        auto running = Named(repos, form, false);
        if (!running) return std::unexpected(running.error());
        named = named || *any;
        live = live || *running;
      }
    }
    if (live) continue;
    if (!named) {
      auto written = fs::last_write_time(entry, ec);
      if (ec || now - written < orphan_age) continue;
    }
    fs::remove_all(entry, ec);
    if (!ec) ++removed;
  }
  return removed;
}

std::unique_ptr<storage::Store> WithUploadRetention(storage::Store& inner, fs::path uploads_dir) {
  return std::make_unique<RetainingStore>(inner, std::move(uploads_dir));
}

}  // namespace bulwark::http
