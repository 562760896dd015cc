// The SQLite backend of the storage port: one database file, WAL journal, foreign keys on, a
// busy timeout so concurrent processes wait instead of failing at once.
#pragma once

#include <memory>
#include <string>

#include "storage/store.h"

namespace bulwark::storage::sqlite {

// Opens (creating if needed) the database file at `path` and applies pending migrations.
// kUnavailable when the file cannot be opened, kDataLoss when it is not a SQLite database,
// kConflict when its schema is newer than this binary.
core::Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace bulwark::storage::sqlite
