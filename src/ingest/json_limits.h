// JSON limits: the nesting depth and the longest string a JSON text may hold, checked in one
// linear pass over the bytes before anything parses them. Imported files (ingest::ParseOptions)
// and API request bodies (http) are held to them, so a hostile input cannot exhaust the stack or
// the memory of the parser. The checker is not a validator: malformed JSON passes it unchanged
// and is refused, with its position, by the parser that follows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/error.h"

namespace bulwark::ingest {

// The defaults are those of the server (docs/configuration.md, "Limits").
struct JsonLimits {
  // Objects and arrays open at once; the outermost value is level 1.
  std::size_t max_depth = 64;
  // Bytes of one string (key or value) as written in the file, escapes included.
  std::size_t max_string_bytes = std::size_t{1} << 20;
};

// No limit at all: CheckJsonLimits is then skipped.
inline constexpr JsonLimits kNoJsonLimits{SIZE_MAX, SIZE_MAX};

// kTooLarge naming the JSON path of the first value over a limit, the limit and the setting that
// raises it ("$.rows[3].impact_paths: nested deeper than 64 levels (max_json_depth)"), else Ok.
core::Status CheckJsonLimits(std::string_view text, const JsonLimits& limits);

}  // namespace bulwark::ingest
