#include "storage/sql/sql_store.h"

namespace bulwark::storage::sql {

// Locks the store's mutex around each statement so autocommit calls from many threads do not
// interleave with each other or with a transaction.
class SqlStore::LockedSession final : public Session {
 public:
  LockedSession(std::recursive_mutex& mu, Session& inner) : mu_(mu), inner_(inner) {}
  core::Result<Rows> Query(std::string_view statement, const std::vector<Value>& params) override {
    std::lock_guard lock(mu_);
    return inner_.Query(statement, params);
  }
  core::Status Script(std::string_view script) override {
    std::lock_guard lock(mu_);
    return inner_.Script(script);
  }
  std::string_view SkipLockedClause() const override { return inner_.SkipLockedClause(); }

 private:
  std::recursive_mutex& mu_;
  Session& inner_;
};

SqlStore::SqlStore(std::unique_ptr<TxSession> session, std::string backend, int binary_version)
    : session_(std::move(session)),
      locked_(std::make_unique<LockedSession>(mu_, *session_)),
      autocommit_repos_(MakeRepositories(*locked_)),
      tx_repos_(MakeRepositories(*session_)),
      backend_(std::move(backend)),
      binary_version_(binary_version) {}

SqlStore::~SqlStore() = default;

UserRepository& SqlStore::Users() { return autocommit_repos_->Users(); }
TokenRepository& SqlStore::Tokens() { return autocommit_repos_->Tokens(); }
IntegrationRepository& SqlStore::Integrations() { return autocommit_repos_->Integrations(); }
ProjectRepository& SqlStore::Projects() { return autocommit_repos_->Projects(); }
ScannerConfigRepository& SqlStore::ScannerConfigs() { return autocommit_repos_->ScannerConfigs(); }
ScanRepository& SqlStore::Scans() { return autocommit_repos_->Scans(); }
FindingRepository& SqlStore::Findings() { return autocommit_repos_->Findings(); }
EventRepository& SqlStore::Events() { return autocommit_repos_->Events(); }
WebhookDeliveryRepository& SqlStore::WebhookDeliveries() {
  return autocommit_repos_->WebhookDeliveries();
}
ScheduleSlotRepository& SqlStore::ScheduleSlots() { return autocommit_repos_->ScheduleSlots(); }
LoginSessionRepository& SqlStore::LoginSessions() { return autocommit_repos_->LoginSessions(); }
AuditRepository& SqlStore::Audit() { return autocommit_repos_->Audit(); }

core::Status SqlStore::WithTransaction(const std::function<core::Status(Repositories&)>& fn) {
  std::lock_guard lock(mu_);
  if (auto begun = session_->Begin(); !begun) return begun;
  core::Status result;
  try {
    result = fn(*tx_repos_);
  } catch (...) {
    session_->Rollback();
    throw;
  }
  if (!result) {
    session_->Rollback();
    return result;
  }
  if (auto committed = session_->Commit(); !committed) {
    session_->Rollback();
    return committed;
  }
  return core::Ok();
}

core::Result<SchemaStatus> SqlStore::CheckReady() {
  std::lock_guard lock(mu_);
  auto applied = AppliedVersion(*session_);
  if (!applied) return std::unexpected(applied.error());
  SchemaStatus status{*applied, binary_version_};
  if (status.applied_version != status.binary_version) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "schema version " + std::to_string(status.applied_version) +
                          " differs from the binary's " + std::to_string(binary_version_));
  }
  return status;
}

core::Status SqlStore::Migrate(const std::vector<Migration>& migrations, std::string_view prelude) {
  std::lock_guard lock(mu_);
  if (auto begun = session_->Begin(); !begun) return begun;
  if (!prelude.empty()) {
    if (auto s = session_->Script(prelude); !s) {
      session_->Rollback();
      return s;
    }
  }
  auto applied = ApplyMigrations(*session_, migrations);
  if (!applied) {
    session_->Rollback();
    return std::unexpected(applied.error());
  }
  return session_->Commit();
}

}  // namespace bulwark::storage::sql
