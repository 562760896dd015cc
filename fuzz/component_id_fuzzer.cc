// Fuzz target: Xray component-id parsing (never fails, so it must never crash) and the identity
// key built from it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "domain/finding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view id(reinterpret_cast<const char*>(data), size);
  bulwark::domain::Component component = bulwark::domain::ParseComponentId(id);
  if (component.id != id) std::abort();  // the raw id is kept as given
  (void)component.Key();
  return 0;
}
