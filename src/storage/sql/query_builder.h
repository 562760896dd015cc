// Builds the WHERE clause, keyset pagination and parameters of a List() query.
#pragma once

#include <fmt/format.h>

#include <string>
#include <vector>

#include "storage/sql/row_codec.h"

namespace bulwark::storage::sql {

class ListQuery {
 public:
  explicit ListQuery(std::string select) : select_(std::move(select)) {}

  // Orders by id descending (the cursor then pages towards smaller ids).
  void Descending() { descending_ = true; }

  // `clause` holds one "{}" where the placeholder number goes, e.g. "role = ${}".
  void Where(std::string_view clause, Value value) {
    params_.push_back(std::move(value));
    clauses_.push_back(fmt::format(fmt::runtime(clause), params_.size()));
  }
  void WhereRaw(std::string clause) { clauses_.push_back(std::move(clause)); }

  // Adds the cursor condition and limit; kInvalidArgument for a bad cursor or limit.
  core::Result<std::string> Build(const PageRequest& page) {
    if (page.limit < 1 || page.limit > 1000) {
      return core::Fail(core::ErrorCode::kInvalidArgument, "limit: must be between 1 and 1000");
    }
    if (!page.cursor.empty()) {
      std::int64_t after = 0;
      auto [p, ec] =
          std::from_chars(page.cursor.data(), page.cursor.data() + page.cursor.size(), after);
      if (ec != std::errc() || p != page.cursor.data() + page.cursor.size() || after < 0) {
        return core::Fail(core::ErrorCode::kInvalidArgument,
                          "cursor: malformed; pass back the next_cursor of a previous page");
      }
      Where(descending_ ? "id < ${}" : "id > ${}", Int(after));
    }
    std::string sql = select_ + WhereClause();
    sql += fmt::format(" ORDER BY id{} LIMIT {}", descending_ ? " DESC" : "", page.limit + 1);
    return sql;
  }
  // " WHERE a AND b" of the conditions added so far ("" when none).
  std::string WhereClause() const {
    std::string sql;
    for (size_t i = 0; i < clauses_.size(); ++i) sql += (i ? " AND " : " WHERE ") + clauses_[i];
    return sql;
  }
  const std::vector<Value>& params() const { return params_; }

 private:
  std::string select_;
  std::vector<std::string> clauses_;
  std::vector<Value> params_;
  bool descending_ = false;
};

// Turns limit+1 rows into a page: the extra row only says there is a next page.
template <typename T, typename MapFn>
Page<T> ToPage(const Rows& rows, const PageRequest& page, MapFn map) {
  Page<T> out;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < page.limit; ++i) {
    out.items.push_back(map(rows[i]));
  }
  if (static_cast<int>(rows.size()) > page.limit && !out.items.empty()) {
    out.next_cursor = std::to_string(out.items.back().id);
  }
  return out;
}

}  // namespace bulwark::storage::sql
