// The PostgreSQL backend of the storage port (libpqxx), for many Bulwark processes sharing one
// database.
#pragma once

#include <memory>
#include <string>

#include "storage/store.h"

namespace bulwark::storage::postgres {

// Connects to `url` (a libpq URI or key=value string) and applies pending migrations.
// kUnavailable when the server cannot be reached, kConflict when its schema is newer than this
// binary.
core::Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url);

}  // namespace bulwark::storage::postgres
