// Internal to ingest: format detection and one parser per format family. Each parser reads the
// whole document (rewound), validates every row and emits findings; it throws Failure on refusal.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/format.h"
#include "ingest/json_support.h"

namespace bulwark::ingest::internal {

// What format detection reads of the top level of an object document (specs/xray-formats.md
// 6.3): the keys in order with the type of their values, and the few values signatures look into.
// Filled one field at a time, so a parser that iterates the top level itself can complete it.
// Keys are views into the parsed buffer.
class TopLevelFacts {
 public:
  // Reads what detection needs from one field; may consume its value.
  void Read(std::string_view key, od::value value);
  // Records a field whose value the caller reads itself (its rows): only its key and type.
  void Note(std::string_view key, od::json_type type);

  bool Has(std::string_view key) const;
  // The type of the first field named `key`; null when there is none.
  od::json_type TypeOf(std::string_view key) const;
  bool IsArray(std::string_view key) const {
    return Has(key) && TypeOf(key) == od::json_type::array;
  }
  bool IsArrayOrNull(std::string_view key) const {
    return Has(key) && (TypeOf(key) == od::json_type::array || TypeOf(key) == od::json_type::null);
  }
  const std::vector<std::string_view>& keys() const { return keys_; }
  const std::string& version() const { return version_; }
  const std::string& schema() const { return schema_; }
  const std::string& bom_format() const { return bom_format_; }
  bool summary_has_total_alerts() const { return summary_has_total_alerts_; }
  // The first element of `artifacts` has general and/or issues.
  bool artifacts_look_right() const { return artifacts_look_right_; }
  // The first row of `data` has source_comp_id (not read by Note).
  bool data_rows_look_b1() const { return data_rows_look_b1_; }

 private:
  std::vector<std::string_view> keys_;
  std::vector<od::json_type> types_;
  std::string version_, schema_, bom_format_;
  bool summary_has_total_alerts_ = false;
  bool artifacts_look_right_ = false;
  bool data_rows_look_b1_ = false;
};

struct Detection {
  Format format = Format::kAuto;
  // Detection stopped before the rows to spare walking them; the decision is final only once the
  // parser has seen the rest. Object documents: the parser fills a TopLevelFacts with every
  // top-level field and DecideObject must then give `format`. Arrays: element 0 looked like a
  // CLI scan result before its issues; the parser checks its keys (CheckArrayElement) before
  // emitting anything from it.
  bool confirm_after_parse = false;
  // Detection read the whole value (trailing text can be checked before parsing); otherwise the
  // parser reads it to the end.
  bool read_whole_value = false;
};

// Decision procedure of specs/xray-formats.md section 6.2-6.3 over the top level (and the keys of
// array elements), reading no more than it needs (see Detection). Consumes the document; the
// caller rewinds it. Throws Failure when the value matches no format, several, or an Xray file
// that is not importable.
Detection Detect(od::document& doc);
// As Detect, reading every top-level field and every array element: final, never speculative.
Format DetectExactly(od::document& doc);
// The signatures of section 6.3 over the whole top level of an object document.
Format DecideObject(const TopLevelFacts& facts);

// Thrown by CheckArrayElement when element 0 is not of the kind detection took it for: nothing
// has been emitted from the document yet; parse again after DetectExactly.
struct Redetect {};
// Array documents (A1, B2): every element must be of the kind of the format detected from element
// 0. Throws Failure naming the element that is not (mixed formats), Redetect for element 0.
void CheckArrayElement(std::size_t index, const std::vector<std::string_view>& keys, Format format);

// `facts`, when not null, receives every top-level field (Detection::confirm_after_parse).
void ParseCliJson(od::document& doc, Format format, Emitter& out);                  // A1, B7, B9
void ParseSimpleJson(od::document& doc, Emitter& out);                              // A2
void ParseUiSecurityExport(od::document& doc, Emitter& out, TopLevelFacts* facts);  // B1
void ParseUiViolationsExport(od::document& doc, Emitter& out);                      // B2
// B5; returns total_rows.
std::int64_t ParseReportRows(od::document& doc, Emitter& out, TopLevelFacts* facts);

// The rows of one `rows` array of an xray-report, one at a time: ReadFields reads a row (JSON and
// type errors of the row throw), Finish checks and normalises it and emits its finding (a row
// missing what it needs, a row of another report kind, or the sink's error throw). Rows are
// numbered from 0 in the order they are read, for the JSON paths of messages.
class ReportRowReader {
 public:
  explicit ReportRowReader(Emitter& out);
  ~ReportRowReader();
  void ReadFields(od::value row);
  void Finish();
  void ReadAll(od::array rows);

 private:
  struct State;
  Emitter& out_;
  std::unique_ptr<State> state_;
  std::size_t index_ = 0;
};

// The top level of a report as read so far.
struct ReportTopLevel {
  std::int64_t total_rows = -1;
  bool has_rows = false;
};
// One top-level field of a report: total_rows, rows (read with a ReportRowReader), or another
// key (only noted in `facts`, when not null).
void ReadReportField(std::string_view key, od::value value, ReportTopLevel& top, Emitter& out,
                     TopLevelFacts* facts);
// The checks once the top level is read (total_rows and rows present; a warning when the count
// differs); returns total_rows.
std::int64_t EndReport(const ReportTopLevel& top, Emitter& out);

// An xray-report file read in windows of about `window` bytes instead of whole (memory stays
// near the window size, and the parser's index stays in cache). The keys before the rows are
// read first and must prove an xray-report (Detect's signature), otherwise this returns nullopt
// having emitted nothing and read only the head; then each window holds whole rows, cut after a
// '}' that the parse proves ends a row (a cut inside a string or a row fails that window's
// parse, which is retried from the first row not emitted, with a larger window when that row was
// its first); the keys after the rows are read last and DecideObject must still give
// xray-report. Throws Failure and SinkFailure like the parsers, and WindowedSyntaxError when the
// file is not valid JSON where a window could not tell exactly where or why: parse the whole
// file to say so.
struct WindowedSyntaxError {};
std::optional<std::int64_t> ParseReportInWindows(int fd, std::uint64_t size, std::size_t window,
                                                 Emitter& out);
void ParseSummaryArtifact(od::document& doc, Emitter& out);           // B6
void ParseViolationsApi(od::document& doc, Emitter& out);             // B8
void ParseLegacyBuildScan(od::document& doc, Emitter& out);           // B10
void ParseSarif(od::document& doc, Emitter& out);                     // A3
void ParseCycloneDx(od::document& doc, Format format, Emitter& out);  // A4, B4

}  // namespace bulwark::ingest::internal
