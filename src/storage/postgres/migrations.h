// The migrations of the postgres backend, versions 1..N in order.
#pragma once

#include <vector>

#include "storage/sql/session.h"

namespace bulwark::storage::postgres {

const std::vector<sql::Migration>& Migrations();

}  // namespace bulwark::storage::postgres
