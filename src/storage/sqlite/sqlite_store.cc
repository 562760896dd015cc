#include "storage/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "storage/sql/migrations.h"
#include "storage/sql/sql_store.h"

namespace bulwark::storage::sqlite {
namespace {

using core::ErrorCode;

core::Error ToError(sqlite3* db, int rc, std::string_view context) {
  const int extended = sqlite3_extended_errcode(db);
  std::string message = fmt::format("sqlite: {}: {}", context, sqlite3_errmsg(db));
  ErrorCode code = ErrorCode::kInternal;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    code = ErrorCode::kConflict;
  } else if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) {
    code = ErrorCode::kInvalidArgument;
  } else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ||
             (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_IOERR) {
    code = ErrorCode::kUnavailable;
  } else if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
    code = ErrorCode::kDataLoss;
  }
  return core::Error{code, std::move(message)};
}

// PostgreSQL's strpos(haystack, needle), so the shared SQL can use one spelling.
void StrPos(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* hay = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  const auto* needle = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  if (!hay || !needle) return sqlite3_result_null(ctx);
  const char* found = std::strstr(hay, needle);
  sqlite3_result_int64(ctx, found ? (found - hay) + 1 : 0);
}

// Runs statements on one connection. Prepared statements are kept by their text and reused (the
// lifecycle runs the same multi-row statement hundreds of times, the API the same queries on
// every request); each is reset after use so none holds a read snapshot open.
class SqliteSession final : public sql::TxSession {
 public:
  explicit SqliteSession(sqlite3* db) : db_(db) {}
  ~SqliteSession() override {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  core::Result<sql::Rows> Query(std::string_view statement,
                                const std::vector<sql::Value>& params) override {
    auto prepared = Prepare(statement);
    if (!prepared) return std::unexpected(prepared.error());
    sqlite3_stmt* stmt = *prepared;
    auto rows = Run(stmt, params);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rows;
  }

  core::Status Script(std::string_view script) override {
    std::string text(script);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(ToError(db_, rc, "exec"));
    return core::Ok();
  }
  core::Status Begin() override { return Script("BEGIN IMMEDIATE"); }
  core::Status Commit() override { return Script("COMMIT"); }
  void Rollback() override {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  static constexpr size_t kCachedStatements = 64;

  // The cached statement for `statement`, prepared on first use.
  core::Result<sqlite3_stmt*> Prepare(std::string_view statement) {
    if (auto it = cache_.find(statement); it != cache_.end()) return it->second;
    // "$N" becomes SQLite's "?N", bound by number: named parameters are looked up linearly
    // while preparing, which is quadratic in the multi-row statements of the lifecycle.
    std::string text;
    text.reserve(statement.size());
    bool quoted = false;
    for (size_t i = 0; i < statement.size(); ++i) {
      const char c = statement[i];
      if (c == '\'') quoted = !quoted;
      const bool placeholder = !quoted && c == '$' && i + 1 < statement.size() &&
                               std::isdigit(static_cast<unsigned char>(statement[i + 1]));
      text += placeholder ? '?' : c;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, text.data(), static_cast<int>(text.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return std::unexpected(ToError(db_, rc, "prepare"));
    if (cache_.size() >= kCachedStatements) {
      for (auto& [cached_text, cached] : cache_) sqlite3_finalize(cached);
      cache_.clear();
    }
    cache_.emplace(std::string(statement), stmt);
    return stmt;
  }

  core::Result<sql::Rows> Run(sqlite3_stmt* stmt, const std::vector<sql::Value>& params) {
    const size_t count = static_cast<size_t>(sqlite3_bind_parameter_count(stmt));
    for (size_t i = 0; i < params.size() && i < count; ++i) {
      const sql::Value& v = params[i];
      const int index = static_cast<int>(i + 1);
      int rc = v ? sqlite3_bind_text(stmt, index, v->data(), static_cast<int>(v->size()),
                                     SQLITE_TRANSIENT)
                 : sqlite3_bind_null(stmt, index);
      if (rc != SQLITE_OK) return std::unexpected(ToError(db_, rc, "bind"));
    }
    sql::Rows rows;
    int rc;
    const int n = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      sql::Row row;
      row.reserve(static_cast<size_t>(n));
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          row.emplace_back();
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
        }
      }
      rows.push_back(std::move(row));
    }
    if (rc != SQLITE_DONE) return std::unexpected(ToError(db_, rc, "step"));
    return rows;
  }

  // Transparent lookup by string_view.
  struct Hash : std::hash<std::string_view> {
    using is_transparent = void;
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

// Opens a connection with Bulwark's settings; `read_only` ones refuse writes (query_only).
core::Result<std::unique_ptr<SqliteSession>> Connect(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (read_only ? 0 : SQLITE_OPEN_CREATE) |
                    (read_only ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return core::Fail(ErrorCode::kUnavailable,
                      fmt::format("sqlite: cannot open {}: {}", path, message));
  }
  auto session = std::make_unique<SqliteSession>(db);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_create_function(db, "strpos", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, StrPos,
                          nullptr, nullptr);
  std::vector<const char*> pragmas = {"PRAGMA foreign_keys = ON"};
  // Page cache (negative = KiB): SQLite's default of 2 MiB makes a large snapshot's index
  // updates read the same pages again and again; the writer gets 64 MiB, each reader 16 MiB.
  if (read_only) {
    pragmas.push_back("PRAGMA query_only = ON");
    pragmas.push_back("PRAGMA cache_size = -16384");
  } else {
    pragmas.insert(pragmas.begin(), "PRAGMA journal_mode = WAL");
    pragmas.push_back("PRAGMA synchronous = NORMAL");
    pragmas.push_back("PRAGMA cache_size = -65536");
  }
  for (const char* pragma : pragmas) {
    if (auto s = session->Query(pragma, {}); !s) {
      return std::unexpected(s.error().Wrap(fmt::format("opening {}", path)));
    }
  }
  return session;
}

// Read connections beside the writer (WAL): enough for the HTTP server's threads.
constexpr int kMaxReaders = 8;

}  // namespace

core::Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto session = Connect(path, false);
  if (!session) return std::unexpected(session.error());
  sql::ReaderOptions readers;
  readers.open = [path]() -> core::Result<std::unique_ptr<sql::Session>> {
    auto reader = Connect(path, true);
    if (!reader) return std::unexpected(reader.error());
    return std::unique_ptr<sql::Session>(std::move(*reader));
  };
  readers.max = kMaxReaders;
  // PRAGMA data_version on a connection that never writes changes with every commit of any
  // other connection, this process's writer included.
  auto watcher = Connect(path, true);
  if (!watcher) return std::unexpected(watcher.error());
  readers.data_version = [watch = std::shared_ptr<SqliteSession>(std::move(*watcher)),
                          mu = std::make_shared<std::mutex>()]() -> std::optional<std::int64_t> {
    std::lock_guard lock(*mu);
    auto rows = watch->Query("PRAGMA data_version", {});
    if (!rows || rows->empty() || rows->front().empty() || !rows->front()[0]) return std::nullopt;
    return std::strtoll(rows->front()[0]->c_str(), nullptr, 10);
  };
  const auto& migrations = sql::SchemaMigrations(sql::Dialect::kSqlite);
  auto store = std::make_unique<sql::SqlStore>(std::move(*session), "sqlite",
                                               migrations.back().version, std::move(readers));
  if (auto migrated = store->Migrate(migrations); !migrated) {
    return std::unexpected(migrated.error().Wrap(fmt::format("database {}", path)));
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace bulwark::storage::sqlite
