// Online backup of a SQLite database (sqlite3_backup API): a consistent copy taken while servers
// keep reading and writing the database, for `bulwark backup`.
#pragma once

#include <filesystem>

#include "core/error.h"

namespace bulwark::storage::sqlite {

// Copies the database at `database` into a new file `output` (its own journal, no WAL to carry
// along), written as `output`.partial and renamed once complete, so `output` is never a
// half-written copy. kNotFound when `database` does not exist, kConflict when `output` already
// exists, kUnavailable when either file cannot be opened or written.
core::Status BackupDatabase(const std::filesystem::path& database,
                            const std::filesystem::path& output);

}  // namespace bulwark::storage::sqlite
