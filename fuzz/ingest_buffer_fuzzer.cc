// Fuzz target: format detection and every Xray parser through the public entry point
// ingest::ParseBuffer (JSON of any format, or a ZIP export). Any input must give either findings
// or a clear error; a crash, a sanitizer report or an error without a message is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  bulwark::ingest::CollectingSink sink;
  bulwark::ingest::ParseOptions options;
  options.batch_size = 3;  // small batches exercise the flushes
  auto report =
      bulwark::ingest::ParseBuffer("fuzz", bytes, bulwark::ingest::Format::kAuto, sink, options);
  if (!report && report.error().message.empty()) std::abort();
  if (report && report->findings != sink.findings.size()) std::abort();
  return 0;
}
