// Internal to ingest: format detection and one parser per format family. Each parser reads the
// whole document (rewound), validates every row and emits findings; it throws Failure on refusal.
#pragma once

#include "ingest/format.h"
#include "ingest/json_support.h"

namespace bulwark::ingest::internal {

// Decision procedure of specs/xray-formats.md section 6.2-6.3 over the top level (and the keys of
// array elements). Consumes the document; the caller rewinds it. Throws Failure when the value
// matches no format, several, or an Xray file that is not importable.
Format Detect(od::document& doc);

void ParseCliJson(od::document& doc, Format format, Emitter& out);  // A1, B7, B9
void ParseSimpleJson(od::document& doc, Emitter& out);              // A2
void ParseUiSecurityExport(od::document& doc, Emitter& out);        // B1
void ParseUiViolationsExport(od::document& doc, Emitter& out);      // B2
// B5; returns total_rows.
std::int64_t ParseReportRows(od::document& doc, Emitter& out);
void ParseSummaryArtifact(od::document& doc, Emitter& out);           // B6
void ParseViolationsApi(od::document& doc, Emitter& out);             // B8
void ParseLegacyBuildScan(od::document& doc, Emitter& out);           // B10
void ParseSarif(od::document& doc, Emitter& out);                     // A3
void ParseCycloneDx(od::document& doc, Format format, Emitter& out);  // A4, B4

}  // namespace bulwark::ingest::internal
