#include "storage/postgres/postgres_store.h"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "storage/sql/migrations.h"
#include "storage/sql/sql_store.h"

namespace bulwark::storage::postgres {
namespace {

using core::ErrorCode;

// Calls `fn`, turning libpqxx exceptions into errors with codes callers can act on.
template <typename Fn>
auto Guarded(std::string_view context, Fn fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const pqxx::unique_violation& e) {
    return core::Fail(ErrorCode::kConflict, fmt::format("postgresql: {}: {}", context, e.what()));
  } catch (const pqxx::foreign_key_violation& e) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      fmt::format("postgresql: {}: {}", context, e.what()));
  } catch (const pqxx::broken_connection& e) {
    return core::Fail(ErrorCode::kUnavailable,
                      fmt::format("postgresql: {}: connection lost: {}", context, e.what()));
  } catch (const std::exception& e) {
    return core::Fail(ErrorCode::kInternal, fmt::format("postgresql: {}: {}", context, e.what()));
  }
}

class PostgresSession final : public sql::TxSession {
 public:
  explicit PostgresSession(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}
  ~PostgresSession() override {
    tx_.reset();
    try {
      conn_->disconnect();
    } catch (...) {
    }
  }

  core::Result<sql::Rows> Query(std::string_view statement,
                                const std::vector<sql::Value>& params) override {
    return Guarded("query", [&]() -> core::Result<sql::Rows> {
      std::vector<const char*> raw;
      raw.reserve(params.size());
      for (const auto& p : params) raw.push_back(p ? p->c_str() : nullptr);
      const std::string text(statement);
      pqxx::result result;
      if (tx_) {
        result = tx_->exec_params(text, pqxx::prepare::make_dynamic_params(raw));
      } else {
        pqxx::work work(*conn_);
        result = work.exec_params(text, pqxx::prepare::make_dynamic_params(raw));
        work.commit();
      }
      sql::Rows rows;
      rows.reserve(result.size());
      for (const auto& r : result) {
        sql::Row row;
        for (const auto& field : r) {
          if (field.is_null()) {
            row.emplace_back();
          } else {
            row.emplace_back(std::string(field.c_str(), field.size()));
          }
        }
        rows.push_back(std::move(row));
      }
      return rows;
    });
  }

  core::Status Script(std::string_view script) override {
    return Guarded("script", [&]() -> core::Status {
      const std::string text(script);
      if (tx_) {
        tx_->exec(text);
      } else {
        pqxx::work work(*conn_);
        work.exec(text);
        work.commit();
      }
      return core::Ok();
    });
  }

  std::string_view SkipLockedClause() const override { return " FOR UPDATE SKIP LOCKED"; }

  core::Status Begin() override {
    return Guarded("begin", [&]() -> core::Status {
      tx_ = std::make_unique<pqxx::work>(*conn_);
      return core::Ok();
    });
  }
  core::Status Commit() override {
    auto status = Guarded("commit", [&]() -> core::Status {
      tx_->commit();
      return core::Ok();
    });
    tx_.reset();
    return status;
  }
  void Rollback() override {
    try {
      if (tx_) tx_->abort();
    } catch (...) {
    }
    tx_.reset();
  }

 private:
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::work> tx_;  // the open transaction, if any
};

}  // namespace

core::Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    std::string why = e.what();
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return core::Fail(ErrorCode::kUnavailable, fmt::format("postgresql: cannot connect: {}", why));
  }
  auto session = std::make_unique<PostgresSession>(std::move(conn));
  // Migrations of concurrent processes are serialised by a transaction-scoped advisory lock.
  const auto& migrations = sql::SchemaMigrations(sql::Dialect::kPostgres);
  auto store =
      std::make_unique<sql::SqlStore>(std::move(session), "postgresql", migrations.back().version);
  if (auto migrated = store->Migrate(migrations, "SELECT pg_advisory_xact_lock(7262010)");
      !migrated) {
    return std::unexpected(migrated.error());
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bulwark::storage::postgres
