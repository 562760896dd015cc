// The edge of the ingest module: reads the bytes, runs detection and the format parser, and turns
// simdjson errors and refusals into core::Error.
#include "ingest/ingest.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <system_error>

#include "ingest/parsers.h"
#include "ingest/zip_reader.h"

namespace bulwark::ingest {
namespace {

using core::ErrorCode;
using internal::Failure;
using internal::od::document;

// A line "[Info] ..." or "12:34:56 [Warn] ..." in the first 4 KiB.
bool LooksLikeCliLog(std::string_view text) {
  std::string_view head = text.substr(0, 4096);
  std::size_t start = 0;
  while (start < head.size()) {
    std::string_view line = head.substr(start, head.find('\n', start) - start);
    if (line.size() > 9 && line[2] == ':' && line[5] == ':' && line[8] == ' ')
      line.remove_prefix(9);
    for (std::string_view tag : {"[Info]", "[Warn]", "[Debug]", "[Error]"}) {
      if (line.starts_with(tag)) return true;
    }
    std::size_t next = head.find('\n', start);
    if (next == std::string_view::npos) break;
    start = next + 1;
  }
  return false;
}

// Pre-parse checks of specs/xray-formats.md 6.1 on the bytes after the BOM.
void PreCheck(std::string_view text) {
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) internal::Refuse(ErrorCode::kDataLoss, "empty file");
  if (text.substr(first, 4) == std::string_view("PK\x03\x04", 4))
    internal::Refuse(ErrorCode::kInvalidArgument,
                     "this is a ZIP (UI/Reports export); import it as a file (format zip or auto)");
  if (LooksLikeCliLog(text))
    internal::Refuse(ErrorCode::kDataLoss,
                     "JFrog CLI log text mixed into the JSON (stdout and stderr captured "
                     "together?). Re-run with `--format json` or `--format simple-json` and "
                     "capture stdout only");
  char c = text[first];
  if (c != '{' && c != '[' && c != 'n')
    internal::Refuse(ErrorCode::kDataLoss,
                     "not JSON: this looks like a JFrog CLI table/log output. Re-run with "
                     "`--format json` or `--format simple-json`");
}

std::int64_t RunParser(document& doc, Format format, internal::Emitter& out,
                       internal::TopLevelFacts* facts) {
  switch (format) {
    case Format::kCliJson:
    case Format::kGraphScan:
    case Format::kBuildScan:
      internal::ParseCliJson(doc, format, out);
      return 0;
    case Format::kCliSimpleJson:
      internal::ParseSimpleJson(doc, out);
      return 0;
    case Format::kCliSarif:
      internal::ParseSarif(doc, out);
      return 0;
    case Format::kCliCycloneDx:
    case Format::kUiCycloneDx:
      internal::ParseCycloneDx(doc, format, out);
      return 0;
    case Format::kUiSecurityExport:
      internal::ParseUiSecurityExport(doc, out, facts);
      return 0;
    case Format::kUiViolationsExport:
      internal::ParseUiViolationsExport(doc, out);
      return 0;
    case Format::kReport:
      return internal::ParseReportRows(doc, out, facts);
    case Format::kSummaryArtifact:
      internal::ParseSummaryArtifact(doc, out);
      return 0;
    case Format::kViolations:
      internal::ParseViolationsApi(doc, out);
      return 0;
    case Format::kLegacyBuildScan:
      internal::ParseLegacyBuildScan(doc, out);
      return 0;
    case Format::kAuto:
    case Format::kZip:
      break;
  }
  internal::Refuse(ErrorCode::kInternal, "no parser for this format");
}

bool SameFamily(Format declared, Format detected) {
  if (declared == detected) return true;
  // Detection cannot tell the CLI and the UI CycloneDX apart by signature alone.
  auto cdx = [](Format f) { return f == Format::kCliCycloneDx || f == Format::kUiCycloneDx; };
  return cdx(declared) && cdx(detected);
}

// The format to parse with: the detected one, or the declared one when it matches.
Format Reconcile(Format declared, Format detected) {
  if (!SameFamily(declared == Format::kAuto ? detected : declared, detected))
    internal::Refuse(ErrorCode::kInvalidArgument,
                     fmt::format("the file was declared as {} but looks like {}",
                                 FormatName(declared), FormatName(detected)));
  return declared == Format::kAuto ? detected : declared;
}

void RefuseTrailingText(document& doc) {
  if (doc.current_location().error() == simdjson::SUCCESS)
    internal::Refuse(ErrorCode::kDataLoss, "trailing text after the JSON value");
}

// Detects (or checks the declared format), then parses: the whole JSON path of one document.
// `checked`: this document was already detected and parsed without error with ParseOptions
// identical but for the sink (validate_before_emit), and `declared` is the format it had.
//
// Detection reads no more of the document than it needs (internal::Detection): an xray-report or
// a UI security export is told by its keys before the rows, which are then walked only once, by
// the parser; the keys after the rows are checked once the parser has read them, and trailing
// text after the parse. A CLI json array is told by element 0 and each element is checked by the
// parser. So such a refusal may come after findings reached the sink, like a row error.
std::int64_t ParseDocument(simdjson::padded_string_view json, Format declared, FindingSink* sink,
                           const ParseOptions& options, ParseReport& report, bool checked) {
  std::string_view text(json.data(), json.size());
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  if (declared == Format::kCliJson && text.substr(first, last - first + 1) == "null") {
    report.format = Format::kCliJson;  // the CLI prints null when nothing was scanned
    return 0;
  }
  internal::od::parser parser;
  document doc = parser.iterate(json);
  if (checked) {
    report.format = declared;
    internal::Emitter emitter(sink, options.batch_size, report, options.max_rows);
    std::int64_t total = RunParser(doc, declared, emitter, nullptr);
    emitter.Flush();
    return total;
  }
  internal::Detection detection = internal::Detect(doc);
  if (detection.read_whole_value) RefuseTrailingText(doc);
  Format format = Reconcile(declared, detection.format);
  doc.rewind();
  const ParseReport before = report;
  report.format = format;
  try {
    internal::TopLevelFacts facts;
    const bool object_facts = detection.confirm_after_parse && format != Format::kCliJson;
    internal::Emitter emitter(sink, options.batch_size, report, options.max_rows);
    std::int64_t total = RunParser(doc, format, emitter, object_facts ? &facts : nullptr);
    if (object_facts && internal::DecideObject(facts) != detection.format)
      internal::Refuse(ErrorCode::kInternal, "format detection changed its mind");
    if (!detection.read_whole_value) RefuseTrailingText(doc);
    emitter.Flush();
    return total;
  } catch (const internal::Redetect&) {
    // Element 0 of an array proved other than its first keys said; nothing was emitted yet.
    report = before;
    doc.rewind();
    Format exact = internal::DetectExactly(doc);
    RefuseTrailingText(doc);
    format = Reconcile(declared, exact);
    doc.rewind();
    report.format = format;
    internal::Emitter emitter(sink, options.batch_size, report, options.max_rows);
    std::int64_t total = RunParser(doc, format, emitter, nullptr);
    emitter.Flush();
    return total;
  }
}

core::Error SyntaxErrorOf(std::string_view text, simdjson::error_code code) {
  if (auto err = internal::FindSyntaxError(text)) {
    return core::Error{ErrorCode::kDataLoss,
                       fmt::format("malformed JSON at {}: {}",
                                   internal::DescribeOffset(text, err->offset), err->problem)};
  }
  return core::Error{ErrorCode::kDataLoss,
                     fmt::format("malformed JSON: {}", simdjson::error_message(code))};
}

bool Limited(const ParseOptions& options) {
  return options.json_limits.max_depth != kNoJsonLimits.max_depth ||
         options.json_limits.max_string_bytes != kNoJsonLimits.max_string_bytes;
}

// The error for the exception being handled, as the parsers throw it. `text`: the whole JSON
// text, to locate a syntax error.
core::Error CurrentError(std::string_view text, Format format) {
  try {
    throw;
  } catch (const Failure& failure) {
    return core::Error{failure.code, failure.message};
  } catch (const internal::SinkFailure& failure) {
    return failure.error;
  } catch (const internal::Redetect&) {
    return core::Error{ErrorCode::kInternal, "format detection failed twice on one document"};
  } catch (const simdjson::simdjson_error& e) {
    if (e.error() == simdjson::UTF8_ERROR)
      return core::Error{ErrorCode::kDataLoss, "file is not UTF-8 text"};
    if (e.error() == simdjson::INCORRECT_TYPE)
      return core::Error{ErrorCode::kDataLoss,
                         fmt::format("{}: a value has the wrong JSON type", FormatName(format))};
    return SyntaxErrorOf(text, e.error());
  }
}

}  // namespace

core::Result<std::int64_t> internal::ParseJson(simdjson::padded_string_view json, Format format,
                                               FindingSink& sink, const ParseOptions& options,
                                               ParseReport& report) {
  std::string_view text(json.data(), json.size());
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
    json = simdjson::padded_string_view(text.data(), text.size(), json.capacity() - 3);
  }
  try {
    PreCheck(text);
    if (auto within = Limited(options) ? CheckJsonLimits(text, options.json_limits) : core::Ok();
        !within) {
      return std::unexpected(within.error());
    }
    report.bytes += text.size();
    if (options.validate_before_emit) {
      ParseReport dry = report;
      ParseDocument(json, format, nullptr, options, dry, false);
      return ParseDocument(json, dry.format, &sink, options, report, true);
    }
    return ParseDocument(json, format, &sink, options, report, false);
  } catch (...) {
    return std::unexpected(CurrentError(text, report.format));
  }
}

namespace {

class DiscardingSink : public FindingSink {
 public:
  core::Status Consume(std::span<const domain::Finding>) override { return core::Ok(); }
  bool WantsFindings() const override { return false; }
};

// With validate_before_emit, every member is checked before the first one is emitted.
core::Status ParseZipAtomically(std::string_view bytes, FindingSink& sink,
                                const ParseOptions& options, ParseReport& report) {
  if (options.validate_before_emit) {
    ParseOptions once = options;
    once.validate_before_emit = false;
    DiscardingSink discard;
    ParseReport dry;
    if (auto checked = internal::ParseZip(bytes, discard, once, dry); !checked) return checked;
  }
  return internal::ParseZip(bytes, sink, options, report);
}

// A file mapped read-only with SIMDJSON_PADDING readable zero bytes after its end (the parser
// reads past the last byte): anonymous pages are reserved first and the file is mapped over their
// start. Saves the copy into a heap buffer and keeps the pages shareable with the page cache.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (base_ != nullptr) munmap(base_, length_);
  }

  // False when the file cannot be opened or mapped (the caller falls back to reading it).
  bool Map(const std::string& path, std::size_t size) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    length_ = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
    void* base = mmap(nullptr, length_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return false;
    base_ = base;
    if (size == 0) return true;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    void* mapped = mmap(base_, size, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
    close(fd);
    if (mapped == MAP_FAILED) return false;
    madvise(base_, size, MADV_SEQUENTIAL);
    size_ = size;
    return true;
  }
  simdjson::padded_string_view view() const {
    return simdjson::padded_string_view(static_cast<const char*>(base_), size_,
                                        length_ > size_ ? length_ : size_);
  }

 private:
  void* base_ = nullptr;
  std::size_t length_ = 0;
  std::size_t size_ = 0;
};

class FileDescriptor {
 public:
  explicit FileDescriptor(const std::string& path)
      : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// The xray-report read in windows (internal::ParseReportInWindows) into `sink`; nullopt when the
// file does not qualify, before anything was emitted. `refused`: the file was refused, and the
// whole parse is to say why: a problem found in an early window (a row missing its component) may
// not be the one the whole parse names first (its stage 1 reads every byte before any row, so
// text that is not UTF-8 further on comes first). The sink's own error and a read error are
// returned as they are.
std::optional<core::Status> ReportInWindows(int fd, std::uint64_t size, FindingSink& sink,
                                            const ParseOptions& options, ParseReport& report,
                                            bool& refused) {
  ParseReport before = report;
  report.format = Format::kReport;
  try {
    internal::Emitter emitter(&sink, options.batch_size, report, options.max_rows);
    if (!internal::ParseReportInWindows(fd, size, options.window_bytes, emitter)) {
      report = before;
      return std::nullopt;
    }
    emitter.Flush();
    return core::Ok();
  } catch (const internal::SinkFailure& failure) {
    return std::unexpected(failure.error);
  } catch (const Failure& failure) {
    if (failure.code == ErrorCode::kUnavailable) return core::Fail(failure.code, failure.message);
    refused = true;
  } catch (...) {
    refused = true;
  }
  return core::Fail(ErrorCode::kDataLoss, "refused");
}

// ParseFile for a Reports export larger than ParseOptions::window_bytes; nullopt (nothing
// emitted) for any other file, which is then parsed whole. A refused file is parsed whole once
// more, without a sink, so the refusal is the one the whole parse gives, with its message.
std::optional<core::Result<ParseReport>> ParseInWindows(const std::filesystem::path& path,
                                                        std::uint64_t size, Format format,
                                                        FindingSink& sink,
                                                        const ParseOptions& options) {
  if ((format != Format::kAuto && format != Format::kReport) || options.window_bytes == 0 ||
      size <= options.window_bytes || Limited(options))
    return std::nullopt;
  FileDescriptor fd(path.string());
  if (fd.get() < 0) return std::nullopt;
  // The checks of PreCheck need the first 4 KiB; a file they refuse is parsed whole.
  char head[4096 + 3];
  const ssize_t got = pread(fd.get(), head, sizeof(head), 0);
  if (got <= 0) return std::nullopt;
  std::string_view text(head, static_cast<std::size_t>(got));
  std::uint64_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  text.remove_prefix(bom);
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') return std::nullopt;
  try {
    PreCheck(text);
  } catch (const Failure&) {
    return std::nullopt;
  }
  ParseReport report;
  bool refused = false;
  auto run = [&](FindingSink& to) {
    return ReportInWindows(fd.get(), size, to, options, report, refused);
  };
  std::optional<core::Status> done;
  if (options.validate_before_emit) {
    DiscardingSink discard;
    done = run(discard);
    if (done && *done) {
      report = ParseReport{};
      done = run(sink);
    }
  } else {
    done = run(sink);
  }
  if (!done) return std::nullopt;
  const std::string name = path.filename().string();
  if (*done) {
    report.bytes = size - bom;
    return report;
  }
  if (!refused) return std::unexpected(done->error().Wrap(name));
  // Refused: the whole parse names the problem it finds first, and where.
  ParseOptions whole = options;
  whole.window_bytes = 0;
  whole.validate_before_emit = false;
  DiscardingSink discard;
  auto checked = ParseFile(path, format, discard, whole);
  if (!checked) return std::unexpected(checked.error());
  return core::Fail(ErrorCode::kInternal,
                    fmt::format("{}: internal error: the report was refused when read in windows "
                                "of {} bytes but not when read whole; please report this file",
                                name, options.window_bytes));
}

}  // namespace

core::Result<ParseReport> ParseBuffer(std::string_view name, std::string_view bytes, Format format,
                                      FindingSink& sink, const ParseOptions& options) {
  if (bytes.size() > options.max_bytes)
    return core::Fail(ErrorCode::kTooLarge, fmt::format("{}: {} bytes exceed the limit of {}", name,
                                                        bytes.size(), options.max_bytes));
  ParseReport report;
  if (format == Format::kZip || (format == Format::kAuto && bytes.starts_with("PK\x03\x04"))) {
    auto zipped = ParseZipAtomically(bytes, sink, options, report);
    if (!zipped) return std::unexpected(zipped.error().Wrap(name));
    return report;
  }
  simdjson::padded_string padded(bytes);
  auto parsed = internal::ParseJson(padded, format, sink, options, report);
  if (!parsed) return std::unexpected(parsed.error().Wrap(name));
  return report;
}

core::Result<ParseReport> ParseFile(const std::filesystem::path& path, Format format,
                                    FindingSink& sink, const ParseOptions& options) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return core::Fail(ErrorCode::kNotFound, fmt::format("{}: {}", path.string(), ec.message()));
  if (size > options.max_bytes)
    return core::Fail(ErrorCode::kTooLarge, fmt::format("{}: {} bytes exceed the limit of {}",
                                                        path.string(), size, options.max_bytes));
  if (auto windowed = ParseInWindows(path, size, format, sink, options)) return *windowed;
  MappedFile mapped;
  simdjson::padded_string loaded;
  simdjson::padded_string_view content;
  if (mapped.Map(path.string(), size)) {
    content = mapped.view();
  } else {
    if (simdjson::padded_string::load(path.string()).get(loaded) != simdjson::SUCCESS)
      return core::Fail(ErrorCode::kUnavailable,
                        fmt::format("{}: cannot read the file", path.string()));
    content = loaded;
  }
  std::string_view bytes(content.data(), content.size());
  ParseReport report;
  if (format == Format::kZip || (format == Format::kAuto && bytes.starts_with("PK\x03\x04"))) {
    auto zipped = ParseZipAtomically(bytes, sink, options, report);
    if (!zipped) return std::unexpected(zipped.error().Wrap(path.filename().string()));
    return report;
  }
  auto parsed = internal::ParseJson(content, format, sink, options, report);
  if (!parsed) return std::unexpected(parsed.error().Wrap(path.filename().string()));
  return report;
}

core::Result<std::int64_t> ParseReportPage(std::string_view body, FindingSink& sink,
                                           const ParseOptions& options) {
  simdjson::padded_string padded(body);
  ParseReport report;
  auto total = internal::ParseJson(padded, Format::kReport, sink, options, report);
  if (!total) return std::unexpected(total.error().Wrap("xray report page"));
  return *total;
}

}  // namespace bulwark::ingest
