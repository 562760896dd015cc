#include "storage/sql/sql_store.h"

#include <cctype>
#include <unordered_map>

namespace bulwark::storage::sql {
namespace {

// A plain SELECT reads only (FOR UPDATE/SHARE take row locks and stay on the writer).
bool ReadOnly(std::string_view statement) {
  size_t i = 0;
  while (i < statement.size() && std::isspace(static_cast<unsigned char>(statement[i]))) ++i;
  constexpr std::string_view kSelect = "SELECT ";
  if (statement.size() - i < kSelect.size()) return false;
  for (size_t k = 0; k < kSelect.size(); ++k) {
    if (std::toupper(static_cast<unsigned char>(statement[i + k])) != kSelect[k]) return false;
  }
  return statement.find(" FOR UPDATE") == std::string_view::npos &&
         statement.find(" FOR SHARE") == std::string_view::npos;
}

}  // namespace

// Read connections, opened on first need up to a limit; a caller borrows one per statement.
// Counts are kept while the database's data version stays the same.
class SqlStore::ReaderPool {
 public:
  explicit ReaderPool(ReaderOptions options) : options_(std::move(options)) {}

  // Runs `statement` on a borrowed read connection; nullopt when none could be opened (the
  // caller then uses the writer).
  std::optional<core::Result<Rows>> Query(std::string_view statement,
                                          const std::vector<Value>& params) {
    std::string key;
    std::optional<std::int64_t> version;
    if (options_.data_version && statement.starts_with("SELECT COUNT(")) {
      key = CacheKey(statement, params);
      // Read before the count runs: a commit in between changes the version, so a count that
      // may have missed it is never served under the newer version.
      version = options_.data_version();
      if (version) {
        std::lock_guard lock(mu_);
        if (auto it = counts_.find(key); it != counts_.end() && it->second.first == *version) {
          return it->second.second;
        }
      }
    }
    std::unique_ptr<Session> reader = Borrow();
    if (!reader) return std::nullopt;
    auto rows = reader->Query(statement, params);
    Return(std::move(reader));
    if (rows && version) {
      std::lock_guard lock(mu_);
      if (counts_.size() >= kCachedCounts) counts_.clear();
      counts_[key] = {*version, *rows};
    }
    return rows;
  }

 private:
  static constexpr size_t kCachedCounts = 1024;

  static std::string CacheKey(std::string_view statement, const std::vector<Value>& params) {
    std::string key(statement);
    for (const Value& v : params) {
      key += v ? '\x01' + *v : std::string("\x02");  // separators no parameter text contains
    }
    return key;
  }

  std::unique_ptr<Session> Borrow() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < options_.max || failed_; });
    if (!idle_.empty()) {
      auto reader = std::move(idle_.back());
      idle_.pop_back();
      return reader;
    }
    if (failed_) return nullptr;
    ++open_;
    lock.unlock();
    auto opened = options_.open();
    if (opened) return std::move(*opened);
    lock.lock();
    --open_;
    failed_ = true;  // every statement uses the writer from now on
    cv_.notify_all();
    return nullptr;
  }
  void Return(std::unique_ptr<Session> reader) {
    {
      std::lock_guard lock(mu_);
      idle_.push_back(std::move(reader));
    }
    cv_.notify_one();
  }

  ReaderOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Session>> idle_;  // guarded by mu_
  int open_ = 0;                                // connections created; guarded by mu_
  bool failed_ = false;                         // guarded by mu_
  // statement + parameters -> (data version, rows); guarded by mu_
  std::unordered_map<std::string, std::pair<std::int64_t, Rows>> counts_;
};

// Locks the store's mutex around each statement so autocommit calls from many threads do not
// interleave with each other or with a transaction. SELECTs go to a read connection when the
// store has them and the calling thread is not inside a transaction.
class SqlStore::LockedSession final : public Session {
 public:
  LockedSession(SqlStore& store, Session& inner) : store_(store), mu_(store.mu_), inner_(inner) {}
  core::Result<Rows> Query(std::string_view statement, const std::vector<Value>& params) override {
    if (store_.readers_ && store_.tx_owner_.load() != std::this_thread::get_id() &&
        ReadOnly(statement)) {
      if (auto rows = store_.readers_->Query(statement, params)) return std::move(*rows);
    }
    std::lock_guard lock(mu_);
    return inner_.Query(statement, params);
  }
  core::Status Script(std::string_view script) override {
    std::lock_guard lock(mu_);
    return inner_.Script(script);
  }
  std::string_view SkipLockedClause() const override { return inner_.SkipLockedClause(); }

 private:
  SqlStore& store_;
  std::recursive_mutex& mu_;
  Session& inner_;
};

SqlStore::SqlStore(std::unique_ptr<TxSession> session, std::string backend, int binary_version,
                   ReaderOptions readers)
    : readers_(readers.open && readers.max > 0 ? std::make_unique<ReaderPool>(std::move(readers))
                                               : nullptr),
      session_(std::move(session)),
      locked_(std::make_unique<LockedSession>(*this, *session_)),
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
SealedSecretRepository& SqlStore::SealedSecrets() { return autocommit_repos_->SealedSecrets(); }

// Marks the calling thread as the transaction's owner while it holds the store's mutex.
class SqlStore::TxOwner {
 public:
  explicit TxOwner(SqlStore& store)
      : store_(store), previous_(store.tx_owner_.exchange(std::this_thread::get_id())) {}
  ~TxOwner() { store_.tx_owner_ = previous_; }

 private:
  SqlStore& store_;
  std::thread::id previous_;
};

core::Status SqlStore::WithTransaction(const std::function<core::Status(Repositories&)>& fn) {
  std::lock_guard lock(mu_);
  TxOwner owner(*this);
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
  TxOwner owner(*this);
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
