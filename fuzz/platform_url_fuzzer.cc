// Fuzz target: normalisation of the JFrog platform URL entered in the integration settings
// (src/scanners/xray/url.h). A URL it accepts is http(s), has no blanks, query or fragment, and
// normalising it again changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scanners/xray/url.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = bulwark::scanners::xray::NormalizePlatformUrl(text);
  if (!url) {
    if (url.error().message.empty()) std::abort();
    return 0;
  }
  if (!url->starts_with("http://") && !url->starts_with("https://")) std::abort();
  if (url->find_first_of(" \t\r\n?#") != std::string::npos) std::abort();
  if (url->ends_with("/")) std::abort();
  auto again = bulwark::scanners::xray::NormalizePlatformUrl(*url);
  if (!again || *again != *url) std::abort();
  return 0;
}
