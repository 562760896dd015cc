// Text encodings of column values shared by the SQL repositories.
#pragma once

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/session.h"
#include "storage/store.h"

namespace bulwark::storage::sql {

inline Value Ms(Time t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
}
inline Value Ms(const std::optional<Time>& t) { return t ? Ms(*t) : Value{}; }
inline Value Int(std::int64_t v) { return std::to_string(v); }
inline Value Bool(bool b) { return b ? "1" : "0"; }

inline std::int64_t ToInt(const Value& v) {
  std::int64_t out = 0;
  if (v) std::from_chars(v->data(), v->data() + v->size(), out);
  return out;
}
inline bool ToBool(const Value& v) { return v && (*v == "1" || *v == "t" || *v == "true"); }
inline Time ToTime(const Value& v) { return Time(std::chrono::milliseconds(ToInt(v))); }
inline std::optional<Time> ToOptTime(const Value& v) {
  if (!v) return std::nullopt;
  return ToTime(v);
}
inline std::string ToText(const Value& v) { return v.value_or(""); }

// Lists are stored one item per line (items never contain a newline).
inline Value Lines(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += '\n';
    out += items[i];
  }
  return out;
}
inline std::vector<std::string> ToLines(const Value& v) {
  std::vector<std::string> out;
  if (!v || v->empty()) return out;
  size_t start = 0;
  while (true) {
    size_t nl = v->find('\n', start);
    out.push_back(v->substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

}  // namespace bulwark::storage::sql
