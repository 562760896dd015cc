// Fuzz target: a Reports export read in windows (ParseOptions::window_bytes) must give exactly
// what the whole file gives: the same findings and counts, or the same refusal. Aborts otherwise.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ingest/ingest.h"

namespace {

struct Outcome {
  bulwark::core::Result<bulwark::ingest::ParseReport> report;
  std::vector<bulwark::domain::Finding> findings;
};

Outcome Parse(const std::string& path, std::size_t window_bytes) {
  bulwark::ingest::ParseOptions options;
  options.window_bytes = window_bytes;
  bulwark::ingest::CollectingSink sink;
  auto report = bulwark::ingest::ParseFile(path, bulwark::ingest::Format::kAuto, sink, options);
  return {std::move(report), std::move(sink.findings)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An in-memory file, named through /proc so ParseFile reads it like any other.
  int fd = memfd_create("report", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  Outcome whole = Parse(path, 0);
  Outcome windowed = Parse(path, 64);
  close(fd);
  if (whole.report.has_value() != windowed.report.has_value()) std::abort();
  if (!whole.report) {
    if (whole.report.error().code != windowed.report.error().code ||
        whole.report.error().message != windowed.report.error().message)
      std::abort();
    return 0;
  }
  const auto& a = *whole.report;
  const auto& b = *windowed.report;
  if (a.format != b.format || a.rows != b.rows || a.findings != b.findings ||
      a.by_kind != b.by_kind || a.by_severity != b.by_severity || a.warnings != b.warnings ||
      whole.findings != windowed.findings)
    std::abort();
  return 0;
}
