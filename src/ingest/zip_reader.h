// Internal to ingest: UI "Export Scan Data" and Reports export ZIPs, read with libarchive member
// by member (no unpacking to disk). Every JSON member is detected and parsed; the importable ones
// make one import (a Security and a Violations member together). Members that hold no findings
// (scan status, SBOMs) are skipped with a warning; a ZIP with no importable member is refused.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "core/error.h"
#include "ingest/format.h"
#include "ingest/ingest.h"

namespace bulwark::ingest::internal {

// One JSON document (already padded): pre-checks, detection or check of `format`, parsing.
// Returns total_rows for xray-report, else 0.
core::Result<std::int64_t> ParseJson(simdjson::padded_string_view json, Format format,
                                     FindingSink& sink, const ParseOptions& options,
                                     ParseReport& report);

core::Status ParseZip(std::string_view bytes, FindingSink& sink, const ParseOptions& options,
                      ParseReport& report);

}  // namespace bulwark::ingest::internal
