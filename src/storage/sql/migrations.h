// The schema's numbered migrations (versions 1..N in order), one set for both backends.
#pragma once

#include <vector>

#include "storage/sql/session.h"

namespace bulwark::storage::sql {

enum class Dialect { kSqlite, kPostgres };

// The migrations as `dialect` spells them.
const std::vector<Migration>& SchemaMigrations(Dialect dialect);

}  // namespace bulwark::storage::sql
