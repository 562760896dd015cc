#include "ingest/zip_reader.h"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>

namespace bulwark::ingest::internal {
namespace {

using core::ErrorCode;

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

// libarchive's message for the last error; it has none for some corrupt archives.
std::string ErrorText(archive* a) {
  const char* text = archive_error_string(a);
  return text != nullptr ? text : "unreadable archive data";
}

// Deflate expands at most 1032 times: the most a member of an archive of N bytes can hold.
constexpr std::uint64_t kMaxDeflateRatio = 1032;

// Reads the current member into a padded buffer. The size its header gives is only a hint (a
// damaged or hostile archive can claim gigabytes in a few bytes): the buffer is reserved up to
// what the archive can really hold, and the limit applies to the bytes read.
core::Result<simdjson::padded_string> ReadMember(archive* a, archive_entry* entry,
                                                 std::size_t archive_bytes,
                                                 const ParseOptions& options) {
  std::string data;
  if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0) {
    const auto size = static_cast<std::uint64_t>(archive_entry_size(entry));
    data.reserve(std::min({size, archive_bytes * kMaxDeflateRatio, options.max_bytes}));
  }
  char buffer[1 << 16];
  while (true) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
    if (n < 0) return core::Fail(ErrorCode::kDataLoss, ErrorText(a));
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
    if (data.size() > options.max_bytes)
      return core::Fail(ErrorCode::kTooLarge, "member too large");
  }
  return simdjson::padded_string(data);
}

}  // namespace

core::Status ParseZip(std::string_view bytes, FindingSink& sink, const ParseOptions& options,
                      ParseReport& report) {
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_format_zip(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    return core::Fail(ErrorCode::kDataLoss,
                      fmt::format("not a readable ZIP: {}", ErrorText(a.get())));
  report.format = Format::kZip;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (archive_entry_filetype(entry) != AE_IFREG || !name.ends_with(".json")) {
      archive_read_data_skip(a.get());
      continue;
    }
    auto member = ReadMember(a.get(), entry, bytes.size(), options);
    if (!member) return std::unexpected(member.error().Wrap(name));
    ParseReport part;
    auto parsed = ParseJson(*member, Format::kAuto, sink, options, part);
    if (!parsed) {
      if (parsed.error().code == ErrorCode::kInvalidArgument) {  // e.g. scan status, SBOM
        report.warnings.push_back(fmt::format("{}: skipped: {}", name, parsed.error().message));
        continue;
      }
      return std::unexpected(parsed.error().Wrap(name));
    }
    report.member_formats.push_back(part.format);
    report.bytes += part.bytes;
    report.rows += part.rows;
    report.findings += part.findings;
    report.skipped += part.skipped;
    for (std::size_t i = 0; i < report.by_kind.size(); ++i) report.by_kind[i] += part.by_kind[i];
    for (std::size_t i = 0; i < report.by_severity.size(); ++i)
      report.by_severity[i] += part.by_severity[i];
    for (auto& w : part.warnings) report.warnings.push_back(name + ": " + w);
    if (report.findings > options.max_rows) {
      return core::Fail(ErrorCode::kTooLarge,
                        fmt::format("more than {} findings in one import (max_import_rows); split "
                                    "the report",
                                    options.max_rows));
    }
  }
  if (status != ARCHIVE_EOF)
    return core::Fail(ErrorCode::kDataLoss, fmt::format("corrupt ZIP: {}", ErrorText(a.get())));
  if (report.member_formats.empty())
    return core::Fail(ErrorCode::kInvalidArgument,
                      "the ZIP holds no importable JSON member (expected *_Security_Export.json, "
                      "*_Violations_Export.json or a report .json)");
  return core::Ok();
}

}  // namespace bulwark::ingest::internal
