// Turning query results into repository answers, shared by the SQL repositories.
#pragma once

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "core/error.h"
#include "storage/sql/query_builder.h"
#include "storage/sql/session.h"

namespace bulwark::storage::sql {

// One row, or kNotFound naming `what`.
inline core::Result<Row> One(core::Result<Rows> rows, std::string_view what) {
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) {
    return core::Fail(core::ErrorCode::kNotFound, fmt::format("{} not found", what));
  }
  return std::move(rows->front());
}

// Ok when a statement with RETURNING touched a row, else kNotFound naming `what`.
inline core::Status Touched(core::Result<Rows> rows, std::string_view what) {
  auto one = One(std::move(rows), what);
  if (!one) return std::unexpected(one.error());
  return core::Ok();
}

template <typename T, typename MapFn>
core::Result<T> Map(core::Result<Row> row, MapFn map) {
  if (!row) return std::unexpected(row.error());
  return map(*row);
}

// Runs a keyset-paged list query and maps its rows.
template <typename T, typename MapFn>
core::Result<Page<T>> RunList(Session& s, ListQuery& q, const PageRequest& page, MapFn map) {
  auto sql = q.Build(page);
  if (!sql) return std::unexpected(sql.error());
  auto rows = s.Query(*sql, q.params());
  if (!rows) return std::unexpected(rows.error());
  return ToPage<T>(*rows, page, map);
}

}  // namespace bulwark::storage::sql
