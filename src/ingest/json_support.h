// Internal to ingest: the simdjson On-Demand plumbing shared by the format parsers. Parsers throw
// Failure (or let simdjson_error escape); ingest.cc turns both into core::Error at the edge.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "domain/finding.h"
#include "ingest/ingest.h"

namespace bulwark::ingest::internal {

namespace od = simdjson::ondemand;

// A refusal with its final code and message.
struct Failure {
  core::ErrorCode code;
  std::string message;
};

[[noreturn]] void Refuse(core::ErrorCode code, std::string message);

// A JSON value of the wrong type or a missing required key at `path` ("$.rows[3].severity").
[[noreturn]] void RefuseAt(std::string_view format, std::string_view path,
                           std::string_view problem);

// Thrown when the sink returns an error; carries it unchanged.
struct SinkFailure {
  core::Error error;
};

// Batches findings for the sink and keeps the counts of the report.
class Emitter {
 public:
  // sink may be null (validation pass), or not want findings: findings are counted, not
  // delivered, and Emit leaves its argument untouched (the caller may reuse its capacity).
  // More than `max_rows` findings refuse the file with kTooLarge.
  Emitter(FindingSink* sink, std::size_t batch_size, ParseReport& report,
          std::uint64_t max_rows = UINT64_MAX);
  void Emit(domain::Finding&& finding);
  void Flush();
  ParseReport& report() { return report_; }

 private:
  FindingSink* sink_;
  std::size_t batch_size_;
  ParseReport& report_;
  std::uint64_t max_rows_;
  std::vector<domain::Finding> batch_;
};

// The value of an iteration's result, used where it is: copying a field or value just built out
// of its result makes the CPU wait (a wide load of narrower stores it cannot forward). Throws the
// result's error like value() does.
template <typename T>
inline T& InPlace(simdjson::simdjson_result<T>& result) {
  if (result.error() != simdjson::SUCCESS) throw simdjson::simdjson_error(result.error());
  return result.value_unsafe();
}

// The key of an object field as written in the file (escapes kept; Xray keys have none). The
// closing quote is the first one not escaped: a backslash always escapes the next character, so
// the key `"a\\"` (an escaped backslash) ends right after it.
inline std::string_view KeyView(const char* raw) {
  const char* end = raw;
  while (*end != '"') end += *end == '\\' ? 2 : 1;
  return std::string_view(raw, static_cast<std::size_t>(end - raw));
}
inline std::string_view KeyOf(od::field& field) { return KeyView(field.key().raw()); }
// True when the key whose text starts at `raw` (just after its opening quote) is exactly `name`
// (which holds no quote nor backslash), without finding where the key ends first: the bytes
// compared past a shorter key are still inside the padded document.
inline bool KeyIs(const char* raw, std::string_view name) {
  return std::memcmp(raw, name.data(), name.size()) == 0 && raw[name.size()] == '"';
}

// The JSON text of an object or array value (points into the parsed buffer).
inline std::string_view RawObject(od::value value) {
  od::object object = value.get_object();
  return object.raw_json();
}
inline std::string_view RawArray(od::value value) {
  od::array array = value.get_array();
  return array.raw_json();
}

// "$.rows[17]"
std::string IndexPath(std::string_view base, std::size_t index);

// String value; null gives "". Throws simdjson_error(INCORRECT_TYPE) for other types.
std::string String(od::value value);
// The text of a string value without a copy when it has no escapes (a view into the input, valid
// as long as the document); an escaped string is unescaped by simdjson. Like get_string(): null
// and other types throw INCORRECT_TYPE. Keeps simdjson's string buffer (and so memory) small.
std::string_view StringView(od::value& value);
inline std::string_view StringView(od::value&& value) { return StringView(value); }
// As String, into `out` (replacing its text, keeping its capacity for the next row).
void AssignString(od::value& value, std::string& out);
inline void AssignString(od::value&& value, std::string& out) { return AssignString(value, out); }
// Array of strings; null gives {}. Non-string elements throw INCORRECT_TYPE.
std::vector<std::string> Strings(od::value value);
// As Strings, into `out`, reusing its elements' capacity.
void AssignStrings(od::value& value, std::vector<std::string>& out);
inline void AssignStrings(od::value&& value, std::vector<std::string>& out) {
  return AssignStrings(value, out);
}
// Score as number, numeric string or "score/vector" string; null, "" or a non-numeric string ->
// nullopt.
std::optional<double> Score(od::value& value);
inline std::optional<double> Score(od::value&& value) { return Score(value); }
// "9.8/CVSS:3.1/AV:N/...", "7.6/AV:N/...", or score-only "5.9" into a Cvss.
void SplitScoreVector(std::string_view text, domain::Cvss& out);
// An entry of a `cves` array in any spelling: cve|id, cvss_v{2,3,4}_score + _vector (numbers or
// strings), cvss_v{2,3,4} "score/vector", cvssV2/cvssV3 + cvssV2Vector/cvssV3Vector, cwe[] or
// cwes[].
domain::Cve ParseCve(od::object object);
std::vector<domain::Cve> ParseCves(od::value value);
// As ParseCves, into `out`, reusing its elements' strings and vectors (a parser reading row after
// row into one finding allocates nothing for CVEs that fit what the previous rows held).
void AssignCves(od::value& value, std::vector<domain::Cve>& out);
inline void AssignCves(od::value&& value, std::vector<domain::Cve>& out) {
  return AssignCves(value, out);
}
// Appends the CWEs of the CVEs to finding.cwes (no duplicates).
void CollectCwes(domain::Finding& finding);

// Lower-cased snake_case applicability: "Not Applicable" -> "not_applicable".
std::string NormalizeApplicability(std::string_view text);
// As NormalizeApplicability, into `out` (keeping its capacity).
void NormalizeApplicability(std::string_view text, std::string& out);

// True when the value is JSON null (consumes it only if null).
bool IsNull(od::value value);

// Locates the first JSON syntax error in bytes: {offset, problem}. nullopt if the text is valid.
struct SyntaxError {
  std::size_t offset;
  std::string problem;
};
std::optional<SyntaxError> FindSyntaxError(std::string_view text);
// "line L, column C (byte offset O)"
std::string DescribeOffset(std::string_view text, std::size_t offset);

}  // namespace bulwark::ingest::internal
