// JsonWriter: appends JSON text to a string without building a document first. For the few hot
// responses (the findings list) where nlohmann/json's tree of maps costs more than the query;
// everything else keeps using nlohmann/json. Strings must be UTF-8 (stored findings are: ingest
// validates its input).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bulwark::http {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // The next value belongs to `key` (inside an object).
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Double(double value);  // shortest round-trip form; NaN/inf become null
  JsonWriter& Null();
  JsonWriter& OptString(const std::optional<std::string>& value) {
    return value ? String(*value) : Null();
  }
  JsonWriter& OptInt(const std::optional<std::int64_t>& value) {
    return value ? Int(*value) : Null();
  }
  JsonWriter& Strings(const std::vector<std::string>& values);
  // Text that is already JSON (e.g. another writer's output).
  JsonWriter& Raw(std::string_view json);

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate();  // a comma before every element but the first of its container

  std::string& out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace bulwark::http
