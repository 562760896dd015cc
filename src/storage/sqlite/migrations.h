// The migrations of the sqlite backend, versions 1..N in order.
#pragma once

#include <vector>

#include "storage/sql/session.h"

namespace bulwark::storage::sqlite {

const std::vector<sql::Migration>& Migrations();

}  // namespace bulwark::storage::sqlite
