// Fuzz target: the Reports API page reader the Xray client feeds with server responses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ingest/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  bulwark::ingest::CollectingSink sink;
  auto total = bulwark::ingest::ParseReportPage(body, sink);
  if (!total && total.error().message.empty()) std::abort();
  return 0;
}
