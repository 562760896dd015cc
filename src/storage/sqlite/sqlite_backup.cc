#include "storage/sqlite/sqlite_backup.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <memory>

namespace bulwark::storage::sqlite {
namespace {

using core::ErrorCode;
namespace fs = std::filesystem;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

core::Result<Db> Open(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return core::Fail(ErrorCode::kUnavailable,
                      fmt::format("sqlite: cannot open {}: {}", path.string(),
                                  raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// Copies every page of `source` into `target`, retrying while writers hold the database busy.
core::Status Copy(sqlite3* source, sqlite3* target, const fs::path& database) {
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  if (backup == nullptr) {
    return core::Fail(ErrorCode::kUnavailable,
                      fmt::format("sqlite: cannot start the backup: {}", sqlite3_errmsg(target)));
  }
  int rc = SQLITE_OK;
  do {
    rc = sqlite3_backup_step(backup, 256);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(25);
  } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return core::Fail(ErrorCode::kUnavailable, fmt::format("sqlite: backup of {} failed: {}",
                                                           database.string(), sqlite3_errstr(rc)));
  }
  return core::Ok();
}

}  // namespace

core::Status BackupDatabase(const fs::path& database, const fs::path& output) {
  std::error_code ec;
  if (!fs::is_regular_file(database, ec)) {
    return core::Fail(ErrorCode::kNotFound,
                      fmt::format("database file {} does not exist", database.string()));
  }
  if (fs::exists(output, ec)) {
    return core::Fail(
        ErrorCode::kConflict,
        fmt::format("{} already exists; choose a new file name or remove it", output.string()));
  }
  fs::path partial = output;
  partial += ".partial";
  fs::remove(partial, ec);
  auto source = Open(database, SQLITE_OPEN_READONLY);
  if (!source) return std::unexpected(source.error());
  {
    auto target = Open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!target) return std::unexpected(target.error());
    if (auto copied = Copy(source->get(), target->get(), database); !copied) {
      target->reset();
      fs::remove(partial, ec);
      return copied;
    }
    // The copy keeps the source's WAL mode; a backup file is one self-contained file.
    sqlite3_exec(target->get(), "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
  }
  fs::rename(partial, output, ec);
  if (ec) {
    fs::remove(partial, ec);
    return core::Fail(ErrorCode::kUnavailable,
                      fmt::format("cannot write {}: {}", output.string(), ec.message()));
  }
  return core::Ok();
}

}  // namespace bulwark::storage::sqlite
