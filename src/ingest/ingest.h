// ingest: turns JFrog Xray result files into domain findings. Detects the format
// (specs/xray-formats.md section 6), stream-parses it with simdjson On-Demand and normalises each
// row into domain::Finding values delivered to a FindingSink in batches.
//
// Atomicity contract: a file is refused (non-ok Result) when it is empty, malformed, mixed, not an
// importable Xray format, or has a row missing what its format requires. Row errors are found
// while parsing, and so are the detection errors that lie past the first rows (detection reads
// only the keys before the rows of a report or UI security export, and element 0 of an array:
// keys after the rows, a later element of another kind and trailing text are found by the parse);
// other detection errors are found before anything is emitted. So by default batches may already
// have reached the sink when an error is returned: the caller must treat the import as one unit
// and commit what it received only when ParseFile returns ok (e.g. one transaction).
// With ParseOptions::validate_before_emit the file is parsed twice and the sink receives nothing
// unless the whole file is valid.
//
// Thread safety: the functions are re-entrant; each call uses its own parser state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "domain/finding.h"
#include "ingest/format.h"
#include "ingest/json_limits.h"

namespace bulwark::ingest {

// Receives the findings of one import, in file order, in batches of at most
// ParseOptions::batch_size. The span is valid only during the call. Returning an error aborts the
// parse; ParseFile then returns that error unchanged.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual core::Status Consume(std::span<const domain::Finding> batch) = 0;
  // False for a sink that only needs the counts of the ParseReport (e.g. a summary): Consume is
  // then never called and no finding is kept, which saves copying every finding into a batch.
  virtual bool WantsFindings() const { return true; }
};

struct ParseOptions {
  std::size_t batch_size = 1000;
  // Files larger than this are refused with kTooLarge.
  std::uint64_t max_bytes = std::uint64_t{4} << 30;
  // Parse once without emitting, then again emitting: nothing reaches the sink for a refused file.
  bool validate_before_emit = false;
  // Nesting depth and string length of each JSON document (a ZIP: of each member); kTooLarge
  // naming the JSON path when exceeded. None by default: the server sets its limits where files
  // enter (the upload routes), so later passes over an accepted file are not held to others.
  JsonLimits json_limits = kNoJsonLimits;
  // Findings one import may hold (a ZIP: all members together); kTooLarge when exceeded.
  std::uint64_t max_rows = UINT64_MAX;
  // ParseFile reads a Reports export (xray-report) larger than this in windows of whole rows of
  // about this size instead of mapping it whole: memory stays near the window size and the
  // parser's index stays in the CPU cache. Findings, counts and refusals are the same either way.
  // Not with json_limits (they are checked over the whole text); 0 reads every file whole.
  std::size_t window_bytes = std::size_t{512} << 10;
};

struct ParseReport {
  Format format = Format::kAuto;       // detected (or declared) format; kZip for a ZIP
  std::vector<Format> member_formats;  // ZIP: the format of each imported member, in order
  std::uint64_t bytes = 0;             // bytes of JSON parsed
  std::uint64_t rows = 0;              // top-level rows/elements/results read
  std::uint64_t findings = 0;          // findings emitted
  std::uint64_t skipped = 0;           // rows deliberately not imported (e.g. secrets, IaC, SAST)
  std::uint64_t windows = 0;  // windows the file was parsed in (window_bytes); 0: parsed whole
  std::array<std::uint64_t, 3> by_kind{};      // indexed by domain::FindingKind
  std::array<std::uint64_t, 5> by_severity{};  // indexed by domain::Severity
  std::vector<std::string> warnings;           // tolerated oddities worth telling the user
};

// Parses one file (JSON of any format above, or a ZIP export). `format` kAuto detects it; an
// explicit format must match what the file is, otherwise the file is refused naming both.
// Errors: kNotFound / kUnavailable (cannot read), kTooLarge (a limit of ParseOptions), kDataLoss
// (malformed JSON with line, column and byte offset; empty; mixed formats; row missing a required
// field, with its JSON path), kInvalidArgument (Xray output that holds no importable findings, or a
// format mismatch: the message says what the file is and which export to use), or the sink's own
// error.
core::Result<ParseReport> ParseFile(const std::filesystem::path& path, Format format,
                                    FindingSink& sink, const ParseOptions& options = {});

// As ParseFile, over bytes already in memory; `name` is used in messages.
core::Result<ParseReport> ParseBuffer(std::string_view name, std::string_view bytes, Format format,
                                      FindingSink& sink, const ParseOptions& options = {});

// Reads one Xray Reports API content page of a vulnerabilities (or violations) report,
// `{"total_rows": N, "rows": [...]}` (specs/xray-api.md section 3.3), emits its findings exactly
// like the xray-report format does, and returns total_rows.
core::Result<std::int64_t> ParseReportPage(std::string_view body, FindingSink& sink,
                                           const ParseOptions& options = {});

// A sink that keeps everything in memory, for tests and small files.
class CollectingSink : public FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding> batch) override {
    findings.insert(findings.end(), batch.begin(), batch.end());
    return core::Ok();
  }
  std::vector<domain::Finding> findings;
};

}  // namespace bulwark::ingest
