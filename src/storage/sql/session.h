// The narrow SQL seam the two backends implement, so the repositories' SQL is written once.
// Statements use $1, $2... placeholders (PostgreSQL syntax; SQLite reads them as named
// parameters). Values travel as text or NULL; each backend converts errors into core::Error
// (unique violation -> kConflict, foreign-key violation -> kInvalidArgument).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace bulwark::storage::sql {

using Value = std::optional<std::string>;  // nullopt = SQL NULL
using Row = std::vector<Value>;
using Rows = std::vector<Row>;

class Session {
 public:
  virtual ~Session() = default;
  // Runs one statement with parameters and returns its result rows (RETURNING included).
  virtual core::Result<Rows> Query(std::string_view statement,
                                   const std::vector<Value>& params) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual core::Status Script(std::string_view script) = 0;
  // The row-locking clause a job-queue claim appends to its candidate SELECT so concurrent
  // claimers in other processes skip rows another one is taking (" FOR UPDATE SKIP LOCKED" on
  // PostgreSQL); empty where one writer at a time holds the database (SQLite).
  virtual std::string_view SkipLockedClause() const { return {}; }
};

struct Migration {
  int version;
  std::string_view name;
  std::string_view script;
};

// Brings the schema up to the last of `migrations` (ordered, versions 1..N) through `session`,
// which must already be inside a transaction. Creates the schema_migrations table if needed.
// kConflict when the database records a version above N.
core::Result<int> ApplyMigrations(Session& session, const std::vector<Migration>& migrations);
// Highest applied version, 0 for an empty database.
core::Result<int> AppliedVersion(Session& session);

}  // namespace bulwark::storage::sql
