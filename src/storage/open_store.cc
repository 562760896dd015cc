// OpenStore: picks the backend from the database URL.
#include <fmt/format.h>

#include "storage/postgres/postgres_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/store.h"

namespace bulwark::storage {

core::Result<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    std::string path(url.substr(kSqlite.size()));
    if (path.empty()) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        "database URL 'sqlite://' names no file; use sqlite:///abs/path.db");
    }
    return sqlite::OpenSqliteStore(path);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return postgres::OpenPostgresStore(std::string(url));
  }
  return core::Fail(core::ErrorCode::kInvalidArgument,
                    "database URL must start with sqlite:// or postgresql:// (e.g. "
                    "sqlite:///var/lib/bulwark/bulwark.db or postgresql://user@host:5432/db)");
}

}  // namespace bulwark::storage
