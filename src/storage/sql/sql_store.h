// SqlStore: the Store both backends share. A backend supplies a TxSession over its connection;
// SqlStore serialises access to it with a mutex and builds the repositories whose SQL lives in
// storage/sql/repositories.cc. Not part of the port: only backends include this header.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "storage/sql/session.h"
#include "storage/store.h"

namespace bulwark::storage::sql {

// A Session that can also open, commit and roll back one transaction at a time. Outside a
// transaction every Query commits on its own.
class TxSession : public Session {
 public:
  virtual core::Status Begin() = 0;
  virtual core::Status Commit() = 0;
  virtual void Rollback() = 0;
};

// The repositories over `session`; they keep a reference to it.
std::unique_ptr<Repositories> MakeRepositories(Session& session);

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<TxSession> session, std::string backend, int binary_version);
  ~SqlStore() override;

  UserRepository& Users() override;
  TokenRepository& Tokens() override;
  IntegrationRepository& Integrations() override;
  ProjectRepository& Projects() override;
  ScannerConfigRepository& ScannerConfigs() override;
  ScanRepository& Scans() override;
  FindingRepository& Findings() override;
  EventRepository& Events() override;
  WebhookDeliveryRepository& WebhookDeliveries() override;
  ScheduleSlotRepository& ScheduleSlots() override;
  LoginSessionRepository& LoginSessions() override;
  AuditRepository& Audit() override;
  SealedSecretRepository& SealedSecrets() override;
  core::Status WithTransaction(const std::function<core::Status(Repositories&)>& fn) override;
  core::Result<SchemaStatus> CheckReady() override;
  std::string_view Backend() const override { return backend_; }

  // Runs `migrations` in one transaction (used by the backends' Open functions), after the
  // statement `prelude` when not empty (e.g. taking a lock).
  core::Status Migrate(const std::vector<Migration>& migrations, std::string_view prelude = {});

 private:
  class LockedSession;
  std::recursive_mutex mu_;  // guards session_ and any open transaction
  std::unique_ptr<TxSession> session_;
  std::unique_ptr<LockedSession> locked_;
  std::unique_ptr<Repositories> autocommit_repos_;  // over locked_
  std::unique_ptr<Repositories> tx_repos_;          // over session_, used under mu_
  std::string backend_;
  int binary_version_;
};

}  // namespace bulwark::storage::sql
