// SqlStore: the Store both backends share. A backend supplies a TxSession over its connection;
// SqlStore serialises access to it with a mutex and builds the repositories whose SQL lives in
// storage/sql/repositories.cc. A backend whose database lets readers run beside the writer
// (SQLite in WAL mode) also supplies ReaderOptions: autocommit SELECTs then run on a small pool
// of read connections without the writer's mutex. Not part of the port: only backends include
// this header.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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

// Read connections beside the writer.
struct ReaderOptions {
  // Opens one more connection to the same database, used only for SELECT statements. It must
  // see every transaction committed before its statement starts.
  std::function<core::Result<std::unique_ptr<Session>>()> open;
  int max = 0;  // connections open at most
  // A number that changes whenever any connection (of any process) commits a change; nullopt
  // when it cannot be read. When given, the results of `SELECT COUNT(` statements are kept and
  // reused while it stays the same (list totals over large tables).
  std::function<std::optional<std::int64_t>()> data_version;
};

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<TxSession> session, std::string backend, int binary_version,
           ReaderOptions readers = {});
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
  class ReaderPool;
  class TxOwner;
  std::recursive_mutex mu_;  // guards session_ and any open transaction
  // The thread inside WithTransaction/Migrate, if any: its autocommit reads stay on session_ so
  // they see its own uncommitted writes.
  std::atomic<std::thread::id> tx_owner_{};
  std::unique_ptr<ReaderPool> readers_;  // null when the backend has no read connections
  std::unique_ptr<TxSession> session_;
  std::unique_ptr<LockedSession> locked_;
  std::unique_ptr<Repositories> autocommit_repos_;  // over locked_
  std::unique_ptr<Repositories> tx_repos_;          // over session_, used under mu_
  std::string backend_;
  int binary_version_;
};

}  // namespace bulwark::storage::sql
